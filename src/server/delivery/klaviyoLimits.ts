/**
 * Klaviyo's limits for the server API endpoints the delivery engine calls, and the rates we dispatch
 * at (docs/cloud-endpoint.md, "Klaviyo's limits"). Klaviyo counts per account, in fixed 1 s and 60 s
 * windows, whatever instance or key sends; so do we, through the store.
 */

/** One endpoint's dispatch rate: a GCRA of `perMinute` sustained with `burst` at once. */
export interface DispatchRate {
  /** Jobs (requests) per minute, sustained. */
  perMinute: number;
  /** Jobs allowed at once. */
  burst: number;
}

/**
 * The rates, per endpoint. A GCRA lets at most `burst + perMinute × L / 60 s` through in any interval
 * L, so `burst + perMinute ≤` the 60 s limit and `burst + perMinute / 60 ≤` the 1 s limit hold Klaviyo's
 * two fixed windows however they align. Other integrations on the same account share Klaviyo's budget:
 * their requests can still cause a 429, which pauses us for its Retry-After.
 */
export const DISPATCH_RATES = {
  /**
   * `POST /api/event-bulk-create-jobs`: Klaviyo allows 10/s and 150/min. 3 + 146 = 149 a minute at most
   * (97 % of the account's ceiling), 5.4 a second; a small burst, so that an idle endpoint answers at once
   * while a busy one spends its tokens on full jobs.
   */
  'event-bulk-create-jobs': { perMinute: 146, burst: 3 },
  /** `POST /api/profile-bulk-import-jobs`: 10/s and 150/min, as above. */
  'profile-bulk-import-jobs': { perMinute: 146, burst: 3 },
  /** `POST /api/profile-subscription-bulk-create-jobs`: 75/s and 750/min. 30 + 700 = 730 a minute at most. */
  'profile-subscription-bulk-create-jobs': { perMinute: 700, burst: 30 },
  /** `POST /api/events` (one event; a job refused without pointers is resent this way): 350/s and 3,500/min. */
  events: { perMinute: 3_300, burst: 100 },
} satisfies Record<string, DispatchRate>;

/** The endpoints the engine dispatches to. */
export type JobPath = keyof typeof DISPATCH_RATES;

/** Events per bulk event job (Klaviyo's maximum). */
export const MAX_EVENTS_PER_JOB = 1_000;
/** Profiles per profile bulk import job (Klaviyo takes 10,000; the 5 MB body comes first for rich profiles). */
export const MAX_PROFILES_PER_IMPORT_JOB = 10_000;
/** Profiles per subscription job (Klaviyo's maximum; one list per job). */
export const MAX_PROFILES_PER_SUBSCRIPTION_JOB = 1_000;
/** Bytes per job body, under Klaviyo's 5 MB payload limit with room for the envelope. */
export const MAX_JOB_BYTES = 4_500_000;
