import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { blockKlaviyo, expect, serveEndpoint, test as base } from './fixtures.js';
import { startKlaviyoServerApi, STAND_IN_PRIVATE_KEY, type KlaviyoServerApiStandIn } from './klaviyoServerApi.mjs';

/**
 * Our own cloud endpoint end to end: the browser forwarder (every Klaviyo host blocked) → the endpoint
 * on node:http → the Klaviyo server-API stand-in, events counted by `unique_id`; then the CLI as a
 * process and the same handler in Deno.
 */
const WRITE_KEY = 'e2e-endpoint-key';
const ORIGIN = `http://127.0.0.1:${process.env.E2E_PORT ?? 4173}`;

type Klaviyo = KlaviyoServerApiStandIn;

const test = base.extend<{ klaviyoApi: Klaviyo; endpointUrl: string }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  klaviyoApi: async ({}, use) => {
    const api = await startKlaviyoServerApi();
    await use(api);
    await api.close();
  },
  endpointUrl: async ({ klaviyoApi }, use) => {
    const endpoint = await serveEndpoint(klaviyoApi.url, WRITE_KEY, ORIGIN);
    await use(endpoint.url);
    await endpoint.close();
  },
});

const page$ = (url: string, run: string) =>
  `/e2e/pages/cloud.html?dp=${encodeURIComponent(url)}&wk=${WRITE_KEY}&run=${run}`;
const keys = (klaviyo: Klaviyo) => klaviyo.events().map((e) => `${e.metric.data.attributes.name} ${e.unique_id}`);
const counts = (list: string[]) => list.reduce<Record<string, number>>((a, k) => ({ ...a, [k]: (a[k] ?? 0) + 1 }), {});

test('every Klaviyo host blocked: identify, order, screen and group reach Klaviyo through our endpoint, once each', async ({
  page,
  klaviyoApi,
  endpointUrl,
}) => {
  await blockKlaviyo(page);
  await page.goto(page$(endpointUrl, 'ep'));
  await page.evaluate(() => {
    const traits = { email: 'ada@example.com', firstName: 'Ada' };
    const send = (window as any).send;
    send('identify', { userId: 'u1', context: { traits } });
    send('track', {
      userId: 'u1',
      event: 'Order Completed',
      context: { traits },
      properties: { order_id: 'O-1', total: 30, currency: 'EUR', products: [{ product_id: 'A', price: 30 }] },
    });
    send('screen', { userId: 'u1', name: 'Thank you', context: { traits } });
    send('group', { userId: 'u1', groupId: 'LIST1', traits: { subscribe: true }, context: { traits } });
  });
  await expect
    .poll(() => keys(klaviyoApi).sort(), { timeout: 10_000 })
    .toEqual(['Ordered Product O-1_A', 'Placed Order O-1', 'Thank you ep-3']);
  const placed = klaviyoApi.events().find((e) => e.unique_id === 'O-1')!;
  expect(placed).toMatchObject({
    value: 30,
    value_currency: 'EUR',
    profile: { email: 'ada@example.com', external_id: 'u1' },
  });
  // The identify's traits ride on the profile's entry of the event job: one job for the events, one
  // for the list, and no upsert of its own.
  await expect
    .poll(() => klaviyoApi.requests.map((r) => `${r.path} ${r.status}`).sort())
    .toEqual(['/api/event-bulk-create-jobs 202', '/api/profile-subscription-bulk-create-jobs 202']);
  const entries = klaviyoApi.requests.find((r) => r.path === '/api/event-bulk-create-jobs')!.body.data.attributes[
    'events-bulk-create'
  ].data;
  expect(entries.map((e: any) => e.attributes.profile.data.attributes)).toEqual([
    { email: 'ada@example.com', external_id: 'u1', first_name: 'Ada' },
  ]);
  const job = klaviyoApi.requests.find((r) => r.path === '/api/profile-subscription-bulk-create-jobs')!.body;
  expect(job.data.relationships.list.data.id).toBe('LIST1');
});

test('Klaviyo fails, then recovers: the browser queue retries through the endpoint and every event counts once', async ({
  page,
  klaviyoApi,
  endpointUrl,
}) => {
  await blockKlaviyo(page);
  klaviyoApi.fail(500, 2);
  await page.goto(page$(endpointUrl, 'rt'));
  await page.evaluate(() => {
    for (let i = 0; i < 3; i++) {
      (window as any).send('track', { userId: 'u1', event: `E${i}`, context: { traits: { email: 'a@x.co' } } });
    }
  });
  await expect.poll(() => klaviyoApi.unique(), { timeout: 15_000 }).toBe(3);
  await page.waitForTimeout(1500); // nothing more arrives
  expect(klaviyoApi.requests.filter((r) => r.status === 500).length).toBe(2);
  expect(counts(keys(klaviyoApi))).toEqual({ 'E0 rt-1': 1, 'E1 rt-2': 1, 'E2 rt-3': 1 });
});

test('page leave: the beacon reaches Klaviyo through the endpoint', async ({ page, klaviyoApi, endpointUrl }) => {
  await blockKlaviyo(page);
  await page.goto(page$(endpointUrl, 'bc'));
  await page.evaluate(() =>
    (window as any).send('track', { userId: 'u1', event: 'Leaving', context: { traits: { email: 'a@x.co' } } }),
  );
  await page.goto('/e2e/pages/blank.html');
  await expect.poll(() => keys(klaviyoApi)).toEqual(['Leaving bc-1']);
});

/** Start a process and resolve once it printed `ready` on stdout. */
function started(child: ChildProcess, ready: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no "${ready}" within 15 s: ${out}`)), 15_000);
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

const batch = (id: string) =>
  JSON.stringify({
    batch: [
      {
        type: 'track',
        event: 'Signed Up',
        messageId: id,
        userId: 'u1',
        context: { traits: { email: 'a@x.co' } },
        originalTimestamp: '2026-11-23T10:00:00.000Z',
      },
    ],
  });
const auth = { authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}` };

test('the CLI: `klaviyo-device-mode serve` configured from the environment, key never printed', async ({
  klaviyoApi,
}) => {
  const bin = createRequire(import.meta.url).resolve('../dist/esm/server/cli.js');
  const child = spawn(process.execPath, [bin, 'serve'], {
    env: {
      ...process.env,
      KLAVIYO_PRIVATE_API_KEY: STAND_IN_PRIVATE_KEY,
      WRITE_KEYS: `other, ${WRITE_KEY}`,
      PORT: '0',
      HOST: '127.0.0.1',
      KLAVIYO_BASE_URL: klaviyoApi.url,
      LOG_LEVEL: 'debug',
    },
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  try {
    const banner = await started(child, /listening on http:\/\/127\.0\.0\.1:(\d+)/);
    const url = `http://127.0.0.1:${/:(\d+) /.exec(banner)![1]}`;
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const response = await fetch(`${url}/v1/batch`, { method: 'POST', headers: auth, body: batch('cli-1') });
    expect(response.status).toBe(200);
    expect(keys(klaviyoApi)).toEqual(['Signed Up cli-1']);
    expect((await fetch(`${url}/v1/batch`, { method: 'POST', body: batch('x') })).status).toBe(401);
  } finally {
    child.kill('SIGTERM');
  }
  expect(output).not.toContain(STAND_IN_PRIVATE_KEY);
});

test('the CLI refuses to start without a private key, naming the variable', async () => {
  const bin = createRequire(import.meta.url).resolve('../dist/esm/server/cli.js');
  const child = spawn(process.execPath, [bin, 'serve'], { env: { PATH: process.env.PATH, WRITE_KEYS: 'k' } });
  let output = '';
  child.stderr.on('data', (c) => (output += c));
  const code = await new Promise((done) => child.on('exit', done));
  expect(code).toBe(2);
  expect(output).toMatch(/KLAVIYO_PRIVATE_API_KEY is missing/);
});

test('the same handler in Deno, a non-Node Fetch runtime', async ({ klaviyoApi }) => {
  const require = createRequire(import.meta.url);
  let deno: string;
  try {
    // The binary itself, not the package's node wrapper: killing the wrapper would leave deno running.
    deno = join(dirname(require.resolve('deno/bin.cjs')), 'deno');
    if (!existsSync(deno)) throw new Error('no binary');
  } catch {
    test.skip(true, 'the deno package is not installed');
    return;
  }
  const entry = new URL('../dist/esm/server/index.js', import.meta.url).href;
  const script = `
    import { createCloudEndpoint } from ${JSON.stringify(entry)};
    const handler = createCloudEndpoint({
      privateApiKey: ${JSON.stringify(STAND_IN_PRIVATE_KEY)},
      writeKeys: [${JSON.stringify(WRITE_KEY)}],
      klaviyoBaseUrl: ${JSON.stringify(klaviyoApi.url)},
    });
    Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: ({ port }) => console.log('deno listening ' + port) }, handler);
  `;
  const child = spawn(deno, ['run', '--allow-net', '--no-prompt', '-'], {
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
  });
  child.stdin.end(script);
  try {
    const banner = await started(child, /deno listening (\d+)/);
    const url = `http://127.0.0.1:${/deno listening (\d+)/.exec(banner)![1]}`;
    const response = await fetch(`${url}/v1/batch`, { method: 'POST', headers: auth, body: batch('deno-1') });
    expect(response.status).toBe(200);
    expect(keys(klaviyoApi)).toEqual(['Signed Up deno-1']);
  } finally {
    child.kill('SIGTERM');
  }
});
