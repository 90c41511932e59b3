// `npm run bench`: mapping and forwarder throughput on the built ESM (dist/esm), on one core.
// Prints ops/s and µs/op, how the cost of an order grows from 1 to 1,000 lines, and fails when a
// target is missed or the growth is not linear. Not a test: run it on a quiet machine.
import { mapMessage } from '../dist/esm/mapping/index.js';
import { CloudForwarder } from '../dist/esm/cloud/CloudForwarder.js';
import { createLogger } from '../dist/esm/logger/createLogger.js';

const TARGETS = { 'track (custom)': 500_000, 'Product Added, 3 lines': 100_000 };
/** cost(1,000 lines) / cost(100 lines) must stay under this (10 is perfectly linear). */
const MAX_GROWTH_RATIO = 13;
/** Each case runs ROUNDS rounds of at least ROUND_MS; the median round is reported (this 2-core machine is noisy). */
const ROUNDS = 5;
const ROUND_MS = 200;

const line = (i) => ({
  product_id: `p${i}`,
  sku: `SKU-${i}`,
  name: `Product ${i}`,
  price: 9.99,
  quantity: 2,
  url: `https://shop.example.com/p${i}`,
  image_url: `https://cdn.example.com/p${i}.png`,
  categories: ['Books', 'Kids'],
});
const lines = (n) => Array.from({ length: n }, (_, i) => line(i));
const base = {
  anonymousId: 'a1',
  messageId: 'm1',
  originalTimestamp: '2026-11-23T00:00:00.000Z',
  context: { traits: {} },
};
const track = (event, properties) => ({ ...base, type: 'track', event, properties });
const cart = (n) => ({
  ...line(0),
  value: 19.98,
  checkout_url: 'https://shop.example.com/checkout',
  products: lines(n),
});

/** Run `fn` for ROUNDS rounds of at least ROUND_MS each; return the median round's ops/s. */
function measure(fn) {
  for (let i = 0; i < 200; i++) fn(); // warm up
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    let ops = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < ROUND_MS) {
      for (let i = 0; i < 100; i++) fn();
      ops += 100;
      elapsed = performance.now() - start;
    }
    rounds.push((ops / elapsed) * 1000);
  }
  return rounds.sort((a, b) => a - b)[ROUNDS >> 1];
}

const cases = {
  identify: {
    ...base,
    type: 'identify',
    userId: 'u1',
    context: {
      traits: {
        email: 'ada@example.com',
        firstName: 'Ada',
        lastName: 'Lovelace',
        phone: '+44 20 7946 0958',
        address: { city: 'London', country: 'GB' },
        plan: 'pro',
      },
    },
  },
  'track (custom)': track('Signed Up', { plan: 'pro', revenue: 9.99 }),
  'Product Viewed': track('Product Viewed', line(0)),
};
for (const n of [3, 50]) {
  cases[`Product Added, ${n} lines`] = track('Product Added', cart(n));
  cases[`Checkout Started, ${n} lines`] = track('Checkout Started', {
    order_id: 'c1',
    value: 59.94,
    products: lines(n),
  });
  cases[`Order Completed, ${n} lines`] = track('Order Completed', {
    order_id: 'o1',
    revenue: 59.94,
    products: lines(n),
  });
}

const rows = [];
let failed = false;
for (const [name, message] of Object.entries(cases)) {
  const opsPerSec = measure(() => mapMessage(message));
  const target = TARGETS[name];
  const ok = target === undefined || opsPerSec >= target;
  failed ||= !ok;
  rows.push({
    case: `map ${name}`,
    'ops/s': Math.round(opsPerSec),
    'µs/op': +(1e6 / opsPerSec).toFixed(2),
    target: target ?? '',
    status: ok ? 'ok' : 'BELOW TARGET',
  });
}

// Forwarder: build the data-plane message, size-check it, queue it and persist the queue (memory storage).
const memory = new Map();
const storage = {
  persistent: false,
  get: (k) => memory.get(k) ?? null,
  set: (k, v) => void memory.set(k, v),
  remove: (k) => void memory.delete(k),
  keys: () => [...memory.keys()],
};
const fakeWindow = {
  addEventListener() {},
  removeEventListener() {},
  navigator: { onLine: false },
  document: undefined,
  location: undefined,
};
const quiet = createLogger('none');
const forwarder = new CloudForwarder(
  { cloudMode: { dataPlaneUrl: 'https://dp.example.com', writeKey: 'wk' }, consent: ['email'], smsConsent: false },
  quiet,
  fakeWindow,
  { storage, transport: async () => 200, beacon: () => true },
);
const forwarded = track('Product Added', cart(3));
const fwdOps = measure(() => {
  forwarder.forward(forwarded, 'klaviyo.js failed');
  if (forwarder.queued().length >= 100) forwarder.reset();
});
rows.push({
  case: 'forward (enqueue + serialise + persist)',
  'ops/s': Math.round(fwdOps),
  'µs/op': +(1e6 / fwdOps).toFixed(2),
  target: '',
  status: 'ok',
});
forwarder.dispose();
console.table(rows);

// Growth: cost per Order Completed from 1 to 1,000 lines.
const growth = [1, 10, 100, 1000].map((n) => {
  const message = track('Order Completed', { order_id: 'o1', revenue: 1, products: lines(n) });
  const us = 1e6 / measure(() => mapMessage(message));
  return { lines: n, 'µs/order': +us.toFixed(1), 'µs/line': +(us / n).toFixed(3) };
});
console.table(growth);
const ratio = growth[3]['µs/order'] / growth[2]['µs/order'];
console.log(`cost(1000 lines) / cost(100 lines) = ${ratio.toFixed(1)} (linear is 10; limit ${MAX_GROWTH_RATIO})`);
if (ratio > MAX_GROWTH_RATIO) failed = true;
if (failed) {
  console.error('bench: a target was missed or the growth is not linear.');
  process.exit(1);
}
