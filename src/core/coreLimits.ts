/** Bounds of the core's queues, each a named constant. Internal: not part of the package's API. */

/** Calls made while klaviyo.js is loading wait in a bounded queue; the oldest is dropped past this. */
export const PENDING_CALLS_MAX = 200;

/** Calls made before consent is granted wait in a bounded queue; the oldest is dropped past this. */
export const CONSENT_PENDING_CALLS_MAX = 200;
