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
