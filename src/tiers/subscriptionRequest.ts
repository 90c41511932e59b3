import { messageIdentifiers, subscriptionBody, type SubscriptionChannels } from '../clientApi/clientApiBodies.js';
import type { ResolvedConfig } from '../config/KlaviyoOptions.js';
import { asObject, asText } from '../mapping/readFields.js';
import type { JsonObject, RudderMessage } from '../mapping/types.js';
import { listFields } from '../mapping/hasListData.js';

/** A list subscription a call asks for: the list, the profile's identifiers and the channels. */
export interface SubscriptionIntent {
  listId: string;
  identifiers: JsonObject;
  channels: SubscriptionChannels;
}

/**
 * The list subscription of a group (`groupId` = list, `traits.subscribe: true`) or of an identify with
 * list data (`traits.properties.{listId, subscribe, consent, smsConsent}`, defaults from the config);
 * `undefined` when there is none to make: an unsubscribe, no list, or neither an email nor a phone
 * number. Shared by the Client API tier and the cloud endpoint.
 */
export function subscriptionIntent(
  message: RudderMessage,
  config: Pick<ResolvedConfig, 'listId' | 'consent' | 'smsConsent'>,
): SubscriptionIntent | undefined {
  const identifiers = messageIdentifiers(message, false);
  if (!identifiers.email && !identifiers.phone_number) return undefined;
  if (message.type === 'group') {
    const listId = asText(message.groupId);
    if (!listId || asObject(message.traits)?.subscribe !== true) return undefined;
    return { listId, identifiers, channels: { email: true, sms: false } };
  }
  const props = listFields(message) ?? {};
  const listId = asText(props.listId) ?? config.listId;
  if (!listId || props.subscribe === false || props.subscribe === 'false') return undefined;
  const consent = props.consent ?? config.consent;
  const channels = (Array.isArray(consent) ? consent : [consent]).map((c) => String(c).toLowerCase());
  const sms =
    channels.includes('sms') || props.smsConsent === true || (props.smsConsent === undefined && config.smsConsent);
  return { listId, identifiers, channels: { email: channels.includes('email'), sms } };
}

/**
 * The Client API subscription body of {@link subscriptionIntent}; `undefined` when the call asks for
 * none (those go to the cloud tier). It names the profile by the call's own email or phone only: an
 * exchange id from Klaviyo's cookie may be another shopper's.
 */
export function subscriptionRequest(
  message: RudderMessage,
  config: Pick<ResolvedConfig, 'listId' | 'consent' | 'smsConsent'>,
): JsonObject | undefined {
  const intent = subscriptionIntent(message, config);
  return intent && subscriptionBody(intent.listId, intent.identifiers, intent.channels);
}
