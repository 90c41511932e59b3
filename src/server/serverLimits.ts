/** Limits and defaults of the cloud endpoint (docs/cloud-endpoint.md), each with its unit. */

/** Largest request body taken, as RudderStack's gateway: 4000 KB (413 above). */
export const MAX_REQUEST_BYTES = 4000 * 1024;
/** Klaviyo's base URL when none is configured. */
export const KLAVIYO_BASE_URL = 'https://a.klaviyo.com';
/** A Klaviyo request with no answer after this counts as a retryable failure (504 to the browser). */
export const KLAVIYO_TIMEOUT_MS = 10_000;
/** `Retry-After` sent when Klaviyo refused our private key (401/403): the operator must fix the key. */
export const KEY_REFUSED_RETRY_AFTER_S = 300;
/** `Retry-After` sent with a 429 when Klaviyo gave none. */
export const THROTTLED_RETRY_AFTER_S = 10;
