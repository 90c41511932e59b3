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

/** The Klaviyo metric an e-commerce spec event maps to, or `undefined` for a custom event. */
export function ecommerceMetric(name: string): KlaviyoMetric | undefined {
  return ECOMMERCE[normaliseEventName(name)];
}
