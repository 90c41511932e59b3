/** What to do with a batch after the endpoint answered. */
export type StatusAction = 'ok' | 'split' | 'retry' | 'drop';

/**
 * The HTTP status policy of cloud-mode delivery: 2xx delivered; 413 with more than one event splits
 * the batch; network errors (status 0), 408, 429 and 5xx are retried; any other status is a permanent
 * refusal (dropped with a logged reason).
 */
export function statusPolicy(status: number, batchSize: number): StatusAction {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 413 && batchSize > 1) return 'split';
  if (status === 0 || status === 408 || status === 429 || status >= 500) return 'retry';
  return 'drop';
}
