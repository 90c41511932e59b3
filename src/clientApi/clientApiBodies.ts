import { asObject, asText, isPresent } from '../mapping/readFields.js';
import { toE164 } from '../mapping/toE164.js';
import type { JsonObject } from '../mapping/types.js';

/**
 * The Klaviyo API revision these bodies are written for, pinned (Klaviyo keeps a revision stable for
 * two years). The Client API and our endpoint's server-API calls send the same one.
 */
export const KLAVIYO_API_REVISION = '2026-07-15';

/** Profile keys of the mapped identify (`$email`, …) → Klaviyo's JSON:API profile attributes. */
const IDENTIFIERS: Record<string, string> = {
  $email: 'email',
  $phone_number: 'phone_number',
  $id: 'external_id',
  $exchange_id: '_kx',
};
const ATTRIBUTES: Record<string, string> = {
  $first_name: 'first_name',
  $last_name: 'last_name',
  $organization: 'organization',
  $title: 'title',
  $image: 'image',
};
const LOCATION: Record<string, string> = {
  $address1: 'address1',
  $address2: 'address2',
  $city: 'city',
  $region: 'region',
  $country: 'country',
  $zip: 'zip',
};

/** The identifiers of a profile (email, phone_number, external_id, _kx); `{}` when it has none. */
export function profileIdentifiers(profile: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [from, to] of Object.entries(IDENTIFIERS)) {
    const value = asText(profile[from]);
    if (value) out[to] = value;
  }
  return out;
}

/** A mapped identify profile as the attributes of a Client API profile. */
export function profileAttributes(profile: JsonObject): JsonObject {
  const out: JsonObject = profileIdentifiers(profile);
  const location: JsonObject = {};
  const properties: JsonObject = {};
  for (const [key, value] of Object.entries(profile)) {
    if (key in IDENTIFIERS) continue;
    if (key in ATTRIBUTES) out[ATTRIBUTES[key]] = value;
    else if (key in LOCATION) location[LOCATION[key]] = value;
    else properties[key] = value;
  }
  if (Object.keys(location).length) out.location = location;
  if (Object.keys(properties).length) out.properties = properties;
  return out;
}

/** `POST /client/profiles`: create or update the profile (identifiers cannot be changed from here). */
export function profileBody(profile: JsonObject): JsonObject {
  return { data: { type: 'profile', attributes: profileAttributes(profile) } };
}

/**
 * The attributes of one Klaviyo event from a mapped track (the same for the Client API and the
 * server API): `$value` → `value`, `$event_id` (the dedupe key) → `unique_id`, `currency` →
 * `value_currency`, the capture time → `time`. No profile: the caller adds it.
 */
export function eventAttributes(metric: string, properties: JsonObject, time?: string): JsonObject {
  const props: JsonObject = { ...properties };
  const value = props.$value;
  const uniqueId = asText(props.$event_id);
  delete props.$value;
  delete props.$event_id;
  const attributes: JsonObject = {
    properties: props,
    metric: { data: { type: 'metric', attributes: { name: metric } } },
  };
  if (typeof value === 'number') attributes.value = value;
  const currency = asText(props.currency);
  if (currency) attributes.value_currency = currency;
  if (uniqueId) attributes.unique_id = uniqueId;
  if (time) attributes.time = time;
  return attributes;
}

/** `POST /client/events` for one mapped track: {@link eventAttributes} with the profile's identifiers. */
export function eventBody(metric: string, properties: JsonObject, identifiers: JsonObject, time?: string): JsonObject {
  const attributes = eventAttributes(metric, properties, time);
  attributes.profile = { data: { type: 'profile', attributes: identifiers } };
  return { data: { type: 'event', attributes } };
}

/** The channels a subscription asks for. */
export interface SubscriptionChannels {
  email: boolean;
  sms: boolean;
}

/**
 * The profile of a subscription: its email and phone number with the channels asked for (a channel
 * whose identifier is missing is left out). Klaviyo accepts no `external_id` here.
 */
export function subscriptionProfile(identifiers: JsonObject, channels: SubscriptionChannels): JsonObject {
  const subscriptions: JsonObject = {};
  if (channels.email && isPresent(identifiers.email)) subscriptions.email = { marketing: { consent: 'SUBSCRIBED' } };
  if (channels.sms && isPresent(identifiers.phone_number)) {
    subscriptions.sms = { marketing: { consent: 'SUBSCRIBED' } };
  }
  const attributes: JsonObject = { ...identifiers, subscriptions };
  delete attributes.external_id;
  return attributes;
}

/**
 * `POST /client/subscriptions`: subscribe the profile to `listId` on the given channels (the list's
 * double opt-in setting applies). Needs an email or a phone number.
 */
export function subscriptionBody(listId: string, identifiers: JsonObject, channels: SubscriptionChannels): JsonObject {
  const attributes = subscriptionProfile(identifiers, channels);
  return {
    data: {
      type: 'subscription',
      attributes: { custom_source: 'klaviyo-device-mode', profile: { data: { type: 'profile', attributes } } },
      relationships: { list: { data: { type: 'list', id: listId } } },
    },
  };
}

/** A trait of the message's own wins over context.traits, key by key. */
const trait = (own: JsonObject | undefined, context: JsonObject | undefined, key: string): unknown =>
  own && key in own ? own[key] : context?.[key];

/** The identifiers in a message's own fields: traits (identify, group) or context.traits, and userId. */
export function messageIdentifiers(
  message: { userId?: unknown; traits?: unknown; context?: unknown },
  useUserId: boolean,
): JsonObject {
  const own = asObject(message.traits);
  const context = asObject(asObject(message.context)?.traits);
  const out: JsonObject = {};
  const email = asText(trait(own, context, 'email'));
  if (email) out.email = email;
  // Normalised as an identify's phone is, so a track and an identify name the same profile.
  const phone = toE164(trait(own, context, 'phone'));
  if (phone) out.phone_number = phone;
  const userId = useUserId ? asText(message.userId) : undefined;
  if (userId) out.external_id = userId;
  return out;
}
