import type { KlaviyoMetric } from './KlaviyoMetric.js';

/** The spec event names we map, after {@link normaliseEventName}. */
const ECOMMERCE: Readonly<Record<string, KlaviyoMetric>> = {
  'product viewed': 'Viewed Product',
  'product clicked': 'Viewed Product',
  'product added': 'Added to Cart',
  'checkout started': 'Started Checkout',
  'order completed': 'Placed Order',
};

/** Trim, lower-case and fold `_` and runs of spaces, for matching only: `' Product_Added'` → `'product added'`. */
export function normaliseEventName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, ' ');
}

/** Event names already looked up (a shop uses a few dozen): the hot path does not normalise them again. */
const seen = new Map<string, KlaviyoMetric | undefined>();
/** Past this many names the memory starts again (names made per call must not grow it without end). */
const SEEN_MAX = 500;

/** The Klaviyo metric an e-commerce spec event maps to, or `undefined` for a custom event. */
export function ecommerceMetric(name: string): KlaviyoMetric | undefined {
  if (seen.has(name)) return seen.get(name);
  if (seen.size >= SEEN_MAX) seen.clear();
  const key = normaliseEventName(name);
  // Own keys only: `constructor` or `toString` is a custom event, not Object's.
  const metric = Object.prototype.hasOwnProperty.call(ECOMMERCE, key) ? ECOMMERCE[key] : undefined;
  seen.set(name, metric);
  return metric;
}
