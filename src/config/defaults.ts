/** Defaults, each a named constant with its unit. They are documented in the README. */

/** How long klaviyo.js may take to fire `load` or `error` before it counts as failed (blocked). */
export const LOAD_TIMEOUT_MS = 10_000;

/** Calls made while klaviyo.js is loading wait in a bounded queue; the oldest is dropped past this. */
export const PENDING_CALLS_MAX = 200;

/** Calls made before consent is granted wait in a bounded queue; the oldest is dropped past this. */
export const CONSENT_PENDING_CALLS_MAX = 200;

/** Default list-subscription consent channels forwarded to cloud mode. */
export const DEFAULT_CONSENT_CHANNELS: readonly ConsentChannel[] = ['email'];

/** Log level used when none is configured. */
export const DEFAULT_LOG_LEVEL: LogLevel = 'warn';

/** Where klaviyo.js is served from. The public key is appended as `company_id`. */
export const KLAVIYO_SCRIPT_BASE_URL = 'https://static.klaviyo.com/onsite/js/klaviyo.js';

/** Prefix of every log line. */
export const LOG_PREFIX = '[klaviyo-device-mode]';

export type ConsentChannel = 'email' | 'sms';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'none';
