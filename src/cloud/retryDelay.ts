import { JITTER_RATIO, RETRY_BASE_DELAY_MS, RETRY_MAX_DELAY_MS } from './cloudLimits.js';

/**
 * Delay before retry number `attempt` (1 for the first retry): exponential from
 * {@link RETRY_BASE_DELAY_MS}, capped at {@link RETRY_MAX_DELAY_MS}, scaled by a jitter factor in
 * [1 − {@link JITTER_RATIO}, 1 + {@link JITTER_RATIO}] drawn from `random` (injectable for tests).
 */
export function retryDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(RETRY_BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1), RETRY_MAX_DELAY_MS);
  return Math.round(base * (1 + JITTER_RATIO * (2 * random() - 1)));
}
