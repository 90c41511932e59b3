// `npm run bench:endpoint`: our endpoint at Klaviyo's real, account-wide limits. The endpoint runs as
// processes of the CLI (1, or 3 sharing a redis-server); this process plays the browsers and Klaviyo
// (the server-API stand-in, enforcing the limits: event jobs 10/s and 150/min, fixed windows, 429 with
// Retry-After). Browsers forward as ours do: a queue each, a batch of up to 20 events every second,
// one request in flight, Retry-After honoured, the batch kept until a 200. Reported: the share of
// events Klaviyo kept, the time from an event's creation to the 200 that delivered it, Klaviyo's 429s
// against our requests, requests per event. Asserts nothing. Scenarios (SCENARIOS=a,b to pick;
// DURATION_S to shorten): steady 750 events/s on 1 and on 3 instances, overload at 3,000 events/s,
// an identify-heavy mix, and 750 events/s through a walkerOS collector with batching on.
import { spawn } from 'node:child_process';
import { startKlaviyoServerApi, STAND_IN_PRIVATE_KEY } from '../e2e/klaviyoServerApi.mjs';
import { hasRedisServer, startRedisServer } from '../e2e/redisServer.mjs';

const DURATION_S = Number(process.env.DURATION_S ?? 70);
const BROWSERS = Number(process.env.BROWSERS ?? 300);
const BATCH = 20;
/** A browser keeps at most this many events (our forwarder's bound): past it, the oldest is dropped. */
const QUEUE_MAX = 100;
const FLUSH_MS = 1_000;
const DRAIN_MAX_S = Number(process.env.DRAIN_MAX_S ?? 180);
const CEILING = 2_500; // events/s: 150 jobs a minute × 1,000 events
const WRITE_KEY = 'bench-key';
const auth = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;

const SCENARIOS = [
  { name: 'steady-1', title: '750 events/s, 1 instance', rate: 750, instances: 1 },
  { name: 'steady-3', title: '750 events/s, 3 instances (Redis)', rate: 750, instances: 3 },
  {
    name: 'overload',
    title: '3,000 events/s from 1,500 browsers, 1 instance (over the 2,500/s ceiling)',
    rate: 3_000,
    instances: 1,
    browsers: 1_500,
  },
  {
    name: 'identify',
    title: '750 calls/s, 1 in 3 an identify with new traits, 3 instances (Redis)',
    rate: 750,
    instances: 3,
    identifyShare: 1 / 3,
  },
  {
    name: 'walkeros',
    title: '750 events/s from 300 shoppers through a walkerOS collector (batching on), 1 instance',
    rate: 750,
    walkeros: true,
  },
].filter((s) => !process.env.SCENARIOS || process.env.SCENARIOS.split(',').includes(s.name));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function startInstance(klaviyoUrl, redisUrl) {
  const child = spawn(process.execPath, ['dist/esm/server/cli.js', 'serve'], {
    env: {
      ...process.env,
      KLAVIYO_PRIVATE_API_KEY: STAND_IN_PRIVATE_KEY,
      WRITE_KEYS: WRITE_KEY,
      KLAVIYO_BASE_URL: klaviyoUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve) => {
    child.stdout.on('data', (c) => {
      const port = /:(\d+) \(POST/.exec(String(c))?.[1];
      if (port) resolve(`http://127.0.0.1:${port}/v1/batch`);
    });
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** Latency percentiles (s) and what Klaviyo was asked, as each scenario reports them. */
const klaviyoFigures = (sorted, counts, expected) => ({
  latencyS: {
    p50: Number((percentile(sorted, 0.5) / 1000).toFixed(2)),
    p95: Number((percentile(sorted, 0.95) / 1000).toFixed(2)),
    max: Number(((sorted.at(-1) ?? NaN) / 1000).toFixed(2)),
  },
  klaviyoRequests: counts.requests,
  klaviyo429: `${counts.throttled} (${((100 * counts.throttled) / Math.max(1, counts.requests)).toFixed(2)} %)`,
  requestsPerEvent: Number((counts.requests / Math.max(1, expected)).toFixed(4)),
  byPath: counts.byPath,
});
const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN;

async function run(scenario) {
  const klaviyo = await startKlaviyoServerApi({ keep: false });
  if (scenario.instances > 1 && !hasRedisServer())
    throw new Error('redis-server is not installed (apt-get install -y redis-server)');
  const redis = scenario.instances > 1 ? await startRedisServer() : undefined;
  const instances = await Promise.all(
    Array.from({ length: scenario.instances }, () => startInstance(klaviyo.url, redis?.url)),
  );
  const latencies = [];
  let created = 0;
  /** Klaviyo events the created calls become: an order is Placed Order + one Ordered Product; an identify none. */
  let expected = 0;
  let delivered = 0;
  let answers429 = 0;
  let otherFailures = 0;
  let droppedInBrowsers = 0;
  let generating = true;
  const browsers = scenario.browsers ?? BROWSERS;
  const perBrowser = scenario.rate / browsers;
  const started = performance.now();

  const browser = async (b) => {
    const url = instances[b % instances.length].url;
    const queue = [];
    let debt = Math.random(); // spread the browsers' first events
    let seq = 0;
    let last = performance.now();
    let waitUntil = 0;
    while (generating || queue.length) {
      const now = performance.now();
      if (generating) {
        debt += ((now - last) / 1000) * perBrowser;
        while (debt >= 1) {
          debt -= 1;
          seq += 1;
          created += 1;
          const identify = scenario.identifyShare && Math.random() < scenario.identifyShare;
          const m = message(b, seq, identify);
          expected += m.type === 'identify' ? 0 : m.event === 'Order Completed' ? 2 : 1;
          queue.push({ at: now, message: m });
          if (queue.length > QUEUE_MAX) {
            const [lost] = queue.splice(0, 1);
            droppedInBrowsers +=
              lost.message.type === 'identify' ? 0 : lost.message.event === 'Order Completed' ? 2 : 1;
          }
        }
      }
      last = now;
      if (!queue.length || now < waitUntil) {
        await sleep(FLUSH_MS);
        continue;
      }
      const batch = queue.slice(0, BATCH);
      let status = 0;
      let retryAfter = 0;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json' },
          body: JSON.stringify({ batch: batch.map((e) => e.message), sentAt: new Date().toISOString() }),
        });
        status = response.status;
        retryAfter = Number(response.headers.get('retry-after') ?? 0);
        await response.arrayBuffer();
      } catch {
        // a network error: retried like a 5xx
      }
      const answered = performance.now();
      if (status === 200) {
        queue.splice(0, batch.length);
        delivered += batch.length;
        for (const e of batch) latencies.push(answered - e.at);
        if (queue.length < BATCH) await sleep(FLUSH_MS);
      } else {
        if (status === 429) answers429 += 1;
        else otherFailures += 1;
        waitUntil = answered + (retryAfter ? retryAfter * 1000 : 1_000 + Math.random() * 1_000);
        await sleep(Math.min(FLUSH_MS, waitUntil - answered));
      }
    }
  };

  const running = Array.from({ length: browsers }, (_, b) => browser(b));
  const progress = setInterval(() => {
    const s = Math.round((performance.now() - started) / 1000);
    process.stdout.write(
      `  ${scenario.name} ${s}s: created ${created}, delivered ${delivered}, kept ${klaviyo.unique()}\r`,
    );
  }, 5_000);
  await sleep(DURATION_S * 1000);
  generating = false;
  const keptAtLoadEnd = klaviyo.unique();
  const loadEnded = performance.now();
  await Promise.race([Promise.all(running), sleep(DRAIN_MAX_S * 1000)]);
  clearInterval(progress);
  const drainS = (performance.now() - loadEnded) / 1000;
  const counts = klaviyo.counts();
  const sorted = latencies.sort((a, b) => a - b);
  const kept = klaviyo.unique();
  const result = {
    scenario: scenario.title,
    browsers,
    calls: created,
    klaviyoEvents: expected,
    kept,
    keptShare: `${((100 * kept) / expected).toFixed(2)} %`,
    keptPerSecondDuringLoad: Math.round(keptAtLoadEnd / DURATION_S),
    ofCeiling: `${((100 * keptAtLoadEnd) / DURATION_S / CEILING).toFixed(1)} %`,
    drainS: Number(drainS.toFixed(1)),
    ...klaviyoFigures(sorted, counts, expected),
    browser429s: answers429,
    droppedInBrowsers,
    browserOtherFailures: otherFailures,
  };
  for (const i of instances) i.stop();
  await redis?.stop();
  await klaviyo.close();
  return result;
}

/**
 * The walkerOS path: a collector with our destination and batching on (a flush every second or 1,000
 * events), fed walkerOS events at the scenario's rate, in this process. Entries the destination reports
 * failed (the collector's DLQ) are pushed again each second, as a flow's retry would. Latency: from an
 * event's creation to Klaviyo keeping it.
 */
async function runWalkeros(scenario) {
  const latencies = [];
  const klaviyo = await startKlaviyoServerApi({
    keep: false,
    onEvent: (a) => latencies.push(Date.now() - Date.parse(a.time)),
  });
  const { startFlow } = await import('@walkeros/collector');
  const { getEvent } = await import('@walkeros/core');
  const { destinationKlaviyo } = await import('../dist/esm/server/walkeros/index.js');
  const { collector, elb } = await startFlow({
    logger: { level: 'ERROR' },
    destinations: {
      klaviyo: {
        code: destinationKlaviyo,
        config: {
          settings: { apiKey: STAND_IN_PRIVATE_KEY, klaviyoBaseUrl: klaviyo.url },
          batch: { wait: 1_000, age: 1_000, size: 1_000 },
          mapping: {
            product: { view: { name: 'Viewed Product', data: { map: { ProductID: 'data.id', Price: 'data.price' } } } },
            order: { complete: { name: 'Placed Order', settings: { value: 'data.total' } } },
          },
        },
      },
    },
  });
  const destination = collector.destinations.klaviyo;
  let created = 0;
  let expected = 0;
  let retried = 0;
  const started = performance.now();
  const product = { entity: 'product', data: { id: 'p1', name: 'Hat', price: 42 }, context: {}, nested: [] };
  const event = (seq) => {
    const shopper = seq % BROWSERS;
    const user = { id: `u${shopper}`, email: `shopper${shopper}@example.com` };
    const base = { id: `w${seq}`, timestamp: Date.now(), user };
    return seq % 10 === 0
      ? getEvent('order complete', { ...base, data: { id: `o-${seq}`, total: 42 }, nested: [product] })
      : getEvent('product view', { ...base, data: { id: `p${seq % 50}`, price: 19.9 } });
  };
  const retry = () => {
    for (const [e] of destination.dlq?.splice(0) ?? []) {
      retried += 1;
      void elb(e);
    }
  };
  let debt = 0;
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    debt += ((now - last) / 1000) * scenario.rate;
    last = now;
    for (; debt >= 1; debt -= 1) {
      created += 1;
      expected += created % 10 === 0 ? 2 : 1;
      void elb(event(created));
    }
  }, 20);
  const retries = setInterval(retry, 1_000);
  const progress = setInterval(() => {
    const s = Math.round((performance.now() - started) / 1000);
    process.stdout.write(
      `  ${scenario.name} ${s}s: created ${created}, kept ${klaviyo.unique()}, retried ${retried}\r`,
    );
  }, 5_000);
  await sleep(DURATION_S * 1000);
  clearInterval(tick);
  const keptAtLoadEnd = klaviyo.unique();
  const loadEnded = performance.now();
  while (klaviyo.unique() < expected && performance.now() - loadEnded < DRAIN_MAX_S * 1000) {
    retry();
    await sleep(250);
  }
  clearInterval(retries);
  clearInterval(progress);
  const counts = klaviyo.counts();
  const sorted = latencies.sort((a, b) => a - b);
  const kept = klaviyo.unique();
  await klaviyo.close();
  return {
    scenario: scenario.title,
    events: created,
    klaviyoEvents: expected,
    kept,
    keptShare: `${((100 * kept) / expected).toFixed(2)} %`,
    keptPerSecondDuringLoad: Math.round(keptAtLoadEnd / DURATION_S),
    drainS: Number(((performance.now() - loadEnded) / 1000).toFixed(1)),
    ...klaviyoFigures(sorted, counts, expected),
    retriedFromDlq: retried,
  };
}

let n = 0;
function message(browser, seq, identify) {
  n += 1;
  const base = {
    anonymousId: `a${browser}`,
    userId: `u${browser}`,
    messageId: `${browser}-${seq}-${n}`,
    originalTimestamp: new Date().toISOString(),
    context: { traits: { email: `shopper${browser}@example.com` } },
  };
  if (identify)
    return { ...base, type: 'identify', context: { traits: { email: `shopper${browser}@example.com`, visits: seq } } };
  return seq % 10 === 0
    ? {
        ...base,
        type: 'track',
        event: 'Order Completed',
        properties: {
          order_id: `o-${browser}-${seq}-${n}`,
          total: 42,
          currency: 'EUR',
          products: [{ product_id: 'p1', price: 42, quantity: 1 }],
        },
      }
    : {
        ...base,
        type: 'track',
        event: 'Product Viewed',
        properties: { product_id: `p${seq % 50}`, name: 'Hat', price: 19.9 },
      };
}

console.log(
  `bench:endpoint: ${BROWSERS} browsers, ${DURATION_S} s of load per scenario, Klaviyo's limits enforced by the stand-in`,
);
for (const scenario of SCENARIOS) {
  const result = await (scenario.walkeros ? runWalkeros(scenario) : run(scenario));
  console.log(`\n${JSON.stringify(result, null, 2)}`);
}
