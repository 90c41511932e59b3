import { DEFAULT_CONSENT_CHANNELS, DEFAULT_LOG_LEVEL, ACK_TIMEOUT_MS } from './defaults.js';
import type { CloudModeOptions, ConsentChannel, ResolvedConfig } from './KlaviyoOptions.js';
import type { LogLevel } from '../logger/createLogger.js';
import { KLAVIYO_METRICS as METRICS, type KlaviyoMetric } from '../mapping/KlaviyoMetric.js';
import type { ConfigProblem } from '../logger/configMessages.js';
import { asText, field } from '../mapping/readFields.js';
import { validatePublicKey } from './validatePublicKey.js';
import { webValue } from './webValue.js';
import { dataAttribute } from './dataAttribute.js';

/** Told each configuration mistake; `fatal` when the integration cannot run at all (bad or private key). */
export type ConfigReport = (problem: ConfigProblem, fatal?: boolean) => void;

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'none'];
const MAX_ACK_TIMEOUT_MS = 120_000;
const LOCAL_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

type Bag = Record<string, unknown>;

/** An option's name with its script-tag attribute, for messages: `sendPageAsTrack (data-send-page-as-track)`. */
const named = (name: string): string => (name === 'smsConsent' ? name : `${name} (${dataAttribute(name)})`);

/**
 * Validate options once into a fully populated {@link ResolvedConfig}.
 * `undefined`, with the reason reported as fatal, when the public key is missing, malformed or
 * private; every other bad value is replaced by its default and reported through `warn`. RudderStack's dashboard stores
 * web settings per platform (`{web: true}`); the SDK usually flattens them, but a config copied from
 * the API is not: both are accepted.
 */
export function resolveConfig(options: unknown, warn: ConfigReport = () => {}): ResolvedConfig | undefined {
  const o: Bag = options !== null && typeof options === 'object' ? (options as Bag) : {};
  const get = (name: string): unknown => webValue(o[name]);
  const keyProblem = validatePublicKey(get('publicApiKey'));
  if (keyProblem) return void warn(keyProblem, true);

  /** A boolean option (default `fallback`); `'true'`/`'false'` strings are accepted. */
  const bool = (name: string, fallback = false): boolean => {
    const v = get(name);
    if (v == null) return fallback;
    if (typeof v === 'boolean' || v === 'true' || v === 'false') return v === true || v === 'true';
    warn(['notBoolean', named(name), fallback]);
    return fallback;
  };
  /** A string option, trimmed; a finite number becomes its text; blank is absent. */
  const str = (name: string): string | undefined => {
    const v = get(name);
    const text = asText(v);
    if (text === undefined && v != null && typeof v !== 'string') warn(['notString', named(name)]);
    return text;
  };
  return {
    publicApiKey: String(get('publicApiKey')).trim(),
    enforceEmailAsPrimary: bool('enforceEmailAsPrimary'),
    sendPageAsTrack: bool('sendPageAsTrack'),
    additionalPageInfo: bool('additionalPageInfo'),
    listId: str('listId'),
    consent: resolveConsent(get('consent'), warn),
    smsConsent: bool('smsConsent'),
    cloudMode: resolveCloudMode(o.cloudMode, warn),
    clientApi: bool('clientApi', true),
    loadTimeoutMs: resolveTimeout(get('loadTimeoutMs'), warn),
    nonce: str('nonce'),
    prepareScript: resolveFunction(get('prepareScript'), 'prepareScript', warn) as ResolvedConfig['prepareScript'],
    requireConsent: bool('requireConsent'),
    eventNames: resolveEventNames(o.eventNames, warn),
    identifyFromForms: bool('identifyFromForms'),
    onDelivery: resolveFunction(get('onDelivery'), 'onDelivery', warn) as ResolvedConfig['onDelivery'],
    logLevel: resolveLogLevel(get('logLevel'), warn),
  };
}

function resolveConsent(value: unknown, warn: ConfigReport): ConsentChannel[] {
  const list = value == null ? [] : Array.isArray(value) ? value : [value];
  const channels = list.filter((c): c is ConsentChannel => c === 'email' || c === 'sms');
  if (channels.length !== list.length) warn(['badConsent']);
  return channels.length ? [...new Set(channels)] : [...DEFAULT_CONSENT_CHANNELS];
}

function resolveCloudMode(value: unknown, warn: ConfigReport): CloudModeOptions | undefined {
  if (value == null) return undefined;
  const writeKey = asText(field(value, 'writeKey'));
  let url: URL | undefined;
  try {
    url = new URL(String(field(value, 'dataPlaneUrl')).trim());
  } catch {
    url = undefined;
  }
  if (
    writeKey &&
    typeof field(value, 'writeKey') === 'string' &&
    (url?.protocol === 'https:' || (url?.protocol === 'http:' && LOCAL_HOSTS.includes(url.hostname)))
  ) {
    return { dataPlaneUrl: url.href.replace(/\/+$/, ''), writeKey };
  }
  warn(['badCloudMode']);
  return undefined;
}

function resolveTimeout(value: unknown, warn: ConfigReport): number {
  if (value == null) return ACK_TIMEOUT_MS;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n === 'number' && n > 0 && n < Infinity) return Math.min(n, MAX_ACK_TIMEOUT_MS);
  warn(['badTimeout', ACK_TIMEOUT_MS]);
  return ACK_TIMEOUT_MS;
}

/** A function option (set in code or window.klaviyoDeviceModeOptions), else `undefined` with a reason. */
function resolveFunction(value: unknown, name: string, warn: ConfigReport): unknown {
  if (typeof value === 'function') return value;
  if (value != null) warn(['notFunction', name]);
  return undefined;
}

function resolveEventNames(value: unknown, warn: ConfigReport): Record<KlaviyoMetric, string> {
  const names = Object.fromEntries(METRICS.map((m) => [m, m])) as Record<KlaviyoMetric, string>;
  if (value == null) return names;
  if (typeof value !== 'object') {
    warn(['badEventNames']);
    return names;
  }
  for (const [metric, name] of Object.entries(value as Bag)) {
    if (!(METRICS as readonly string[]).includes(metric)) warn(['unknownMetric', metric, METRICS.join(', ')]);
    else if (typeof name !== 'string' || !name.trim()) warn(['blankMetric', metric]);
    else names[metric as KlaviyoMetric] = name.trim();
  }
  return names;
}

function resolveLogLevel(value: unknown, warn: ConfigReport): LogLevel {
  if (value == null) return DEFAULT_LOG_LEVEL;
  const v = typeof value === 'string' ? value.toLowerCase() : value;
  // RudderStack passes its own level names (e.g. 'LOG', 'WARN', 'NONE').
  if (v === 'log') return 'info';
  if ((LOG_LEVELS as readonly unknown[]).includes(v)) return v as LogLevel;
  warn(['badLogLevel', LOG_LEVELS.join(', '), DEFAULT_LOG_LEVEL]);
  return DEFAULT_LOG_LEVEL;
}
