import {
  DEFAULT_CONSENT_CHANNELS,
  DEFAULT_LOG_LEVEL,
  LOAD_TIMEOUT_MS,
  type ConsentChannel,
  type LogLevel,
} from './defaults.js';
import type { CloudModeOptions, KlaviyoMetric, ResolvedConfig } from './KlaviyoOptions.js';
import { say } from '../logger/say.js';
import { validatePublicKey } from './validatePublicKey.js';

/** Thrown by {@link resolveConfig} when the integration cannot run at all (bad or private key). */
export class KlaviyoConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KlaviyoConfigError';
  }
}

const METRICS: readonly KlaviyoMetric[] = [
  'Viewed Product',
  'Added to Cart',
  'Started Checkout',
  'Placed Order',
  'Ordered Product',
];
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'none'];
const MAX_LOAD_TIMEOUT_MS = 120_000;
const LOCAL_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

type Bag = Record<string, unknown>;

/**
 * RudderStack's dashboard stores web settings per platform (`{web: true}`); the SDK usually
 * flattens them, but a config copied from the API is not. Accept both.
 */
function unwrap(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'web' in value) {
    return (value as Bag).web;
  }
  return value;
}

/**
 * Validate options once into a fully populated {@link ResolvedConfig}.
 * Throws {@link KlaviyoConfigError} when the public key is missing, malformed or private; every other
 * bad value is replaced by its default and reported through `warn`.
 */
export function resolveConfig(options: unknown, warn: (message: string) => void = () => {}): ResolvedConfig {
  const o: Bag = options !== null && typeof options === 'object' ? (options as Bag) : {};
  const keyProblem = validatePublicKey(unwrap(o.publicApiKey));
  if (keyProblem) throw new KlaviyoConfigError(keyProblem);

  const bool = (name: string, fallback = false): boolean => {
    const v = unwrap(o[name]);
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    warn(say('notBoolean', name, fallback));
    return fallback;
  };

  const str = (name: string): string | undefined => {
    const v = unwrap(o[name]);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string') return v.trim() || undefined;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    warn(say('notString', name));
    return undefined;
  };

  return {
    publicApiKey: String(unwrap(o.publicApiKey)).trim(),
    enforceEmailAsPrimary: bool('enforceEmailAsPrimary'),
    sendPageAsTrack: bool('sendPageAsTrack'),
    additionalPageInfo: bool('additionalPageInfo'),
    listId: str('listId'),
    consent: resolveConsent(unwrap(o.consent), warn),
    smsConsent: bool('smsConsent'),
    cloudMode: resolveCloudMode(o.cloudMode, warn),
    loadTimeoutMs: resolveTimeout(unwrap(o.loadTimeoutMs), warn),
    nonce: str('nonce'),
    prepareScript: resolvePrepareScript(o.prepareScript, warn),
    requireConsent: bool('requireConsent'),
    eventNames: resolveEventNames(o.eventNames, warn),
    logLevel: resolveLogLevel(unwrap(o.logLevel), warn),
  };
}

function resolveConsent(value: unknown, warn: (m: string) => void): ConsentChannel[] {
  if (value === undefined || value === null) return [...DEFAULT_CONSENT_CHANNELS];
  const list = Array.isArray(value) ? value : [value];
  const channels = list.filter((c): c is ConsentChannel => c === 'email' || c === 'sms');
  if (channels.length !== list.length) warn(say('badConsent'));
  return channels.length ? [...new Set(channels)] : [...DEFAULT_CONSENT_CHANNELS];
}

function resolveCloudMode(value: unknown, warn: (m: string) => void): CloudModeOptions | undefined {
  if (value === undefined || value === null) return undefined;
  const v = value as Bag;
  const writeKey = typeof v.writeKey === 'string' ? v.writeKey.trim() : '';
  const raw = typeof v.dataPlaneUrl === 'string' ? v.dataPlaneUrl.trim() : '';
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  const secure = url && (url.protocol === 'https:' || (url.protocol === 'http:' && LOCAL_HOSTS.includes(url.hostname)));
  if (!writeKey || !url || !secure) {
    warn(say('badCloudMode'));
    return undefined;
  }
  return { dataPlaneUrl: url.href.replace(/\/+$/, ''), writeKey };
}

function resolveTimeout(value: unknown, warn: (m: string) => void): number {
  if (value === undefined || value === null) return LOAD_TIMEOUT_MS;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n === 'number' && Number.isFinite(n) && n > 0) return Math.min(n, MAX_LOAD_TIMEOUT_MS);
  warn(say('badTimeout', LOAD_TIMEOUT_MS));
  return LOAD_TIMEOUT_MS;
}

function resolvePrepareScript(value: unknown, warn: (m: string) => void): ResolvedConfig['prepareScript'] {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'function') return value as ResolvedConfig['prepareScript'];
  warn(say('badPrepareScript'));
  return undefined;
}

function resolveEventNames(value: unknown, warn: (m: string) => void): Record<KlaviyoMetric, string> {
  const names = Object.fromEntries(METRICS.map((m) => [m, m])) as Record<KlaviyoMetric, string>;
  if (value === undefined || value === null) return names;
  if (typeof value !== 'object') {
    warn(say('badEventNames'));
    return names;
  }
  for (const [metric, name] of Object.entries(value as Bag)) {
    if (!(METRICS as readonly string[]).includes(metric)) {
      warn(say('unknownMetric', metric, METRICS.join(', ')));
    } else if (typeof name !== 'string' || name.trim() === '') {
      warn(say('blankMetric', metric));
    } else {
      names[metric as KlaviyoMetric] = name.trim();
    }
  }
  return names;
}

function resolveLogLevel(value: unknown, warn: (m: string) => void): LogLevel {
  if (value === undefined || value === null) return DEFAULT_LOG_LEVEL;
  const v = typeof value === 'string' ? value.toLowerCase() : value;
  // RudderStack passes its own level names (e.g. 'LOG', 'WARN', 'NONE').
  if (v === 'log') return 'info';
  if ((LOG_LEVELS as readonly unknown[]).includes(v)) return v as LogLevel;
  warn(say('badLogLevel', LOG_LEVELS.join(', '), DEFAULT_LOG_LEVEL));
  return DEFAULT_LOG_LEVEL;
}
