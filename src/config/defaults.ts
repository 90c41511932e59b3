/** Defaults of the options, each a named constant with its unit. The README's option table lists them. */
import type { LogLevel } from '../logger/createLogger.js';
import type { ConsentChannel } from './KlaviyoOptions.js';

/** How long klaviyo.js may take to fire `load` or `error` before it counts as failed (blocked). */
export const LOAD_TIMEOUT_MS = 10_000;

/** Default list-subscription consent channels. */
export const DEFAULT_CONSENT_CHANNELS: readonly ConsentChannel[] = ['email'];

/** Log level used when none is configured. */
export const DEFAULT_LOG_LEVEL: LogLevel = 'warn';
