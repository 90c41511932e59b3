// @vitest-environment node
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startKlaviyoServerApi, STAND_IN_PRIVATE_KEY, type KlaviyoServerApiStandIn } from '../e2e/klaviyoServerApi.mjs';
import { createCloudEndpoint, type CloudEndpoint } from '../src/server/index.js';
import type { CloudEndpointOptions } from '../src/server/CloudEndpointOptions.js';

type StandIn = KlaviyoServerApiStandIn;
let klaviyo: StandIn;
let lines: string[];
const sink = {
  debug: (...a: unknown[]) => lines.push(a.join(' ')),
  info: (...a: unknown[]) => lines.push(a.join(' ')),
  warn: (...a: unknown[]) => lines.push(a.join(' ')),
  error: (...a: unknown[]) => lines.push(a.join(' ')),
};
const SHOP = 'https://shop.example';
const WRITE_KEY = 'wk-shop';

beforeAll(async () => {
  klaviyo = await startKlaviyoServerApi();
});
afterAll(() => klaviyo.close());
afterEach(() => {
  klaviyo.reset();
  klaviyo.fail(0, 0);
});

function endpoint(extra: Partial<CloudEndpointOptions> = {}): CloudEndpoint {
  lines = [];
  return createCloudEndpoint({
    privateApiKey: STAND_IN_PRIVATE_KEY,
    writeKeys: [WRITE_KEY],
    klaviyoBaseUrl: klaviyo.url,
    allowedOrigins: [SHOP],
    logLevel: 'debug',
    logger: sink,
    ...extra,
  });
}

const basic = (key: string) => `Basic ${btoa(`${key}:`)}`;
function post(body: unknown, { path = '/v1/batch', key = WRITE_KEY, headers = {} } = {}) {
  return new Request(`https://collect.shop.example${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basic(key), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
const message = (fields: Record<string, unknown>, i = 1) => ({
  messageId: `m${i}`,
  anonymousId: 'anon-1',
  originalTimestamp: '2026-11-23T10:00:00.000Z',
  context: { traits: { email: 'ada@example.com' } },
  ...fields,
});
const order = (i = 1) =>
  message(
    {
      type: 'track',
      event: 'Order Completed',
      properties: { order_id: `O-${i}`, total: 30, currency: 'EUR', products: [{ product_id: 'A', price: 30 }] },
    },
    i,
  );
const identify = (traits: Record<string, unknown>, i = 1) =>
  message({ type: 'identify', userId: 'u1', context: { traits: { email: 'ada@example.com', ...traits } } }, i);
const paths = () => klaviyo.requests.map((r) => `${r.path} ${r.status}`);

describe('cloud endpoint: a batch becomes Klaviyo server-API calls', () => {
  it('identify, track and subscription: the right calls, identifiers, names, values, currency and unique ids', async () => {
    const handle = endpoint({ listId: 'L-DEFAULT' });
    const response = await handle(
      post({
        batch: [
          identify({ firstName: 'Ada', properties: { subscribe: true } }, 1),
          order(2),
          message({ type: 'screen', name: 'Home' }, 3),
          message({ type: 'page' }, 4),
        ],
        sentAt: '2026-11-23T10:00:01.000Z',
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, taken: 5, ignored: 1, skipped: [], refused: [] });
    expect(paths().sort()).toEqual([
      '/api/event-bulk-create-jobs 202',
      '/api/profile-bulk-import-jobs 202',
      '/api/profile-subscription-bulk-create-jobs 202',
    ]);
    const events = klaviyo
      .events()
      .map((e: any) => [e.metric.data.attributes.name, e.unique_id, e.value, e.value_currency]);
    expect(events).toEqual([
      ['Placed Order', 'O-2', 30, 'EUR'],
      ['Ordered Product', 'O-2_A', 30, 'EUR'],
      ['Home', 'm3', undefined, undefined],
    ]);
    expect(klaviyo.events()[0].profile).toEqual({ email: 'ada@example.com' });
    // The identify's profile (email + userId) has no event in the job (the order names the email only):
    // its traits go in a profile bulk import job.
    const upsert = klaviyo.requests.find((r) => r.path === '/api/profile-bulk-import-jobs')!.body;
    expect(upsert.data.attributes.profiles.data.map((p: any) => p.attributes)).toEqual([
      { email: 'ada@example.com', external_id: 'u1', first_name: 'Ada' },
    ]);
    const job = klaviyo.requests.find((r) => r.path === '/api/profile-subscription-bulk-create-jobs')!.body;
    expect(job.data.relationships.list.data.id).toBe('L-DEFAULT');
    expect(job.data.attributes.profiles.data[0].attributes).toEqual({
      email: 'ada@example.com',
      subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } },
    });
  });

  it('single-message routes and the beacon form (text/plain, ?writeKey=)', async () => {
    const handle = endpoint();
    const single = await handle(post(message({ event: 'Signed Up' }, 1), { path: '/v1/track' }));
    expect(single.status).toBe(200);
    const beacon = await handle(
      new Request(`https://collect.shop.example/beacon/v1/batch?writeKey=${WRITE_KEY}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8', origin: SHOP },
        body: JSON.stringify({ batch: [message({ type: 'track', event: 'Left' }, 2)] }),
      }),
    );
    expect(beacon.status).toBe(200);
    expect(klaviyo.events().map((e: any) => [e.metric.data.attributes.name, e.unique_id])).toEqual([
      ['Signed Up', 'm1'],
      ['Left', 'm2'],
    ]);
  });

  it.each([
    ['no write key', post({ batch: [order()] }, { key: '' }), 401, 'failed to read writekey from header'],
    ['a wrong write key', post({ batch: [order()] }, { key: 'wk-shoq' }), 401, 'invalid write key'],
    [
      'a beacon without ?writeKey=',
      new Request('https://c.example/beacon/v1/batch', { method: 'POST', body: '{"batch":[]}' }),
      401,
      'failed to read writekey from query params',
    ],
    ['not JSON', post('{"batch": ['), 400, 'invalid JSON'],
    ['an empty batch', post({ batch: [] }), 400, 'empty batch payload'],
    [
      'a message with neither userId nor anonymousId (whole batch)',
      post({ batch: [order(1), { ...order(2), anonymousId: ' ' }] }),
      400,
      'request neither has anonymousId nor userId',
    ],
    ['an unknown route', post({ batch: [order()] }, { path: '/v2/batch' }), 404, expect.stringContaining('not found')],
  ])('refuses %s without calling Klaviyo', async (_, request, status, error) => {
    const response = await endpoint()(request);
    expect(response.status).toBe(status);
    expect((await response.json()).error).toEqual(error);
    expect(klaviyo.requests).toEqual([]);
  });

  it('413 over 4000 KB, by Content-Length or by what arrives', async () => {
    const handle = endpoint();
    const big = JSON.stringify({
      batch: [message({ type: 'track', event: 'X', properties: { pad: 'x'.repeat(4100 * 1024) } })],
    });
    expect((await handle(post(big))).status).toBe(413);
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1024 * 1024)));
        controller.close();
      },
    });
    const chunked = new Request('https://c.example/v1/batch', {
      method: 'POST',
      headers: { authorization: basic(WRITE_KEY) },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect((await handle(chunked)).status).toBe(413);
    expect(klaviyo.requests).toEqual([]);
  });
});

describe('cloud endpoint: statuses that keep the browser queue honest', () => {
  it('Klaviyo 5xx → 502; the retry sends the same unique ids, skips the upsert Klaviyo already took, and each event counts once', async () => {
    const handle = endpoint();
    expect((await handle(post({ batch: [identify({ firstName: 'Ada' }, 1), order(2)] }))).status).toBe(200);
    klaviyo.reset();
    // The upsert is identical to the one Klaviyo took, so only the event job is sent, and it fails.
    klaviyo.fail(500, 1);
    const failed = await handle(post({ batch: [identify({ firstName: 'Ada' }, 1), order(3)] }));
    expect(failed.status).toBe(502);
    expect(paths()).toEqual(['/api/event-bulk-create-jobs 500']);
    const retried = await handle(post({ batch: [identify({ firstName: 'Ada' }, 1), order(3)] }));
    expect(retried.status).toBe(200);
    expect(paths()).toEqual(['/api/event-bulk-create-jobs 500', '/api/event-bulk-create-jobs 202']);
    const keys = klaviyo.requests.map((r) =>
      r.body.data.attributes['events-bulk-create'].data.flatMap((e: any) =>
        e.attributes.events.data.map((v: any) => v.attributes.unique_id),
      ),
    );
    expect(keys).toEqual([
      ['O-3', 'O-3_A'],
      ['O-3', 'O-3_A'],
    ]);
    // Delivered again on purpose (a browser retry after a lost answer): Klaviyo keeps one per unique_id.
    await handle(post({ batch: [order(3)] }));
    expect(klaviyo.events()).toHaveLength(4);
    expect(klaviyo.unique()).toBe(2);
  });

  it("Klaviyo's 429 pauses every dispatch for its Retry-After; the work waits and is taken then (200), without another 429", async () => {
    const handle = endpoint();
    klaviyo.fail(429, 1, '2');
    const started = Date.now();
    const [first, second] = await Promise.all([
      handle(post({ batch: [order(1)] })),
      new Promise<Response>((r) => setTimeout(() => r(handle(post({ batch: [order(2)] }))), 300)),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    // One 429, then one job carrying both requests' events (pooled while paused).
    expect(paths()).toEqual(['/api/event-bulk-create-jobs 429', '/api/event-bulk-create-jobs 202']);
    expect(klaviyo.unique()).toBe(4);
  });

  it('a refused private key → 503 with Retry-After, logged as an error; the key is in no response and no log line', async () => {
    const handle = endpoint({ privateApiKey: 'pk_wrong0000000000000000000000000000' });
    const response = await handle(post({ batch: [identify({}, 1), order(2)] }));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('300');
    const text = await response.text();
    expect(text).toMatch(/refused the private API key/);
    expect(lines.join('\n')).toMatch(/refused the private API key/);
    for (const out of [text, ...lines]) expect(out).not.toContain('pk_wrong');
  });

  it('a bulk job Klaviyo refuses names the event at fault: it is refused for good, the rest sent again once and taken (200)', async () => {
    const handle = endpoint();
    const tooMany = Object.fromEntries(Array.from({ length: 401 }, (_, i) => [`p${i}`, i]));
    const response = await handle(
      post({ batch: [order(1), message({ type: 'track', event: 'Huge', properties: tooMany }, 2), order(3)] }),
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.refused).toEqual([{ messageId: 'm2', reason: expect.stringContaining('at most 400 properties') }]);
    expect(paths()).toEqual(['/api/event-bulk-create-jobs 400', '/api/event-bulk-create-jobs 202']);
    expect(klaviyo.unique()).toBe(4);
    expect(lines.join('\n')).toMatch(/Klaviyo refused m2/);
  });

  it('an event with no email, phone or userId is skipped with a logged reason (200: a retry cannot help)', async () => {
    const handle = endpoint();
    const response = await handle(post({ batch: [message({ type: 'track', event: 'X', context: {} })] }));
    expect(response.status).toBe(200);
    expect((await response.json()).skipped).toEqual([{ messageId: 'm1', reason: expect.stringMatching(/no email/) }]);
    expect(klaviyo.requests).toEqual([]);
    expect(lines.join('\n')).toMatch(/skipped m1: no email/);
  });
});

describe('cloud endpoint: log lines', () => {
  it('a messageId cannot forge a log line: control characters are replaced', async () => {
    const handle = endpoint();
    const forged = message({ type: 'track', event: 'X', context: {} }, 1);
    forged.messageId = 'm1\n[klaviyo-device-mode] server: all good';
    const response = await handle(post({ batch: [forged] }));
    expect((await response.json()).skipped[0].messageId).toBe('m1?[klaviyo-device-mode] server: all good');
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
  });
});

describe('cloud endpoint: identify diffing per profile', () => {
  it('an identical upsert for the same profile is skipped; a change or another profile is sent; interleaved shoppers do not defeat it', async () => {
    const handle = endpoint();
    const ada = (plan: string, i: number) => identify({ plan }, i);
    const bob = (i: number) =>
      message({ type: 'identify', userId: 'u2', context: { traits: { email: 'bob@example.com' } } }, i);
    for (const m of [ada('free', 1), bob(2), ada('free', 3), bob(4), ada('pro', 5), ada('pro', 6)]) {
      expect((await handle(post({ batch: [m] }))).status).toBe(200);
    }
    const sent = klaviyo.requests.flatMap((r) =>
      r.body.data.attributes.profiles.data.map((p: any) => [p.attributes.email, p.attributes.properties?.plan]),
    );
    expect(sent).toEqual([
      ['ada@example.com', 'free'],
      ['bob@example.com', undefined],
      ['ada@example.com', 'pro'],
    ]);
  });
});

describe('cloud endpoint: CORS and options', () => {
  it('preflight from an allowed origin; the answer exposes Retry-After to the page', async () => {
    const handle = endpoint();
    const preflight = await handle(
      new Request('https://c.example/v1/batch', {
        method: 'OPTIONS',
        headers: { origin: SHOP, 'access-control-request-method': 'POST' },
      }),
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const answer = await handle(post({ batch: [order()] }, { headers: { origin: SHOP } }));
    expect(answer.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(answer.headers.get('access-control-expose-headers')).toBe('retry-after');
  });

  it('a request from another origin is refused (403) and not delivered; no CORS headers', async () => {
    const handle = endpoint();
    const response = await handle(post({ batch: [order()] }, { headers: { origin: 'https://evil.example' } }));
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(klaviyo.requests).toEqual([]);
  });

  it.each([
    [{ privateApiKey: '' }, /privateApiKey is missing/],
    [{ privateApiKey: 'AbC123' }, /must start with "pk_"/],
    [{ writeKeys: [] }, /writeKeys must be a non-empty array/],
    [{ allowedOrigins: ['https://shop.example/path'] }, /allowedOrigins must list origins/],
    [{ klaviyoBaseUrl: 'https://a.klaviyo.com/api' }, /klaviyoBaseUrl must be a URL with no path/],
    [{ currency: 'euro' }, /currency must be an ISO 4217 code/],
    [{ eventNames: { Purchased: 'x' } as never }, /"Purchased" is not one of/],
  ])('bad options throw a sentence naming the option: %o', (bad, reason) => {
    expect(() => endpoint(bad as Partial<CloudEndpointOptions>)).toThrow(reason);
  });

  it('a bad private key is never echoed in the error', () => {
    expect(() => endpoint({ privateApiKey: 'pk_secret value' })).toThrow(/^(?!.*secret).*$/s);
  });

  it('GET /health answers 200 without a write key', async () => {
    expect((await endpoint()(new Request('https://c.example/health'))).status).toBe(200);
  });
});
