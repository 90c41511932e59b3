/** The Klaviyo metrics the mapping emits, each renamable with the `eventNames` option. */
export type KlaviyoMetric =
  'Viewed Product' | 'Added to Cart' | 'Started Checkout' | 'Placed Order' | 'Ordered Product';

/** Every {@link KlaviyoMetric}, in the order the README lists them. */
export const KLAVIYO_METRICS: readonly KlaviyoMetric[] = [
  'Viewed Product',
  'Added to Cart',
  'Started Checkout',
  'Placed Order',
  'Ordered Product',
];
