// `npm run bench:endpoint`: the cloud endpoint's throughput, Klaviyo requests per event and memory.
// The endpoint runs as its own process (the CLI, as deployed); this process is the browsers (20-event
// batches, one shopper each: an identify and 19 tracks) and Klaviyo (the server-API stand-in, with
// 0 ms and 50 ms latency). Reports min / median / max over rounds; asserts nothing.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startKlaviyoServerApi, STAND_IN_PRIVATE_KEY } from '../e2e/klaviyoServerApi.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const ROUND_MS = Number(process.env.ROUND_MS ?? 5_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 64);
const BATCH = 20;
const MEMORY_EVENTS = Number(process.env.MEMORY_EVENTS ?? 1_000_000);
const WRITE_KEY = 'bench-key';
const auth = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;

const klaviyo = await startKlaviyoServerApi({ keep: false });
const child = spawn(process.execPath, ['dist/esm/server/cli.js', 'serve'], {
  env: {
    ...process.env,
    KLAVIYO_PRIVATE_API_KEY: STAND_IN_PRIVATE_KEY,
    WRITE_KEYS: WRITE_KEY,
    KLAVIYO_BASE_URL: klaviyo.url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve) => {
  child.stdout.on('data', (c) => {
    const port = /:(\d+) \(POST/.exec(String(c))?.[1];
    if (port) resolve(`http://127.0.0.1:${port}/v1/batch`);
  });
});

let shopper = 0;
function batchBody() {
  const id = ++shopper;
  const traits = { email: `shopper${id}@example.com`, firstName: 'Ada' };
  const at = new Date().toISOString();
  const messages = [
    {
      type: 'identify',
      userId: `u${id}`,
      anonymousId: `a${id}`,
      messageId: `${id}-0`,
      originalTimestamp: at,
      context: { traits },
    },
  ];
  for (let i = 1; i < BATCH; i++) {
    messages.push({
      type: 'track',
      event: i % 5 === 0 ? 'Order Completed' : 'Product Viewed',
      userId: `u${id}`,
      anonymousId: `a${id}`,
      messageId: `${id}-${i}`,
      originalTimestamp: at,
      context: { traits },
      properties:
        i % 5 === 0
          ? {
              order_id: `${id}-o${i}`,
              total: 42,
              currency: 'EUR',
              products: [{ product_id: 'p1', price: 42, quantity: 1 }],
            }
          : { product_id: `p${i}`, name: 'Hat', price: 19.9, revenue: 19.9 },
    });
  }
  return JSON.stringify({ batch: messages, sentAt: at });
}

/** Post batches with CONCURRENCY clients until `until()` says stop; returns messages sent and failures. */
async function load(until) {
  let sent = 0;
  let failed = 0;
  const client = async () => {
    while (!until(sent)) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: batchBody(),
      });
      await response.arrayBuffer();
      if (response.status === 200) sent += BATCH;
      else failed += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  return { sent, failed };
}

const rssMb = () => {
  const line = readFileSync(`/proc/${child.pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS'));
  return Math.round(Number(/(\d+)/.exec(line)[1]) / 1024);
};
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `min ${s[0]} / median ${s[Math.floor(s.length / 2)]} / max ${s[s.length - 1]}`;
};

await load((sent) => sent >= 20_000); // warm-up
for (const latency of [0, 50]) {
  klaviyo.setLatency(latency);
  const rates = [];
  const perEvent = [];
  for (let round = 0; round < ROUNDS; round++) {
    const before = klaviyo.counts();
    const start = performance.now();
    const { sent, failed } = await load(() => performance.now() - start >= ROUND_MS);
    const seconds = (performance.now() - start) / 1000;
    const after = klaviyo.counts();
    if (failed) console.log(`  round ${round + 1}: ${failed} requests failed`);
    rates.push(Math.round(sent / seconds));
    perEvent.push(Number(((after.requests - before.requests) / sent).toFixed(3)));
  }
  console.log(`Klaviyo latency ${latency} ms: events/s ${stats(rates)}; Klaviyo requests per event ${stats(perEvent)}`);
}

klaviyo.setLatency(0);
const samples = [];
let total = 0;
const step = MEMORY_EVENTS / 10;
while (total < MEMORY_EVENTS) {
  const { sent } = await load((n) => n >= step);
  total += sent;
  samples.push(`${Math.round(total / 1000)}k: ${rssMb()} MB`);
}
console.log(`endpoint RSS while ${MEMORY_EVENTS.toLocaleString('en')} events pass: ${samples.join(', ')}`);
child.kill('SIGTERM');
await klaviyo.close();
