import type { Mapping as WalkerMapping } from '@walkeros/core';
import type { KlaviyoMetric } from '../../mapping/KlaviyoMetric.js';
import type { DeliveryStore } from '../delivery/DeliveryStore.js';

/**
 * `config.settings` of the walkerOS destination: walkerOS's own Klaviyo destination settings, so a flow
 * switches by changing the import, and what our delivery adds.
 */
export interface Settings {
  /** Your Klaviyo private API key (`pk_…`). Required. It stays on the server: never in a log line. */
  apiKey: string;
  /** walkerOS mapping value (a path such as `user.email`) resolving the profile's email. @default 'user.email' */
  email?: string;
  /** walkerOS mapping value resolving the profile's phone number (E.164). @default none */
  phoneNumber?: string;
  /** walkerOS mapping value resolving the profile's external id. @default 'user.id' */
  externalId?: string;
  /**
   * walkerOS mapping value resolving `{ firstName?, lastName?, organization?, title?, image?,
   * location?, properties? }`: the profile is upserted on its first push and again when the values
   * change, per profile. A rule's own `settings.identify` replaces it for that rule. @default none
   */
  identify?: WalkerMapping.Value;
  /** ISO 4217 code (`EUR`) sent as `value_currency` with an event's `value`. @default none (the account's) */
  currency?: string;
  /** Klaviyo's API base URL, fixed at init and never taken from an event (proxies, tests). @default 'https://a.klaviyo.com' */
  klaviyoBaseUrl?: string;
  /** Your own names for Klaviyo's e-commerce metrics, as in the browser options. @default Klaviyo's names */
  eventNames?: Partial<Record<KlaviyoMetric, string>>;
  /**
   * What the instances delivering to one Klaviyo account share (limiter, Klaviyo's 429 pause, upsert
   * memory): `createRedisStore(redis)` from `klaviyo-device-mode/server` for several instances.
   * @default in-process
   */
  store?: DeliveryStore;
  /**
   * walkerOS mapping value resolving every event's `unique_id` (a rule's `settings.uniqueId` wins).
   * @default the event's id; for Placed Order the order's id (`data.id`)
   */
  uniqueId?: WalkerMapping.Value;
  /** @internal The delivery engine init made; not a setting. */
  _engine?: unknown;
}

/** A rule's `settings` (walkerOS `config.mapping.<entity>.<action>.settings`). */
export interface Mapping {
  /** Identify for this rule, instead of the destination's `settings.identify`. @default the destination's */
  identify?: WalkerMapping.Value;
  /** walkerOS mapping value resolving the event's revenue: Klaviyo's `value` (with `value_currency`). @default none */
  value?: WalkerMapping.Value;
  /**
   * walkerOS mapping value resolving the event's `unique_id`. @default the event's id; for Placed Order
   * the order's id (`data.id`), and order id + `_` + line id for its Ordered Product lines
   */
  uniqueId?: WalkerMapping.Value;
}
