/** Bounds of the core's queues, each a named constant. Internal: not part of the package's API. */

/** Calls made while klaviyo.js is loading wait in a bounded queue; the oldest is dropped past this. */
export const PENDING_CALLS_MAX = 200;

/** Calls made before consent is granted wait in a bounded queue; the oldest is dropped past this. */
export const CONSENT_PENDING_CALLS_MAX = 200;

/**
 * Work for the lower tiers (the Client API, cloud mode) made before their chunk arrived: bounded, the
 * oldest dropped past this; also the bound of what is kept in storage for the next page.
 */
export const TIERS_PENDING_MAX = 200;

/**
 * Calls of an anonymous shopper held until the shopper is known (docs/behaviour.md, "Anonymous
 * shoppers"), this page's and earlier pages' together; past this the oldest is dropped, logged and
 * reported. Klaviyo's own backfill keeps more (up to 10,000 events), but a hold of 100 calls covers a
 * long browsing session and keeps the stored list small.
 */
export const HOLD_MAX_CALLS = 100;

/** A held call older than this is dropped, logged and reported: 14 days, as klaviyo.js keeps its own cache. */
export const HOLD_MAX_AGE_MS = 14 * 24 * 60 * 60 * 1000;
