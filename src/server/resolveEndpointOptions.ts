import { DEFAULT_CONSENT_CHANNELS, DEFAULT_LOG_LEVEL } from '../config/defaults.js';
import type { LogLevel, LogSink } from '../logger/createLogger.js';
import type { CloudEndpointOptions } from './CloudEndpointOptions.js';
import type { DeliveryStore } from './delivery/DeliveryStore.js';
import { deliveryOptionProblems } from './deliveryOptionProblems.js';
import type { PlanConfig } from './planBatch.js';
import { KLAVIYO_BASE_URL } from './serverLimits.js';

/** The endpoint's options, checked and with their defaults. */
export interface EndpointConfig extends PlanConfig {
  privateApiKey: string;
  writeKeys: string[];
  allowedOrigins: Set<string>;
  klaviyoBaseUrl: string;
  logLevel: LogLevel;
  logger: LogSink;
  fetch: typeof fetch;
  store: DeliveryStore | undefined;
}

const LOG_LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error', 'none'];

/**
 * Check the options once, at construction. A mistake throws a `TypeError` whose message names the
 * option, says what is wrong and how to fix it; it never contains the private key.
 */
export function resolveEndpointOptions(options: CloudEndpointOptions): EndpointConfig {
  const fail = (text: string): never => {
    throw new TypeError(`klaviyo-device-mode/server: ${text}`);
  };
  if (options === null || typeof options !== 'object') fail('createCloudEndpoint needs an options object.');
  const check = (problem: string | undefined) => problem && fail(problem);
  const key = options.privateApiKey;
  check(deliveryOptionProblems.key(key, 'privateApiKey'));
  const writeKeys = options.writeKeys;
  if (!Array.isArray(writeKeys) || writeKeys.length === 0 || !writeKeys.every((k) => typeof k === 'string' && k)) {
    fail(
      'writeKeys must be a non-empty array of non-empty strings: the write keys your pages send (cloudMode.writeKey).',
    );
  }
  const origins = options.allowedOrigins ?? [];
  for (const origin of Array.isArray(origins) ? origins : [origins]) {
    if (typeof origin !== 'string' || !/^https?:\/\/[^/]+$/.test(origin)) {
      fail(
        `allowedOrigins must list origins such as "https://shop.example" (scheme and host, no path); "${String(origin)}" is not one.`,
      );
    }
  }
  const base = options.klaviyoBaseUrl ?? KLAVIYO_BASE_URL;
  check(deliveryOptionProblems.klaviyoBaseUrl(base));
  const currency = options.currency;
  check(deliveryOptionProblems.currency(currency));
  const consent = options.consent ?? [...DEFAULT_CONSENT_CHANNELS];
  if (!Array.isArray(consent) || !consent.every((c) => c === 'email' || c === 'sms')) {
    fail(`consent must be an array of "email" and "sms".`);
  }
  if (options.listId !== undefined && (typeof options.listId !== 'string' || !options.listId)) {
    fail('listId must be a non-empty string: the id of a Klaviyo list (Lists & Segments > the list > Settings).');
  }
  check(deliveryOptionProblems.eventNames(options.eventNames));
  const eventNames = options.eventNames ?? {};
  const logLevel = options.logLevel ?? DEFAULT_LOG_LEVEL;
  if (!LOG_LEVELS.includes(logLevel)) fail(`logLevel must be one of ${LOG_LEVELS.join(', ')}.`);
  check(deliveryOptionProblems.store(options.store));
  const fetcher = options.fetch ?? globalThis.fetch;
  if (typeof fetcher !== 'function') fail('this runtime has no fetch: pass one as the fetch option.');
  return {
    privateApiKey: key.trim(),
    writeKeys: [...writeKeys],
    allowedOrigins: new Set(Array.isArray(origins) ? origins : [origins]),
    klaviyoBaseUrl: base.replace(/\/$/, ''),
    listId: options.listId,
    consent,
    smsConsent: options.smsConsent === true,
    currency,
    eventNames,
    enforceEmailAsPrimary: options.enforceEmailAsPrimary === true,
    logLevel,
    logger: options.logger ?? console,
    fetch: fetcher,
    store: options.store,
  };
}
