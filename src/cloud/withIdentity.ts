import { asObject, asText } from '../mapping/readFields.js';
import type { JsonObject, RudderMessage } from '../mapping/types.js';

/** Where a forwarded message carries Klaviyo's exchange id (`context.externalId`, RudderStack's convention). */
export const EXCHANGE_ID_TYPE = 'klaviyoExchangeId';

/**
 * `message` as cloud mode should get it for a shopper named by `identifiers` (the core's: email,
 * phone_number, external_id, or only `_kx`): the email and phone in `context.traits`, the external id as
 * `userId`, an exchange id in `context.externalId` as `{ type: 'klaviyoExchangeId', id }`; each only
 * where the message has none of its own. A call made while the shopper was anonymous, or after an
 * identify its host did not repeat in every message, then reaches the endpoint with who it is about.
 * A copy: `message` is not changed.
 */
export function withIdentity(message: RudderMessage, identifiers: JsonObject): RudderMessage {
  const context = { ...(asObject(message.context) ?? {}) };
  const traits = { ...(asObject(context.traits) ?? {}) };
  const out: RudderMessage = { ...message, context };
  const email = asText(identifiers.email);
  const phone = asText(identifiers.phone_number);
  const userId = asText(identifiers.external_id);
  if (email && !asText(traits.email)) traits.email = email;
  if (phone && !asText(traits.phone)) traits.phone = phone;
  if (Object.keys(traits).length) context.traits = traits;
  if (userId && !asText(message.userId)) out.userId = userId;
  const kx = asText(identifiers._kx);
  if (kx)
    context.externalId = [
      ...(Array.isArray(context.externalId) ? context.externalId : []),
      { type: EXCHANGE_ID_TYPE, id: kx },
    ];
  return out;
}

/** The exchange id a forwarded message carries in `context.externalId`, if any. */
export function exchangeIdOf(message: RudderMessage): string | undefined {
  const ids = asObject(message.context)?.externalId;
  if (!Array.isArray(ids)) return undefined;
  for (const entry of ids) {
    const id = asObject(entry);
    if (id?.type === EXCHANGE_ID_TYPE && asText(id.id)) return asText(id.id);
  }
  return undefined;
}
