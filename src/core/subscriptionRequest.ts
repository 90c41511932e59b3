import { messageIdentifiers, subscriptionBody } from '../clientApi/clientApiBodies.js';
import type { ResolvedConfig } from '../config/KlaviyoOptions.js';
import { asObject, asText } from '../mapping/readFields.js';
import type { JsonObject, RudderMessage } from '../mapping/types.js';
import { listFields } from './routes.js';

/**
 * The Client API subscription for a group (`groupId` = list, `traits.subscribe: true`) or an identify
 * with list data (`traits.properties.{listId, subscribe, consent, smsConsent}`, defaults from the
 * config); `undefined` when the Client API cannot do it: an unsubscribe, no list, or neither an email
 * nor a phone number. Those go to the cloud tier.
 */
export function subscriptionRequest(
  message: RudderMessage,
  config: Pick<ResolvedConfig, 'listId' | 'consent' | 'smsConsent'>,
  exchangeId: string | undefined,
): JsonObject | undefined {
  const identifiers = messageIdentifiers(message, false);
  if (!identifiers.email && !identifiers.phone_number) return undefined;
  if (exchangeId) identifiers._kx = exchangeId;
  if (message.type === 'group') {
    const listId = asText(message.groupId);
    if (!listId || asObject(message.traits)?.subscribe !== true) return undefined;
    return subscriptionBody(listId, identifiers, { email: true, sms: false });
  }
  const props = listFields(message) ?? {};
  const listId = asText(props.listId) ?? config.listId;
  if (!listId || props.subscribe === false || props.subscribe === 'false') return undefined;
  const consent = props.consent ?? config.consent;
  const channels = (Array.isArray(consent) ? consent : [consent]).map((c) => String(c).toLowerCase());
  const sms =
    channels.includes('sms') || props.smsConsent === true || (props.smsConsent === undefined && config.smsConsent);
  return subscriptionBody(listId, identifiers, { email: channels.includes('email'), sms });
}
