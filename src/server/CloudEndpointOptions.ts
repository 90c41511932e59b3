import type { ConsentChannel } from '../config/KlaviyoOptions.js';
import type { LogLevel, LogSink } from '../logger/createLogger.js';
import type { KlaviyoMetric } from '../mapping/KlaviyoMetric.js';
import type { DeliveryStore } from './delivery/DeliveryStore.js';

/** Options of `createCloudEndpoint` (docs/cloud-endpoint.md). */
export interface CloudEndpointOptions {
  /** Your Klaviyo private API key (`pk_…`, Settings > API keys). Required. It stays on the server: never in a response or a log line. */
  privateApiKey: string;
  /** The write keys browsers may send with (Basic auth `writeKey:`, or `?writeKey=` on the beacon path). Required, at least one. */
  writeKeys: string[];
  /** Default list for identify calls that carry `subscribe` without a `listId`. @default none */
  listId?: string;
  /** Default channels for list subscription when a call names none. @default ['email'] */
  consent?: ConsentChannel[];
  /** Default SMS consent for list subscription. @default false */
  smsConsent?: boolean;
  /** ISO 4217 code (`EUR`) for events with a value and no `properties.currency`. @default none: Klaviyo uses the account's currency */
  currency?: string;
  /** Origins browsers may call from (exact, e.g. `https://shop.example`). A request with another `Origin` is refused. @default [] (server-to-server only) */
  allowedOrigins?: string[];
  /** Klaviyo's API base URL, fixed here and never taken from a request. @default 'https://a.klaviyo.com' */
  klaviyoBaseUrl?: string;
  /** Your own names for Klaviyo's e-commerce metrics, as in the browser options. @default Klaviyo's names */
  eventNames?: Partial<Record<KlaviyoMetric, string>>;
  /** Identify by email or phone only: the userId goes to the `_id` property instead of `external_id`. @default false */
  enforceEmailAsPrimary?: boolean;
  /** Lowest level logged. @default 'warn' */
  logLevel?: LogLevel;
  /** Where log lines go. @default console */
  logger?: LogSink;
  /** The `fetch` used to call Klaviyo (tests, proxies). @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * What the instances delivering to one Klaviyo account share: the dispatch limiter, Klaviyo's 429
   * pause and the last upsert per profile. Several instances: `createRedisStore(redis)` (an ioredis
   * client). @default in-process (one instance)
   */
  store?: DeliveryStore;
}
