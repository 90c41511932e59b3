import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { retryDelay } from '../src/cloud/retryDelay.js';
import { createSafeStorage } from '../src/util/safeStorage.js';
import { say } from '../src/logger/say.js';
import { createLogger } from '../src/logger/createLogger.js';
import { CLOUD, disposeAll, FlakyStorage, forwarder, settle, START, useClock } from './helpers/cloud.js';
import { identify, rudderMessage, track } from './helpers/messages.js';

const storageLines: Array<[string, string]> = [];
const storageLog = createLogger('debug', {
  debug() {},
  info() {},
  error() {},
  warn: (m: string) => void storageLines.push(['warn', m]),
});
const storageOn = (s: Storage) =>
  createSafeStorage(
    () => s,
    (why) => storageLog.warn(say('noStorage', why)),
  );
const warns = (lines: Array<[string, string]>) => lines.filter(([l]) => l === 'warn').map(([, m]) => m);
const ISO = (ms: number) => new Date(START + ms).toISOString();

beforeEach(() => {
  storageLines.length = 0;
  localStorage.clear();
  useClock();
});
afterEach(() => {
  disposeAll();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('CloudForwarder: the request on the wire', () => {
  it('POSTs /v1/batch with Basic auth of the cloud write key and the exact body', async () => {
    const { f, requests } = forwarder({ listId: 'L1' });
    const message = identify('u1', {
      email: 'ada@example.com',
      phone: '+1 500 555 0006',
      properties: { subscribe: true },
    });
    f.forward(message, 'list subscription');
    await settle(999);
    expect(requests).toHaveLength(0); // waits FLUSH_INTERVAL_MS for others to share the request
    await settle(1);
    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe('https://dp.example.com/v1/batch');
    expect(requests[0].headers).toEqual({ 'Content-Type': 'application/json', Authorization: `Basic ${btoa('wk1:')}` });
    expect(requests[0].body).toEqual({
      batch: [
        {
          type: 'identify',
          userId: 'u1',
          anonymousId: 'anon-1',
          messageId: 'msg-1',
          originalTimestamp: '2026-11-23T00:00:00.000Z',
          channel: 'web',
          context: {
            traits: {
              email: 'ada@example.com',
              phone: '+15005550006',
              properties: { subscribe: true, listId: 'L1', consent: ['email'] },
            },
            library: { name: 'klaviyo-device-mode', version: '0.1.0' },
            page: {
              path: '/products/1',
              referrer: '',
              search: '',
              title: '',
              url: 'https://shop.example.com/products/1',
              tab_url: 'https://shop.example.com/products/1',
            },
            userAgent: navigator.userAgent,
            locale: navigator.language,
          },
          integrations: { All: false, Klaviyo: true },
          sentAt: ISO(1000),
        },
      ],
      sentAt: ISO(1000),
    });
    expect(requests[0].body.batch[0]).not.toHaveProperty('traits');
    expect(f.queued()).toEqual([]);
    expect(localStorage.getItem('kdm.wk1.id-1.items')).toBeNull(); // removed after delivery
  });

  it('forwards a track unmapped (the server transformer maps it) and keeps the host message intact', async () => {
    const { f, requests } = forwarder();
    const message = track('Product Added', { revenue: 5, product_id: 'p1' });
    const before = structuredClone(message);
    f.forward(message, 'klaviyo.js failed');
    await settle(1000);
    expect(requests[0].body.batch[0]).toMatchObject({
      type: 'track',
      event: 'Product Added',
      properties: { revenue: 5, product_id: 'p1' },
    });
    expect(message).toEqual(before);
  });

  it('group: groupId and its traits (phone in E.164); screen: its name; a missing anonymousId gets one', async () => {
    const { f, requests, log } = forwarder();
    f.forward(
      rudderMessage({ type: 'group', groupId: 'L9', traits: { subscribe: false, email: 'a@b.co', phone: '555' } }),
      'group',
    );
    f.forward(
      rudderMessage({
        type: 'screen',
        name: 'Home',
        anonymousId: undefined,
        messageId: undefined,
        originalTimestamp: undefined,
      }),
      'screen',
    );
    await settle(1000);
    const [group, screen] = requests[0].body.batch;
    expect(group).toMatchObject({ type: 'group', groupId: 'L9', traits: { subscribe: false, email: 'a@b.co' } });
    expect(group.traits).not.toHaveProperty('phone');
    expect(screen).toMatchObject({
      type: 'screen',
      name: 'Home',
      anonymousId: 'id-2',
      messageId: 'id-4',
      originalTimestamp: ISO(0),
    });
    expect(warns(log.lines)).toContain(
      '[klaviyo-device-mode] group (cloud mode): traits.phone is not an E.164 number (+ country code and digits); dropped.',
    );
  });

  it('refuses an event over 32 KB with a reason', async () => {
    const { f, requests, log } = forwarder();
    f.forward(track('Big', { blob: 'x'.repeat(33 * 1024) }), 'klaviyo.js failed');
    await settle(5000);
    expect(requests).toHaveLength(0);
    expect(warns(log.lines)[0]).toMatch(
      /^\[klaviyo-device-mode\] track not forwarded: \d+ bytes is over the 32768-byte limit per event\.$/,
    );
  });

  it('batches at most 20 events per request', async () => {
    const { f, requests } = forwarder();
    for (let i = 0; i < 45; i++) f.forward(track(`E${i}`, {}), 'klaviyo.js failed');
    await settle(1000);
    expect(requests.map((r) => r.body.batch.length)).toEqual([20, 20, 5]);
    expect(requests.flatMap((r) => r.body.batch.map((m) => m.event))).toEqual(
      Array.from({ length: 45 }, (_, i) => `E${i}`),
    );
  });
});

describe('CloudForwarder: retries', () => {
  it('backs off exponentially with jitter, capped at 60 s, and gives up only when the event is 24 h old', async () => {
    const { f, requests, log } = forwarder({ answer: () => 500 });
    f.forward(track('A', {}), 'klaviyo.js failed');
    await settle(5 * 60_000);
    expect(requests.map((r) => r.at)).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 64000, 124000, 184000, 244000]);
    expect(new Set(requests.map((r) => r.body.batch[0].messageId))).toEqual(new Set(['msg-1'])); // stable across retries
    expect(requests.map((r) => r.body.sentAt)).toEqual(requests.map((r) => ISO(r.at))); // refreshed per attempt
    expect(warns(log.lines)).toEqual([]); // an outage burns no attempt budget
    await settle(24 * 3_600_000);
    expect(warns(log.lines)).toEqual([
      `[klaviyo-device-mode] track msg-1 dropped: still undelivered 24 h after it was queued (${requests.length} attempts, last: HTTP 500).`,
    ]);
    expect(requests.at(-1)!.at).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(f.queued()).toEqual([]);
  });

  it.each([
    ['seconds', '30'],
    ['an HTTP date', new Date(START + 1000 + 30_000).toUTCString()],
  ])('429 with Retry-After (%s): nothing is sent, by this tab or another, before it has passed', async (_, header) => {
    const { f, requests } = forwarder({
      answer: (_r, i) => (i === 0 ? ({ status: 429, retryAfter: header } as never) : 200),
    });
    f.forward(track('A', {}), 'klaviyo.js failed');
    await settle(1000);
    expect(requests).toHaveLength(1);
    const other = forwarder(); // another tab (or the next page) of the same write key
    other.f.forward(track('B', {}), 'klaviyo.js failed');
    await settle(29_000);
    expect(requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
    await settle(1_000);
    expect(requests.map((r) => r.at)).toEqual([1000, 31000]);
    expect(other.requests.map((r) => r.at)).toEqual([31000]);
  });

  it('inside a Retry-After window no page beacons at page leave: the stored queue waits (a page load is not an attempt)', async () => {
    const first = forwarder({ answer: () => ({ status: 429, retryAfter: '30' }) as never });
    first.f.forward({ ...track('A', {}), messageId: 'a' }, 'klaviyo.js failed');
    await settle(1000); // 429, Retry-After 30 s
    window.dispatchEvent(new Event('pagehide'));
    first.f.dispose();
    // Every next page within the window: its own calls and the ones taken over wait, beacons included.
    for (let page = 0; page < 3; page++) {
      const next = forwarder();
      next.f.forward({ ...track(`P${page}`, {}), messageId: `p${page}` }, 'klaviyo.js failed');
      await settle(2_000);
      window.dispatchEvent(new Event('pagehide'));
      next.f.dispose();
      expect([next.requests, next.beacons]).toEqual([[], []]);
    }
    expect(first.beacons).toEqual([]);
    const last = forwarder();
    await settle(30_000);
    expect(last.requests.flatMap((r) => r.body.batch.map((m) => m.event)).sort()).toEqual(['A', 'P0', 'P1', 'P2']);
  });

  it('retry delays follow the injected random source', () => {
    expect([1, 2, 3, 7, 8, 20].map((n) => retryDelay(n, () => 0.5))).toEqual([1000, 2000, 4000, 60000, 60000, 60000]);
    expect([1, 2, 3].map((n) => retryDelay(n, () => 0))).toEqual([800, 1600, 3200]);
    expect([1, 2, 3].map((n) => retryDelay(n, () => 1))).toEqual([1200, 2400, 4800]);
  });

  it.each([
    [0, 'a network error or timeout'],
    [408, 'HTTP 408'],
    [429, 'HTTP 429'],
    [503, 'HTTP 503'],
  ])('retries on %s', async (status, described) => {
    const { f, requests, log } = forwarder({ answer: (_r, i) => (i === 0 ? status : 200) });
    f.forward(track('A', {}), 'klaviyo.js failed');
    await settle(2000);
    expect(requests.map((r) => r.at)).toEqual([1000, 2000]);
    expect(log.lines).toContainEqual(['info', `[klaviyo-device-mode] cloud mode: ${described}; will retry.`]);
    expect(f.queued()).toEqual([]);
  });

  it.each([400, 401, 404])('drops on %s with the reason logged', async (status) => {
    const { f, requests, log } = forwarder({ answer: () => status });
    f.forward(track('A', {}), 'klaviyo.js failed');
    await settle(60_000);
    expect(requests).toHaveLength(1);
    expect(warns(log.lines)).toEqual([
      `[klaviyo-device-mode] 1 event(s) dropped: the data plane refused them with HTTP ${status} (not retryable).`,
    ]);
  });

  it('413 splits the batch until each part is accepted; a lone event over the limit is dropped', async () => {
    const { f, requests, log } = forwarder({
      answer: (r) => (r.body.batch.length > 1 || r.body.batch[0].event === 'huge' ? 413 : 200),
    });
    for (const name of ['a', 'huge', 'c']) f.forward(track(name, {}), 'klaviyo.js failed');
    await settle(1000);
    expect(requests.map((r) => r.body.batch.map((m) => m.event).join(','))).toEqual([
      'a,huge,c',
      'a,huge',
      'a',
      'huge',
      'c',
    ]);
    expect(warns(log.lines)).toEqual([
      '[klaviyo-device-mode] 1 event(s) dropped: the data plane refused them with HTTP 413 (not retryable).',
    ]);
  });

  it('keeps at most 100 events, dropping the oldest with a warning', async () => {
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const { f, requests, log } = forwarder();
    for (let i = 0; i < 101; i++) f.forward(track(`E${i}`, {}), 'klaviyo.js failed');
    await settle(5000);
    expect(requests).toHaveLength(0); // offline: nothing attempted
    expect(f.queued()).toHaveLength(100);
    expect(f.queued()[0].event).toBe('E1');
    expect(warns(log.lines)).toEqual([
      '[klaviyo-device-mode] cloud-mode queue full (100): dropped the oldest event, track msg-1.',
    ]);
  });

  it('waits while offline and flushes on `online`', async () => {
    const online = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const { f, requests } = forwarder();
    f.forward(track('A', {}), 'klaviyo.js failed');
    await settle(5000);
    expect(requests).toHaveLength(0);
    online.mockReturnValue(true);
    window.dispatchEvent(new Event('online'));
    await settle(0);
    expect(requests.map((r) => r.at)).toEqual([5000]);
  });
});

describe('CloudForwarder: storage', () => {
  it('falls back to memory when localStorage throws (Safari private mode), says so once, still delivers', async () => {
    const flaky = new FlakyStorage();
    flaky.failAll = true;
    const { f, requests } = forwarder({ storage: storageOn(flaky) });
    f.forward(track('A', {}), 'klaviyo.js failed');
    f.forward(track('B', {}), 'klaviyo.js failed');
    await settle(1000);
    expect(requests[0].body.batch.map((m) => m.event)).toEqual(['A', 'B']);
    expect(warns(storageLines)).toEqual([
      '[klaviyo-device-mode] localStorage is not available: the cloud-mode queue is kept in memory only (not across reloads or tabs).',
    ]);
  });

  it('switches to memory on a quota error mid-run, keeping what was queued', async () => {
    const flaky = new FlakyStorage();
    const { f, requests } = forwarder({ answer: () => 0, storage: storageOn(flaky) });
    f.forward(track('A', {}), 'klaviyo.js failed');
    flaky.failWrites = true;
    f.forward(track('B', {}), 'klaviyo.js failed');
    await settle(1000);
    expect(requests[0].body.batch.map((m) => m.event)).toEqual(['A', 'B']);
    expect(warns(storageLines)).toEqual([
      '[klaviyo-device-mode] localStorage is full or refused the write: the cloud-mode queue is kept in memory only (not across reloads or tabs).',
    ]);
  });
});

describe('CloudForwarder: reloads and tabs', () => {
  it('events unsent at a reload survive it and go out once on the next page, when their retry is due (a page load is not an attempt)', async () => {
    const first = forwarder({ answer: () => 500 });
    first.f.forward(track('A', {}), 'klaviyo.js failed');
    await settle(1000); // first attempt fails: the data plane is down
    window.dispatchEvent(new Event('pagehide')); // reload: failing, so no beacon; the queue is handed over
    expect(first.beacons).toEqual([]);
    first.f.dispose(); // the old page is gone
    const next = forwarder(); // the next page, data plane back up
    await settle(999); // taken over after 0.5 s, but the retry is due 1 s after the failure
    expect(next.requests).toHaveLength(0);
    await settle(1);
    expect(next.requests).toHaveLength(1);
    expect(next.requests[0].body.batch[0]).toMatchObject({
      event: 'A',
      messageId: 'msg-1',
      originalTimestamp: '2026-11-23T00:00:00.000Z',
      sentAt: ISO(2000),
    });
    expect(Object.keys(localStorage).filter((k) => k.includes('.items'))).toEqual([]);
  });

  it('a queue abandoned by a closed tab (stale heartbeat) is taken over by exactly one live tab', async () => {
    // A tab that died 20 s ago left two events.
    localStorage.setItem('kdm.wk1.dead.ack', String(START - 20_000));
    localStorage.setItem(
      'kdm.wk1.dead.items',
      JSON.stringify([
        { id: 'm1', m: { type: 'track', event: 'A', messageId: 'm1', anonymousId: 'x' }, n: 1, d: START - 1 },
        { id: 'm2', m: { type: 'track', event: 'B', messageId: 'm2', anonymousId: 'x' }, n: 0, d: START - 1 },
      ]),
    );
    const tabB = forwarder();
    const tabC = forwarder();
    await settle(5000);
    const sent = [...tabB.requests, ...tabC.requests].flatMap((r) => r.body.batch.map((m) => m.messageId));
    expect(sent).toEqual(['m1', 'm2']);
    expect(localStorage.getItem('kdm.wk1.dead.items')).toBeNull();
    expect(localStorage.getItem('kdm.wk1.dead.ack')).toBeNull();
  });

  it('never takes over a live tab’s queue, and never another write key’s', async () => {
    const live = forwarder({ answer: () => 500 });
    live.f.forward(track('A', {}), 'klaviyo.js failed');
    localStorage.setItem('kdm.other-key.q.ack', '0');
    localStorage.setItem('kdm.other-key.q.items', JSON.stringify([{ id: 'o', m: { type: 'track' }, n: 0, d: 0 }]));
    const other = forwarder();
    await settle(30_000);
    expect(other.requests).toEqual([]);
    expect(localStorage.getItem('kdm.other-key.q.items')).not.toBeNull();
  });

  it('a corrupted stored queue is kept aside with a reason, never sent, never thrown', async () => {
    localStorage.setItem('kdm.wk1.bad.ack', '0');
    localStorage.setItem('kdm.wk1.bad.items', '{not json');
    const { requests, log } = forwarder();
    await settle(1000);
    expect(requests).toEqual([]);
    expect(warns(log.lines)).toEqual([
      '[klaviyo-device-mode] a stored cloud-mode queue was not valid JSON; it is kept aside in localStorage as kdm.wk1.corrupt.bad, not sent.',
    ]);
    expect(localStorage.getItem('kdm.wk1.corrupt.bad')).toBe('{not json');
    expect(localStorage.getItem('kdm.wk1.bad.items')).toBeNull();
  });
});

describe('CloudForwarder: page leave', () => {
  it('page hidden → the queue goes out by sendBeacon, as text/plain bodies of at most 64 KB', async () => {
    const { f, requests, beacons } = forwarder();
    for (let i = 0; i < 5; i++) f.forward(track(`E${i}`, { blob: 'x'.repeat(20_000) }), 'klaviyo.js failed');
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    document.dispatchEvent(new Event('visibilitychange'));
    expect(requests).toEqual([]);
    expect(beacons.map((b) => b.url)).toEqual(
      Array(beacons.length).fill(`${CLOUD.dataPlaneUrl}/beacon/v1/batch?writeKey=wk1`),
    );
    expect(beacons.map((b) => b.body.batch.map((m: any) => m.event))).toEqual([
      ['E0', 'E1', 'E2'],
      ['E3', 'E4'],
    ]);
    for (const b of beacons) expect(JSON.stringify(b.body).length).toBeLessThanOrEqual(64_000);
    // At least once: a beacon's fate is unknown, so its events stay stored, due again in 30 s.
    expect(f.queued()).toHaveLength(5);
    await settle(29_000);
    expect(requests).toEqual([]);
    await settle(1_000);
    const again = requests.flatMap((r) => r.body.batch.map((m) => m.messageId));
    expect(again.sort()).toEqual(beacons.flatMap((b) => b.body.batch.map((m: any) => m.messageId)).sort());
    expect(f.queued()).toEqual([]); // answered: now they leave the queue
  });

  it('keeps what sendBeacon refused, for the next attempt', async () => {
    const { f, requests } = forwarder({ beacon: () => false });
    f.forward(track('A', {}), 'klaviyo.js failed');
    window.dispatchEvent(new Event('pagehide'));
    expect(f.queued()).toHaveLength(1);
    window.dispatchEvent(new Event('pageshow')); // restored from the back/forward cache
    await settle(1000);
    expect(requests).toHaveLength(1);
  });
});

describe('CloudForwarder: what the server-side Klaviyo transformer needs (rudderlabs/rudder-transformer, src/v0/destinations/klaviyo)', () => {
  it('identify unsubscribe, group subscribe/unsubscribe and screen carry every field it reads', async () => {
    const { f, requests } = forwarder({ listId: 'CONFIG_LIST' });
    f.forward(
      identify('u1', {
        email: 'a@b.co',
        phone: '(500) 555-0006',
        properties: { subscribe: false, consent: ['email', 'sms'] },
      }),
      'list subscription',
    );
    f.forward(
      rudderMessage({
        type: 'group',
        groupId: 'LIST9',
        traits: { subscribe: true, email: 'a@b.co', phone: '+1 500 555 0006' },
      }),
      'group',
    );
    f.forward(
      rudderMessage({
        type: 'group',
        groupId: 'LIST9',
        traits: { subscribe: false },
        context: { traits: { email: 'a@b.co' } },
      }),
      'group',
    );
    f.forward(rudderMessage({ type: 'screen', name: 'Checkout', properties: { step: 2 } }), 'screen');
    await settle(1000);
    const [unsub, groupSub, groupUnsub, screen] = requests[0].body.batch;
    // identify: list from the config when absent, subscribe false, consent channels, identifiers in context.traits.
    expect(unsub).not.toHaveProperty('traits');
    expect(unsub.context.traits).toEqual({
      email: 'a@b.co',
      properties: { subscribe: false, consent: ['email', 'sms'], listId: 'CONFIG_LIST' },
    });
    // group: groupId is the list, traits.subscribe a boolean, email/phone (E.164) in traits or context.traits.
    expect(groupSub).toMatchObject({
      type: 'group',
      groupId: 'LIST9',
      traits: { subscribe: true, email: 'a@b.co', phone: '+15005550006' },
    });
    expect(groupUnsub).toMatchObject({
      type: 'group',
      groupId: 'LIST9',
      traits: { subscribe: false },
      context: { traits: { email: 'a@b.co' } },
    });
    // screen: its name becomes the Klaviyo event name.
    expect(screen).toMatchObject({ type: 'screen', name: 'Checkout', properties: { step: 2 } });
    for (const m of [unsub, groupSub, groupUnsub, screen]) {
      expect(m.integrations).toEqual({ All: false, Klaviyo: true });
      expect(m.anonymousId || m.userId).toBeTruthy();
      expect(typeof m.messageId).toBe('string');
    }
  });
});

describe('CloudForwarder: a request under way when the page goes away', () => {
  it('a request under way and a beacon at page leave keep their events: the next page sends each once more', async () => {
    const hung: Array<(status: number) => void> = [];
    const first = forwarder({ answer: () => new Promise<number>((resolve) => hung.push(resolve)) });
    first.f.forward({ ...track('A', {}), messageId: 'mA' }, 'klaviyo.js failed');
    await settle(1000);
    expect(first.requests).toHaveLength(1); // under way, no answer yet
    first.f.forward({ ...track('B', {}), messageId: 'mB' }, 'klaviyo.js failed');
    window.dispatchEvent(new Event('pagehide'));
    first.f.dispose();
    expect(first.beacons.map((b) => b.body.batch.map((m: any) => m.event))).toEqual([['B']]); // only what was waiting
    const next = forwarder(); // the request under way may hang or fail: the next page does not count on it
    await settle(1000);
    expect(next.requests.flatMap((r) => r.body.batch.map((m) => m.event))).toEqual(['A']);
    await settle(30_000); // B was beaconed: due again 30 s after the page left
    expect(next.requests.flatMap((r) => r.body.batch.map((m) => [m.event, m.messageId]))).toEqual([
      ['A', 'mA'],
      ['B', 'mB'],
    ]);
    expect(Object.keys(localStorage).filter((k) => k.endsWith('.items'))).toEqual([]);
  });

  it('a request too big for keepalive stays stored and the next page sends it (at least once)', async () => {
    const first = forwarder({ answer: () => new Promise<number>(() => {}) });
    for (let i = 0; i < 3; i++) first.f.forward(track(`Big${i}`, { blob: 'x'.repeat(30_000) }), 'klaviyo.js failed');
    await settle(1000);
    window.dispatchEvent(new Event('pagehide'));
    first.f.dispose();
    expect(first.beacons).toEqual([]); // all three are in the request under way: none beaconed twice
    const next = forwarder();
    await settle(1500);
    expect(next.requests.flatMap((r) => r.body.batch.map((m) => m.event))).toEqual(['Big0', 'Big1', 'Big2']);
  });
});

describe('CloudForwarder: hostile pages and storage that cannot keep anything', () => {
  it('a memory-only queue still beacons at page leave while delivery is failing: it has no next page', async () => {
    const flaky = new FlakyStorage();
    flaky.failAll = true;
    const { f, beacons } = forwarder({ answer: () => 500, storage: storageOn(flaky) });
    f.forward(track('A', {}), 'klaviyo.js failed');
    await settle(1000); // the first attempt fails
    window.dispatchEvent(new Event('pagehide'));
    expect(beacons.map((b) => b.body.batch.map((m: any) => m.event))).toEqual([['A']]);
  });

  it('Array.prototype.toJSON on the page (Prototype.js 1.6) does not double-encode the body', async () => {
    const proto = Array.prototype as unknown as { toJSON?: () => string };
    proto.toJSON = function (this: unknown[]) {
      return `[${this.map((v) => JSON.stringify(v)).join(',')}]`;
    };
    try {
      const { f, requests } = forwarder();
      f.forward(track('A', { list: [1, 2] }), 'klaviyo.js failed');
      await settle(1000);
      expect(Array.isArray(requests[0].body.batch)).toBe(true);
      expect(requests[0].body.batch[0].properties).toEqual({ list: [1, 2] });
    } finally {
      delete proto.toJSON;
    }
  });

  it('a page fetch that rejects: the request goes out by XMLHttpRequest instead', async () => {
    const { xhrPost, fetchTransport } = await import('../src/cloud/httpTransport.js');
    const sent: Array<[string, string]> = [];
    class FakeXHR {
      status = 0;
      onloadend: () => void = () => {};
      private headers: Record<string, string> = {};
      open(method: string, url: string) {
        sent.push([method, url]);
      }
      setRequestHeader(name: string, value: string) {
        this.headers[name] = value;
      }
      getResponseHeader(name: string) {
        return name === 'Retry-After' ? '7' : null;
      }
      send() {
        this.status = 429;
        queueMicrotask(() => this.onloadend());
      }
    }
    const win = {
      fetch: () => Promise.reject(new TypeError('wrapped fetch failed')),
      XMLHttpRequest: FakeXHR,
    } as never;
    const answer = fetchTransport(win)('https://dp.example.com/v1/batch', {}, '{}', true);
    await settle(0);
    expect(await answer).toEqual({ status: 429, retryAfter: '7' });
    expect(sent).toEqual([['POST', 'https://dp.example.com/v1/batch']]);
    expect(typeof xhrPost).toBe('function');
  });
});
