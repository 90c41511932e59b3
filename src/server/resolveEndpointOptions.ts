import { DEFAULT_CONSENT_CHANNELS, DEFAULT_LOG_LEVEL } from '../config/defaults.js';
import type { LogLevel, LogSink } from '../logger/createLogger.js';
import { KLAVIYO_METRICS } from '../mapping/KlaviyoMetric.js';
import type { CloudEndpointOptions } from './CloudEndpointOptions.js';
import type { DeliveryStore } from './delivery/DeliveryStore.js';
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
  const key = options.privateApiKey;
  if (typeof key !== 'string' || key.trim() === '') {
    fail('privateApiKey is missing: pass your Klaviyo private API key (pk_…, Settings > API keys).');
  }
  if (!/^pk_[A-Za-z0-9_-]+$/.test(key.trim())) {
    fail(
      'privateApiKey does not look like a Klaviyo private API key: it must start with "pk_" and hold only letters, digits, "_" and "-". Copy it again from Settings > API keys.',
    );
  }
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
  if (typeof base !== 'string' || !/^https?:\/\/[^/?#]+$/.test(base.replace(/\/$/, ''))) {
    fail(`klaviyoBaseUrl must be a URL with no path, such as "${KLAVIYO_BASE_URL}".`);
  }
  const currency = options.currency;
  if (currency !== undefined && (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency))) {
    fail(`currency must be an ISO 4217 code of three capital letters, such as "EUR"; got "${String(currency)}".`);
  }
  const consent = options.consent ?? [...DEFAULT_CONSENT_CHANNELS];
  if (!Array.isArray(consent) || !consent.every((c) => c === 'email' || c === 'sms')) {
    fail(`consent must be an array of "email" and "sms".`);
  }
  if (options.listId !== undefined && (typeof options.listId !== 'string' || !options.listId)) {
    fail('listId must be a non-empty string: the id of a Klaviyo list (Lists & Segments > the list > Settings).');
  }
  const eventNames = options.eventNames ?? {};
  for (const [metric, name] of Object.entries(eventNames)) {
    if (!(KLAVIYO_METRICS as readonly string[]).includes(metric)) {
      fail(`eventNames: "${metric}" is not one of ${KLAVIYO_METRICS.join(', ')}.`);
    }
    if (typeof name !== 'string' || !name.trim()) fail(`eventNames["${metric}"] must be a non-empty string.`);
  }
  const logLevel = options.logLevel ?? DEFAULT_LOG_LEVEL;
  if (!LOG_LEVELS.includes(logLevel)) fail(`logLevel must be one of ${LOG_LEVELS.join(', ')}.`);
  const store = options.store;
  if (
    store !== undefined &&
    !['take', 'pausedFor', 'pause', 'lastUpserts', 'rememberUpserts'].every(
      (m) => typeof (store as unknown as Record<string, unknown>)[m] === 'function',
    )
  ) {
    fail(
      'store must be a delivery store: createRedisStore(redis) from klaviyo-device-mode/server, or your own with take, pausedFor, pause, lastUpserts and rememberUpserts.',
    );
  }
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
