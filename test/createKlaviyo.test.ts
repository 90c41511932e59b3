import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createKlaviyo } from '../src/hosts/analytics/createKlaviyo.js';
import { createSegmentPlugin } from '../src/hosts/segment/createSegmentPlugin.js';
import { optionsFromDataset } from '../src/hosts/script/optionsFromDataset.js';
import { cleanPage, klaviyoAnswers, klaviyoReceived, serveKlaviyo } from './helpers/klaviyoScript.js';
import { recordingForwarder, recordingSink } from './helpers/harness.js';

/** A dedupe key the host made: the message's own messageId (a UUID). */
const KEY = expect.stringMatching(/^[0-9a-f-]{36}$/);

beforeEach(() => {
  cleanPage();
  localStorage.clear();
  vi.useFakeTimers({ now: new Date('2026-11-23T00:01:00.000Z') });
});
afterEach(() => vi.useRealTimers());

function make(options: Record<string, unknown> = {}) {
  const cloud = recordingForwarder();
  const log = recordingSink();
  const api = createKlaviyo(
    { publicApiKey: 'AbC123', clientApi: false, ...options },
    {
      logSink: log.sink,
      createForwarder: () => cloud.forwarder,
    },
  );
  return { api, cloud, log };
}

describe('createKlaviyo (script tag and npm hosts)', () => {
  it('maps a storefront journey to the exact Klaviyo commands', async () => {
    serveKlaviyo('load');
    const { api } = make();
    api.identify('u1', { email: 'ada@example.com', firstName: 'Ada' });
    api.track('Product Viewed', { product_id: 'p1', name: 'Pooh', price: 9.99 });
    api.track('Signed Up', { plan: 'pro' });
    await klaviyoAnswers();
    expect(klaviyoReceived()).toEqual([
      ['identify', { $email: 'ada@example.com', $first_name: 'Ada', $id: 'u1' }],
      ['track', 'Viewed Product', { ProductName: 'Pooh', ProductID: 'p1', Price: 9.99, $event_id: KEY }],
      ['trackViewedItem', { Title: 'Pooh', ItemId: 'p1', Metadata: { Price: 9.99 } }],
      ['track', 'Signed Up', { plan: 'pro', $event_id: KEY }],
    ]);
  });

  it('persists the anonymousId, userId and accumulated traits across a reload, like the SDK', () => {
    serveKlaviyo('load');
    const first = make().api;
    first.identify('u1', { email: 'a@b.co' });
    first.identify({ plan: 'pro' });
    const anonymousId = first.getAnonymousId();
    cleanPage();
    serveKlaviyo('load');
    const again = make().api;
    expect(again.getAnonymousId()).toBe(anonymousId);
    expect(again.getUserId()).toBe('u1');
    expect(again.getUserTraits()).toEqual({ email: 'a@b.co', plan: 'pro' });
    again.identify({ city: 'London' });
    expect(klaviyoReceived()).toEqual([['identify', { $email: 'a@b.co', $city: 'London', $id: 'u1', plan: 'pro' }]]);
  });

  it('a different userId starts a new user; reset forgets the user and keeps the anonymousId unless asked', () => {
    const { api } = make();
    api.identify('u1', { email: 'a@b.co' });
    api.identify('u2', { plan: 'x' });
    expect(api.getUserTraits()).toEqual({ plan: 'x' });
    const anon = api.getAnonymousId();
    api.reset();
    expect([api.getUserId(), api.getUserTraits(), api.getAnonymousId()]).toEqual(['', {}, anon]);
    api.reset(true);
    expect(api.getAnonymousId()).not.toBe(anon);
  });

  it('page overloads build RudderStack-shaped page messages', async () => {
    serveKlaviyo('load');
    const { api } = make({ sendPageAsTrack: true, additionalPageInfo: true });
    api.identify('u1', { email: 'a@b.co' });
    await klaviyoAnswers();
    api.page();
    api.page('Home');
    api.page('Shop', 'Cart', { step: 1 });
    api.page('Cart', { step: 2 });
    api.page({ step: 3 });
    const pages = klaviyoReceived().slice(1);
    const names = pages.map((c) => (c as unknown[])[1]);
    expect(names).toEqual([
      'Viewed a Page',
      'Viewed Home page',
      'Viewed Shop Cart page',
      'Viewed Cart page',
      'Viewed a Page',
    ]);
    expect((pages[2] as unknown[])[2]).toEqual({
      path: '/products/1',
      referrer: '',
      search: '',
      title: '',
      url: 'https://shop.example.com/products/1',
      tab_url: 'https://shop.example.com/products/1',
      step: 1,
      name: 'Cart',
      category: 'Shop',
      $event_id: KEY,
    });
  });

  it('group and screen go to cloud mode as RudderStack messages with the persisted identity', async () => {
    serveKlaviyo('load');
    const { api, cloud } = make();
    api.identify('u1', { email: 'a@b.co' });
    api.group('LIST1', { subscribe: true });
    api.screen('Home', { tab: 1 });
    await klaviyoAnswers(); // behind the identify klaviyo.js has not answered yet
    expect(cloud.forwarded.map((f) => f.reason)).toEqual(['group', 'screen']);
    expect(cloud.forwarded[0].message).toMatchObject({
      type: 'group',
      groupId: 'LIST1',
      traits: { subscribe: true },
      userId: 'u1',
      anonymousId: expect.any(String),
      channel: 'web',
      context: { traits: { email: 'a@b.co' } },
    });
    expect(cloud.forwarded[1].message).toMatchObject({
      type: 'screen',
      name: 'Home',
      properties: { tab: 1, name: 'Home' },
    });
  });

  it('what cannot be sent is dropped with its reason logged; the host objects are never changed', async () => {
    serveKlaviyo('load');
    const { api, log } = make({ sendPageAsTrack: true });
    const traits = Object.freeze({ email: 'a@b.co', f: () => 1 });
    const properties = Object.freeze({ plan: 'pro', n: NaN, nested: Object.freeze({ s: Symbol('s') }) });
    api.identify('u1', traits);
    api.track('Signed Up', properties);
    api.page('Home', Object.freeze({ d: new Date(NaN) }));
    await klaviyoAnswers();
    expect(klaviyoReceived()).toEqual([
      ['identify', { $email: 'a@b.co', $id: 'u1' }],
      ['track', 'Signed Up', { plan: 'pro', nested: {}, $event_id: KEY }],
      ['track', 'Viewed Home page', { $event_id: KEY }],
    ]);
    expect(log.lines.filter(([level]) => level === 'warn')).toEqual([
      ['warn', '[klaviyo-device-mode] identify: traits.f is a function; dropped.'],
      ['warn', '[klaviyo-device-mode] track: properties.n is NaN, not a finite number; dropped.'],
      ['warn', '[klaviyo-device-mode] track: properties.nested.s is a symbol; dropped.'],
      ['warn', '[klaviyo-device-mode] page: properties.d is an invalid date; dropped.'],
    ]);
  });

  it('a call queued while klaviyo.js loads keeps what it had when made, whatever the host changes after', () => {
    const inserted = serveKlaviyo('hang');
    const { api, cloud } = make();
    api.identify('u1', { email: 'a@b.co' });
    const properties: Record<string, unknown> = { plan: 'pro', nested: { a: 1 } };
    api.track('Signed Up', properties);
    properties.plan = 'changed';
    (properties.nested as Record<string, unknown>).a = 2;
    api.track('Blocked', properties);
    (properties.nested as Record<string, unknown>).a = 3;
    inserted[0].dispatchEvent(new Event('error'));
    expect(cloud.forwarded.filter((f) => f.message.type === 'track').map((f) => f.message.properties)).toEqual([
      { plan: 'pro', nested: { a: 1 } },
      { plan: 'changed', nested: { a: 2 } },
    ]);
  });

  it('ready(cb) runs once klaviyo.js settles, with the status', async () => {
    const inserted = serveKlaviyo('hang');
    const { api } = make();
    const seen: string[] = [];
    api.ready((s) => seen.push(s));
    expect(seen).toEqual([]);
    inserted[0].dispatchEvent(new Event('load'));
    expect(seen).toEqual([]); // a load event proves nothing: Klaviyo's answer does
    const { runStandIn } = await import('./helpers/klaviyoScript.js');
    runStandIn(inserted[0]);
    expect(seen).toEqual(['working']);
    api.ready((s) => seen.push(`late:${s}`));
    await Promise.resolve();
    expect(seen).toEqual(['working', 'late:working']);
  });

  it('never throws to the host, even for nonsense arguments or a throwing ready callback', async () => {
    serveKlaviyo('load');
    const { api, log } = make();
    expect(() => {
      api.track(undefined as never, 5 as never);
      api.identify(null as never, 'x' as never);
      api.page(1 as never, [] as never);
      api.ready(() => {
        throw new Error('host bug');
      });
    }).not.toThrow();
    await Promise.resolve();
    await Promise.resolve();
    expect(log.lines).toContainEqual(['error', '[klaviyo-device-mode] a ready() callback threw.']);
    expect(log.lines).toContainEqual(['warn', '[klaviyo-device-mode] track: track not sent: it has no event name.']);
  });
});

describe('optionsFromDataset', () => {
  it('reads data-* attributes', () => {
    const s = document.createElement('script');
    s.setAttribute('data-public-api-key', 'AbC123');
    s.setAttribute('data-data-plane-url', 'https://dp.example.com');
    s.setAttribute('data-write-key', 'wk');
    s.setAttribute('data-send-page-as-track', '');
    s.setAttribute('data-additional-page-info', 'false');
    s.setAttribute('data-list-id', 'L1');
    expect(optionsFromDataset(s.dataset)).toEqual({
      publicApiKey: 'AbC123',
      cloudMode: { dataPlaneUrl: 'https://dp.example.com', writeKey: 'wk' },
      sendPageAsTrack: true,
      additionalPageInfo: false,
      listId: 'L1',
    });
  });
});

describe('createSegmentPlugin', () => {
  const ctx = (event: Record<string, unknown>) => ({ event });

  it('has the analytics-next destination plugin shape', () => {
    const plugin = createSegmentPlugin({ publicApiKey: 'AbC123' });
    expect([plugin.name, plugin.type, typeof plugin.load, typeof plugin.isLoaded]).toEqual([
      'Klaviyo',
      'destination',
      'function',
      'function',
    ]);
    expect(plugin.isLoaded()).toBe(false);
  });

  it('buffers calls made before load and while klaviyo.js loads, then delivers them in order; never mutates ctx.event', async () => {
    const inserted = serveKlaviyo('hang');
    const plugin = createSegmentPlugin({ publicApiKey: 'AbC123', clientApi: false });
    const identify = ctx({
      type: 'identify',
      userId: 'u1',
      anonymousId: 'a1',
      traits: { email: 'a@b.co' },
      timestamp: new Date(0),
    });
    const before = structuredClone(identify.event);
    expect(plugin.identify(identify)).toBe(identify);
    await plugin.load(ctx({}), {});
    expect(plugin.isLoaded()).toBe(true);
    plugin.track(
      ctx({ type: 'track', event: 'Order Completed', anonymousId: 'a1', properties: { order_id: 'o1', revenue: 5 } }),
    );
    expect(klaviyoReceived()).toEqual([]);
    const { runStandIn } = await import('./helpers/klaviyoScript.js');
    runStandIn(inserted[0]);
    inserted[0].dispatchEvent(new Event('load'));
    await klaviyoAnswers();
    expect(klaviyoReceived()).toEqual([
      ['identify', { $email: 'a@b.co', $id: 'u1' }],
      ['track', 'Placed Order', { $event_id: 'o1', OrderId: 'o1', $value: 5 }],
    ]);
    expect(identify.event).toEqual(before);
  });
});

describe('library identity', () => {
  it('the version sent in context.library and the Segment plugin is the package version', async () => {
    const { readFileSync } = await import('node:fs');
    const { LIBRARY_VERSION } = await import('../src/version.js');
    const pkg = JSON.parse(readFileSync(`${process.cwd()}/package.json`, 'utf8'));
    expect(LIBRARY_VERSION).toBe(pkg.version);
    expect(createSegmentPlugin({ publicApiKey: 'AbC123' }).version).toBe(pkg.version);
  });
});
