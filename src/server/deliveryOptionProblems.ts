import { KLAVIYO_METRICS } from '../mapping/KlaviyoMetric.js';
import { KLAVIYO_BASE_URL } from './serverLimits.js';

/**
 * What is wrong with the options both front doors share (the endpoint's and the walkerOS
 * destination's), each as a sentence naming the option and the fix, or `undefined` when it is fine.
 * `name` is the option's name at that door (`privateApiKey`, `apiKey`). Never contains the key.
 */
export const deliveryOptionProblems = {
  key(key: unknown, name: string): string | undefined {
    if (typeof key !== 'string' || key.trim() === '')
      return `${name} is missing: pass your Klaviyo private API key (pk_…, Settings > API keys).`;
    if (!/^pk_[A-Za-z0-9_-]+$/.test(key.trim()))
      return `${name} does not look like a Klaviyo private API key: it must start with "pk_" and hold only letters, digits, "_" and "-". Copy it again from Settings > API keys.`;
    return undefined;
  },
  klaviyoBaseUrl(base: unknown): string | undefined {
    return typeof base !== 'string' || !/^https?:\/\/[^/?#]+$/.test(base.replace(/\/$/, ''))
      ? `klaviyoBaseUrl must be a URL with no path, such as "${KLAVIYO_BASE_URL}".`
      : undefined;
  },
  currency(currency: unknown): string | undefined {
    return currency !== undefined && (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency))
      ? `currency must be an ISO 4217 code of three capital letters, such as "EUR"; got ${JSON.stringify(currency)}.`
      : undefined;
  },
  eventNames(eventNames: unknown): string | undefined {
    if (eventNames === undefined) return undefined;
    if (eventNames === null || typeof eventNames !== 'object') return 'eventNames must be an object.';
    for (const [metric, name] of Object.entries(eventNames)) {
      if (!(KLAVIYO_METRICS as readonly string[]).includes(metric))
        return `eventNames: "${metric}" is not one of ${KLAVIYO_METRICS.join(', ')}.`;
      if (typeof name !== 'string' || !name.trim()) return `eventNames["${metric}"] must be a non-empty string.`;
    }
    return undefined;
  },
  store(store: unknown): string | undefined {
    return store !== undefined &&
      !['take', 'pausedFor', 'pause', 'lastUpserts', 'rememberUpserts'].every(
        (m) => typeof (store as Record<string, unknown> | null)?.[m] === 'function',
      )
      ? 'store must be a delivery store: createRedisStore(redis) from klaviyo-device-mode/server, or your own with take, pausedFor, pause, lastUpserts and rememberUpserts.'
      : undefined;
  },
};
