/** Defaults of the options, each a named constant with its unit. The README's option table lists them. */
import type { LogLevel } from '../logger/createLogger.js';
import type { ConsentChannel } from './KlaviyoOptions.js';

/**
 * How long klaviyo.js has to answer a command (its callback) before the command goes down the delivery
 * ladder; the first command unanswered for this long marks klaviyo.js `blocked`.
 */
export const ACK_TIMEOUT_MS = 3_000;

/** Default list-subscription consent channels. */
export const DEFAULT_CONSENT_CHANNELS: readonly ConsentChannel[] = ['email'];

/** Log level used when none is configured. */
export const DEFAULT_LOG_LEVEL: LogLevel = 'warn';
