/** Limits and defaults of the cloud endpoint (docs/cloud-endpoint.md), each with its unit. */

/** Largest request body taken, as RudderStack's gateway: 4000 KB (413 above). */
export const MAX_REQUEST_BYTES = 4000 * 1024;
/** Klaviyo's base URL when none is configured. */
export const KLAVIYO_BASE_URL = 'https://a.klaviyo.com';
/** A Klaviyo request with no answer after this counts as a retryable failure (504 to the browser). */
export const KLAVIYO_TIMEOUT_MS = 10_000;
/** Events per bulk job (Klaviyo accepts at most 1,000). */
export const MAX_EVENTS_PER_JOB = 1_000;
/** Bytes per bulk job body, under Klaviyo's 5 MB payload limit with room for the envelope. */
export const MAX_JOB_BYTES = 4_500_000;
/** Profiles per subscription job (Klaviyo accepts at most 1,000). */
export const MAX_PROFILES_PER_SUBSCRIPTION_JOB = 1_000;
/** Profiles whose last upsert is remembered, to skip an identical one (least recently used dropped). */
export const PROFILE_CACHE_ENTRIES = 10_000;
/** Klaviyo requests in flight per browser request. */
export const KLAVIYO_CONCURRENCY = 4;
/** `Retry-After` sent when Klaviyo refused our private key (401/403): the operator must fix the key. */
export const KEY_REFUSED_RETRY_AFTER_S = 300;
/** `Retry-After` sent with a 429 when Klaviyo gave none. */
export const THROTTLED_RETRY_AFTER_S = 10;
