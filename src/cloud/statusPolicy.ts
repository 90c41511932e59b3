/** What to do with a batch after the endpoint answered. */
export type StatusAction = 'ok' | 'split' | 'retry' | 'drop';

/**
 * The HTTP status policy of cloud-mode delivery: 2xx delivered; 413 with more than one event splits
 * the batch; network errors (status 0), 408, 429 and 5xx are retried; any other status is a permanent
 * refusal (dropped with a logged reason).
 */
export function statusPolicy(status: number, batchSize: number): StatusAction {
  // (Retry-After, for 429 and 503, is read by retryAfterMs: it sets when, not whether.)
  if (status >= 200 && status < 300) return 'ok';
  if (status === 413 && batchSize > 1) return 'split';
  if (status === 0 || status === 408 || status === 429 || status >= 500) return 'retry';
  return 'drop';
}

/** `Retry-After` (delay-seconds or an HTTP date) of a 429 or 503 answer, in ms from `now`; else `undefined`. */
export function retryAfterMs(status: number, header: string | undefined, now: number): number | undefined {
  if ((status !== 429 && status !== 503) || !header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}
