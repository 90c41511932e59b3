/** Tuning of cloud-mode delivery, each a named constant with its unit. Internal: not part of the package's API. */

/** A forwarded event still undelivered this long after it was queued is dropped (with a logged reason). */
export const MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** The longest `Retry-After` honoured; a longer one waits this long. */
export const RETRY_AFTER_MAX_MS = 10 * 60 * 1000;
/** First retry delay; doubles on each retry up to {@link RETRY_MAX_DELAY_MS}. */
export const RETRY_BASE_DELAY_MS = 1_000;
/** Longest delay between two attempts. */
export const RETRY_MAX_DELAY_MS = 60_000;
/** Each retry delay is scaled by a random factor in [1 - JITTER_RATIO, 1 + JITTER_RATIO]. */
export const JITTER_RATIO = 0.2;
/** Events waiting for delivery; past this the oldest is dropped (with a logged reason). */
export const QUEUE_MAX_ITEMS = 100;
/** Events per `/v1/batch` request. */
export const BATCH_MAX_ITEMS = 20;
/** Bytes per `/v1/batch` request (the data plane refuses 4000 KB with 413). */
export const BATCH_MAX_BYTES = 500_000;
/** How long a new event waits for others to share its request. */
export const FLUSH_INTERVAL_MS = 1_000;
/** A request with no answer after this counts as a network error (and is retried). */
export const REQUEST_TIMEOUT_MS = 15_000;
/** An event whose JSON is larger than this is refused (the data plane's documented per-event limit). */
export const EVENT_MAX_BYTES = 32 * 1024;
/** Bytes per `sendBeacon` at page leave (the browser's keepalive quota is 64 KiB in all). */
export const BEACON_MAX_BYTES = 64_000;
/**
 * Beaconed events stay stored (a beacon's fate is unknown): they are due again this much later, so a
 * page that stays (hidden, then shown) or the next page sends them again; the dedupe key makes that
 * repeat harmless.
 */
export const BEACON_RETRY_MS = 30_000;
/** A live tab refreshes its queue's heartbeat this often. */
export const HEARTBEAT_INTERVAL_MS = 1_000;
/** How often a tab looks for queues abandoned by closed tabs. */
export const RECLAIM_INTERVAL_MS = 3_000;
/** A queue whose heartbeat is older than this was abandoned and may be taken over. */
export const RECLAIM_AFTER_MS = 10_000;
/** Wait between writing a takeover claim and checking that it held (another tab may claim too). */
export const CLAIM_SETTLE_MS = 500;
