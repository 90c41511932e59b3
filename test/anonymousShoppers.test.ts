import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeliveryReport } from '../src/config/KlaviyoOptions.js';
import { HOLD_MAX_AGE_MS, HOLD_MAX_CALLS } from '../src/core/coreLimits.js';
import {
  cleanPage,
  klaviyoAnswers,
  klaviyoJsSent,
  klaviyoNet,
  klaviyoReceived,
  runStandIn,
  serveKlaviyo,
} from './helpers/klaviyoScript.js';
import { deviceMode, fakeClientApi } from './helpers/harness.js';
import { identify, track } from './helpers/messages.js';

/**
 * The shopper rules of the core (docs/behaviour.md, "Anonymous shoppers", "What klaviyo.js's answers
 * prove", "Opt-outs and bots"), against the klaviyo.js stand-in that behaves as Klaviyo's shipped
 * code: what klaviyo.js got, what it sent itself (and where Klaviyo filed it), what went below it.
 */

const NOW = new Date('2026-11-23T00:01:00.000Z');
const HELD = 'kdm.AbC123.held';

beforeEach(() => {
  cleanPage();
  localStorage.clear();
  vi.useFakeTimers({ now: NOW });
});

const account = () => klaviyoNet().clientApi.account;
const profileOf = (email: string) => account().profileOf({ email })?.id;
/** What klaviyo.js itself sent: metric, dedupe key, profile, time and the path (events, or its cache upload). */
const sentByKlaviyoJs = () => klaviyoJsSent().map((e) => [e.metric, e.dedupeKey, e.profileId, e.time, e.path]);
const at = (minutes: number) => new Date(Date.UTC(2026, 10, 23, 0, minutes)).toISOString();
/** An anonymous shopper's track, made `minutes` after midnight. */
const anonymous = (event: string, properties: Record<string, unknown>, id: string, minutes: number) => ({
  ...track(event, properties),
  messageId: id,
  originalTimestamp: at(minutes),
});
const journey = () => [
  anonymous('Product Viewed', { product_id: 'p1', name: 'Pooh' }, 'v1', 1),
  anonymous('Product Added', { product_id: 'p1', value: 9.99 }, 'a1', 2),
  anonymous('Checkout Started', { order_id: 'cart-1', value: 9.99 }, 'c1', 3),
];
const lines = (reports: DeliveryReport[]) =>
  reports.map((r) => `${r.messageId} ${r.what} ${r.tier} ${r.state}${r.reason ? ` (${r.reason})` : ''}`);

describe('an anonymous shopper, then identified', () => {
  it('klaviyo.js working: held (nothing pushed, nothing in its cache), then given to klaviyo.js after its identify answered, oldest first, with their times; each key once, on the profile', async () => {
    serveKlaviyo('load');
    const reports: DeliveryReport[] = [];
    const { core, cloud } = deviceMode({ onDelivery: (r: DeliveryReport) => reports.push(r) });
    core.start();
    for (const call of journey()) core.handle(call);
    await klaviyoAnswers();
    expect(klaviyoReceived()).toEqual([]);
    expect(localStorage.getItem('kl-post-identification-sync')).toBeNull();
    expect(klaviyoNet().clientApi.requests).toEqual([]);
    expect(lines(reports)).toEqual([
      'v1 Viewed Product klaviyo.js held (held until the shopper is known)',
      'a1 Added to Cart klaviyo.js held (held until the shopper is known)',
      'c1 Started Checkout klaviyo.js held (held until the shopper is known)',
    ]);
    core.handle({ ...identify('', { email: 'ada@example.com' }), messageId: 'i1' });
    core.handle({
      ...track('Order Completed', { order_id: 'o1', revenue: 9.99 }),
      messageId: 'o',
      originalTimestamp: at(4),
    });
    await klaviyoAnswers();
    const ada = profileOf('ada@example.com');
    expect(sentByKlaviyoJs()).toEqual([
      ['Viewed Product', 'v1', ada, at(1), 'events'],
      ['Added to Cart', 'a1', ada, at(2), 'events'],
      ['Started Checkout', 'cart-1', ada, at(3), 'events'],
      ['Placed Order', 'o1', ada, undefined, 'events'],
    ]);
    expect(klaviyoJsSent().every((e) => e.kept)).toBe(true);
    expect(cloud.forwarded).toEqual([]);
    expect(lines(reports).slice(3, 7)).toEqual([
      'i1 identify klaviyo.js queued',
      'i1 identify klaviyo.js delivered',
      'v1 Viewed Product klaviyo.js queued',
      'v1 Viewed Product klaviyo.js delivered',
    ]);
  });

  it('held across pages: what page 1 held is stored at page leave and delivered when page 2 identifies', async () => {
    serveKlaviyo('load');
    const first = deviceMode();
    first.core.start();
    first.core.handle(journey()[0]);
    first.core.handle(journey()[1]);
    window.dispatchEvent(new Event('pagehide'));
    expect(JSON.parse(localStorage.getItem(HELD)!).map((h: any) => h.call.messageId)).toEqual(['v1', 'a1']);
    // The next page of the shop.
    cleanPage();
    serveKlaviyo('load');
    const second = deviceMode();
    second.core.start();
    second.core.handle(journey()[2]);
    second.core.handle(identify('', { email: 'ada@example.com' }));
    await klaviyoAnswers();
    expect(sentByKlaviyoJs().map(([metric, key, , time]) => [metric, key, time])).toEqual([
      ['Viewed Product', 'v1', at(1)],
      ['Added to Cart', 'a1', at(2)],
      ['Started Checkout', 'cart-1', at(3)],
    ]);
    expect(localStorage.getItem(HELD)).toBeNull();
  });

  it('a call that names its shopper (a host that keeps the identity) releases the held calls first', async () => {
    serveKlaviyo('load');
    const { core } = deviceMode();
    core.start();
    core.handle(journey()[0]);
    core.handle({
      ...track('Product Added', { product_id: 'p1' }),
      messageId: 'a2',
      context: { traits: { email: 'ada@example.com' } },
    });
    await klaviyoAnswers();
    // klaviyo.js is asked to identify the shopper the call names, and answers before it gets a track.
    expect(klaviyoReceived()[0]).toEqual(['identify', { $email: 'ada@example.com' }]);
    expect(sentByKlaviyoJs().map(([metric, key, profile]) => [metric, key, profile])).toEqual([
      ['Viewed Product', 'v1', profileOf('ada@example.com')],
      ['Added to Cart', 'a2', profileOf('ada@example.com')],
    ]);
  });

  it('a Klaviyo signup form identifies the shopper: the held calls go then', async () => {
    serveKlaviyo('load');
    const { core } = deviceMode();
    core.start();
    core.handle(journey()[0]);
    window.dispatchEvent(
      new CustomEvent('klaviyoForms', { detail: { type: 'submit', metaData: { $email: 'ada@example.com' } } }),
    );
    await klaviyoAnswers();
    expect(sentByKlaviyoJs().map(([metric, key, profile]) => [metric, key, profile])).toEqual([
      ['Viewed Product', 'v1', profileOf('ada@example.com')],
    ]);
  });

  it('EasyPrivacy: nothing leaves while anonymous; at identify the Client API takes each held call once, with the identity and its original time', async () => {
    serveKlaviyo('tracking-blocked');
    const api = fakeClientApi();
    const { core, cloud } = deviceMode({ clientApi: true }, api);
    core.start();
    for (const call of journey()) core.handle(call);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(api.requests).toEqual([]);
    core.handle(identify('', { email: 'ada@example.com' }));
    await vi.advanceTimersByTimeAsync(3_000);
    expect(
      api.requests.map((r) => [
        r.path,
        r.body.data.attributes.unique_id,
        r.body.data.attributes.time,
        r.body.data.attributes.profile?.data.attributes,
      ]),
    ).toEqual([
      ['profiles', undefined, undefined, undefined],
      ['events', 'v1', at(1), { email: 'ada@example.com' }],
      ['events', 'a1', at(2), { email: 'ada@example.com' }],
      ['events', 'cart-1', at(3), { email: 'ada@example.com' }],
    ]);
    expect(cloud.forwarded).toEqual([]);
  });

  it('all Klaviyo hosts blocked, cloud mode: the held calls reach it once, carrying who the shopper is and their capture time', () => {
    serveKlaviyo('error');
    const { core, cloud } = deviceMode();
    core.start();
    for (const call of journey()) core.handle(call);
    expect(cloud.forwarded).toEqual([]);
    core.handle(identify('u7', { email: 'ada@example.com' }));
    expect(
      cloud.forwarded.map((f) => [
        f.message.type,
        f.message.messageId,
        f.message.originalTimestamp,
        f.message.userId,
        (f.message.context as any).traits.email,
      ]),
    ).toEqual([
      ['identify', 'msg-1', '2026-11-23T00:00:00.000Z', 'u7', 'ada@example.com'],
      ['track', 'v1', at(1), 'u7', 'ada@example.com'],
      ['track', 'a1', at(2), 'u7', 'ada@example.com'],
      ['track', 'c1', at(3), 'u7', 'ada@example.com'],
    ]);
  });
});

describe('known from a Klaviyo link or from klaviyo.js itself', () => {
  it('returning from a Klaviyo email (_kx on the URL): klaviyo.js confirms that exchange id, then takes the tracks for that profile', async () => {
    klaviyoNet();
    const ada = account().resolve({ email: 'ada@example.com' })!;
    const kx = account().exchangeIdFor(ada);
    history.replaceState(null, '', `/products/1?_kx=${encodeURIComponent(kx)}`);
    try {
      serveKlaviyo('load');
      const { core, cloud } = deviceMode();
      core.start();
      core.handle(journey()[0]);
      await klaviyoAnswers();
      expect(sentByKlaviyoJs().map(([metric, key, profile]) => [metric, key, profile])).toEqual([
        ['Viewed Product', 'v1', ada.id],
      ]);
      expect(cloud.forwarded).toEqual([]);
    } finally {
      history.replaceState(null, '', '/products/1');
    }
  });

  it('returning from a Klaviyo email, every Klaviyo host blocked: the Client API cannot be reached, cloud mode gets the call with the exchange id', () => {
    history.replaceState(null, '', '/products/1?_kx=KX.AbC123');
    try {
      serveKlaviyo('error');
      const { core, cloud } = deviceMode();
      core.start();
      core.handle(journey()[0]);
      expect(cloud.forwarded.map((f) => (f.message.context as any).externalId)).toEqual([
        [{ type: 'klaviyoExchangeId', id: 'KX.AbC123' }],
      ]);
    } finally {
      history.replaceState(null, '', '/products/1');
    }
  });

  it('klaviyo.js knows the shopper from its own cookie: calls held while it loads go to it once it says so', async () => {
    const identity = btoa(JSON.stringify({ cid: 'c1', $id: 'u1' }));
    document.cookie = `__kla_id=${encodeURIComponent(identity)}; path=/`;
    const inserted = serveKlaviyo('hang');
    const { core } = deviceMode();
    core.start();
    core.handle(journey()[0]);
    expect(klaviyoReceived()).toEqual([]);
    runStandIn(inserted[0]); // it answers the question asked at start: it knows the shopper
    core.handle({ ...track('Product Added', { product_id: 'p1' }), messageId: 'a2' });
    await klaviyoAnswers();
    expect(klaviyoReceived().filter((c: any) => c[0] === 'track')).toEqual([
      ['track', 'Viewed Product', { ProductID: 'p1', ProductName: 'Pooh', $event_id: 'v1', time: at(1) }],
      ['track', 'Added to Cart', { AddedItemProductID: 'p1', $event_id: 'a2' }],
    ]);
    expect(klaviyoJsSent().map((e) => [e.metric, e.dedupeKey, e.time])).toEqual([
      ['Viewed Product', 'v1', at(1)],
      ['Added to Cart', 'a2', undefined],
    ]);
  });
  it('klaviyo.js knows the shopper from its cookie on a later page: what earlier pages held goes at idle, not during start-up', async () => {
    serveKlaviyo('load');
    const first = deviceMode();
    first.core.start();
    first.core.handle(journey()[0]);
    window.dispatchEvent(new Event('pagehide'));
    // Identified elsewhere (a Klaviyo form on another tab): klaviyo.js's cookie names the shopper.
    cleanPage();
    document.cookie = `__kla_id=${encodeURIComponent(btoa(JSON.stringify({ cid: 'c1', $id: 'u1' })))}; path=/`;
    const inserted = serveKlaviyo('hang');
    const { core } = deviceMode();
    core.start();
    const read = vi.spyOn(localStorage, 'getItem');
    // Who reads the cookie jar: klaviyo.js does as it loads; we do not, while nothing is held.
    let owner: object | null = document;
    while (owner && !Object.getOwnPropertyDescriptor(owner, 'cookie')) owner = Object.getPrototypeOf(owner);
    const jar = Object.getOwnPropertyDescriptor(owner!, 'cookie')!;
    const readers: string[] = [];
    const cookie = vi.spyOn(document, 'cookie', 'get').mockImplementation(function (this: Document) {
      readers.push(new Error().stack ?? '');
      return jar.get!.call(this);
    });
    runStandIn(inserted[0]); // it answers the question asked at start: it knows the shopper
    cookie.mockRestore();
    expect(read.mock.calls.filter(([key]) => key === HELD)).toEqual([]);
    expect(readers.filter((stack) => stack.includes('exchangeId'))).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000); // idle
    await klaviyoAnswers();
    expect(klaviyoJsSent().map((e) => [e.metric, e.dedupeKey, e.time])).toEqual([['Viewed Product', 'v1', at(1)]]);
    expect(localStorage.getItem(HELD)).toBeNull();
    read.mockRestore();
  });
});

describe('what klaviyo.js answers proves', () => {
  it('an identify it never answers (a.klaviyo.com blocked, its tracker loaded): the tracks go down the ladder, none into its cache', async () => {
    serveKlaviyo('load', { clientApi: 'blocked' });
    const { core, cloud } = deviceMode();
    core.start();
    expect(core.status).toBe('working');
    core.handle(identify('u1', { email: 'ada@example.com' }));
    core.handle({ ...track('Product Added', { product_id: 'p1' }), messageId: 'a1' });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(cloud.forwarded.map((f) => [f.message.type, f.message.messageId])).toEqual([
      ['identify', 'msg-1'],
      ['track', 'a1'],
    ]);
    expect(klaviyoReceived()).toEqual([['identify', { $email: 'ada@example.com', $id: 'u1' }]]);
    expect(localStorage.getItem('kl-post-identification-sync')).toBeNull();
  });

  it('two identifies in a row: the second waits for the first answer, so neither is superseded; nothing goes down', async () => {
    serveKlaviyo('load');
    const { core, cloud } = deviceMode();
    core.start();
    core.handle(identify('u1', { email: 'ada@example.com' }));
    core.handle(identify('u1', { email: 'ada@example.com', firstName: 'Ada' }));
    expect(klaviyoReceived()).toHaveLength(1);
    await klaviyoAnswers();
    await klaviyoAnswers();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(klaviyoReceived()).toHaveLength(2);
    expect(cloud.forwarded).toEqual([]);
  });
});

describe('the hold', () => {
  it('keeps at most HOLD_MAX_CALLS calls of a shopper who never becomes known: the oldest dropped, logged and reported', () => {
    serveKlaviyo('load');
    const reports: DeliveryReport[] = [];
    const { core, log } = deviceMode({ onDelivery: (r: DeliveryReport) => reports.push(r) });
    core.start();
    for (let i = 0; i <= HOLD_MAX_CALLS; i++) core.handle(anonymous('Seen', {}, `s${i}`, 1));
    expect(log.lines.filter(([level]) => level === 'warn').map(([, line]) => line)).toEqual([
      `[klaviyo-device-mode] 1 held call(s) of a shopper who never became known dropped: more than ${HOLD_MAX_CALLS} calls held.`,
    ]);
    expect(lines(reports.filter((r) => r.state === 'lost'))).toEqual([
      `s0 Seen klaviyo.js lost (more than ${HOLD_MAX_CALLS} calls held)`,
    ]);
    window.dispatchEvent(new Event('pagehide'));
    expect(JSON.parse(localStorage.getItem(HELD)!)).toHaveLength(HOLD_MAX_CALLS);
  });

  it('a held call older than 14 days is dropped when read, logged and reported; younger ones go', async () => {
    serveKlaviyo('load');
    const first = deviceMode();
    first.core.start();
    first.core.handle(anonymous('Old', {}, 'old', 0));
    first.core.handle(anonymous('Young', {}, 'young', 60 * 24));
    window.dispatchEvent(new Event('pagehide'));
    cleanPage();
    vi.setSystemTime(NOW.getTime() + HOLD_MAX_AGE_MS + 60_000);
    serveKlaviyo('load');
    const reports: DeliveryReport[] = [];
    const second = deviceMode({ onDelivery: (r: DeliveryReport) => reports.push(r) });
    second.core.start();
    second.core.handle(identify('', { email: 'ada@example.com' }));
    await klaviyoAnswers();
    expect(klaviyoJsSent().map((e) => e.dedupeKey)).toEqual(['young']);
    expect(lines(reports.filter((r) => r.state === 'lost'))).toEqual(['old Old klaviyo.js lost (held 14 days)']);
    expect(second.log.lines.map(([, line]) => line)).toContain(
      '[klaviyo-device-mode] 1 held call(s) of a shopper who never became known dropped: held 14 days.',
    );
  });

  it('reset drops what is held, stored or not: it was the previous visitor’s', async () => {
    serveKlaviyo('load');
    const { core } = deviceMode();
    core.start();
    core.handle(journey()[0]);
    window.dispatchEvent(new Event('pagehide'));
    core.handle(journey()[1]);
    core.reset();
    expect(localStorage.getItem(HELD)).toBeNull();
    core.handle(identify('', { email: 'bob@example.com' }));
    await klaviyoAnswers();
    expect(klaviyoJsSent()).toEqual([]);
  });

  it('with requireConsent nothing is held or stored before consent; denyConsent removes what was', async () => {
    serveKlaviyo('load');
    const { core } = deviceMode({ requireConsent: true });
    core.start();
    core.handle(journey()[0]);
    window.dispatchEvent(new Event('pagehide'));
    expect(localStorage.getItem(HELD)).toBeNull();
    core.grantConsent();
    await vi.advanceTimersByTimeAsync(3_000); // idle: written
    expect(localStorage.getItem(HELD)).not.toBeNull();
    core.denyConsent();
    expect(localStorage.getItem(HELD)).toBeNull();
    core.handle(journey()[1]);
    window.dispatchEvent(new Event('pagehide'));
    expect(localStorage.getItem(HELD)).toBeNull();
  });

  it('storage unusable: held in memory for this page, and delivered when the shopper identifies on it', async () => {
    serveKlaviyo('load');
    const { core } = deviceMode();
    const storage = vi.spyOn(window, 'localStorage', 'get').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError'); // Safari's private mode, storage disabled
    });
    core.start();
    core.handle(journey()[0]);
    window.dispatchEvent(new Event('pagehide'));
    storage.mockRestore();
    expect(localStorage.getItem(HELD)).toBeNull();
    core.handle(identify('', { email: 'ada@example.com' }));
    await klaviyoAnswers();
    expect(klaviyoJsSent().map((e) => e.dedupeKey)).toEqual(['v1']);
  });
});

describe('opt-outs and bots', () => {
  it('Klaviyo’s opt-out cookie (__kla_off=true): nothing to klaviyo.js, the Client API or cloud mode; said once, each call reported', async () => {
    document.cookie = '__kla_off=true; path=/';
    serveKlaviyo('error');
    const reports: DeliveryReport[] = [];
    const api = fakeClientApi();
    const { core, cloud, log } = deviceMode(
      { clientApi: true, onDelivery: (r: DeliveryReport) => reports.push(r) },
      api,
    );
    core.start();
    core.handle({ ...identify('u1', { email: 'ada@example.com' }), messageId: 'i1' });
    core.handle({ ...track('Order Completed', { order_id: 'o1' }), userId: 'u1', messageId: 't1' });
    core.handle({
      type: 'group',
      groupId: 'L1',
      traits: { subscribe: true, email: 'ada@example.com' },
      messageId: 'g1',
    });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(klaviyoReceived()).toEqual([]);
    expect(api.requests).toEqual([]);
    expect(cloud.forwarded).toEqual([]);
    const said = log.lines.filter(([level]) => level === 'warn').map(([, line]) => line);
    expect(said.filter((line) => line.includes('__kla_off'))).toHaveLength(1);
    expect(reports.map((r) => `${r.messageId} ${r.state}`)).toEqual(['i1 lost', 't1 lost', 'g1 lost']);
  });

  it('the opt-out cookie is read once for the calls a page makes in one go, and again for the next task’s', async () => {
    serveKlaviyo('load');
    const { core } = deviceMode();
    core.start();
    await klaviyoAnswers();
    const shopper = (id: string) => ({ ...track('Wishlist Shared', { n: 1 }), userId: 'u1', messageId: id });
    core.handle(shopper('t1'));
    document.cookie = '__kla_off=true; path=/'; // in the same task: the calls of this task were judged
    core.handle(shopper('t2'));
    await Promise.resolve(); // the next task reads it
    core.handle(shopper('t3'));
    await klaviyoAnswers();
    expect(klaviyoReceived().flatMap((c: any) => (c[0] === 'track' ? [c[2].$event_id] : []))).toEqual(['t1', 't2']);
  });

  it('a user agent klaviyo.js treats as a bot (headless Chromium’s default): nothing goes anywhere', async () => {
    vi.spyOn(window.navigator, 'userAgent', 'get').mockReturnValue(
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
    );
    serveKlaviyo('error');
    const { core, cloud, log } = deviceMode();
    core.start();
    core.handle(identify('u1', { email: 'ada@example.com' }));
    core.handle({ ...track('A', {}), userId: 'u1' });
    expect(cloud.forwarded).toEqual([]);
    expect(log.lines.filter(([level]) => level === 'warn').map(([, line]) => line)).toContain(
      '[klaviyo-device-mode] calls not sent: the user agent is a bot, which klaviyo.js does not track; nothing goes to the Client API or cloud mode either.',
    );
  });

  it('an ordinary phone whose model name ends in "bot" (CUBOT) is not a bot', () => {
    vi.spyOn(window.navigator, 'userAgent', 'get').mockReturnValue(
      'Mozilla/5.0 (Linux; Android 9; CUBOT X19) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36',
    );
    serveKlaviyo('error');
    const { core, cloud } = deviceMode();
    core.start();
    core.handle({ ...track('A', {}), userId: 'u1' });
    expect(cloud.forwarded).toHaveLength(1);
  });
});

describe('a shared browser', () => {
  it('after a logout klaviyo.js still holds the previous shopper on this page: the next one’s calls go down the ladder, each on their own profile', async () => {
    serveKlaviyo('load');
    const api = fakeClientApi();
    const { core } = deviceMode({ clientApi: true }, api);
    core.start();
    core.handle(identify('bob', { email: 'bob@example.com' }));
    core.handle({ ...track('Order Completed', { order_id: 'ob' }), messageId: 'ob' });
    await klaviyoAnswers();
    core.reset();
    expect(document.cookie).not.toContain('__kla_id');
    core.handle(anonymous('Product Viewed', { product_id: 'p1' }, 'v2', 5));
    core.handle(identify('ada', { email: 'ada@example.com' }));
    core.handle({ ...track('Order Completed', { order_id: 'oa' }), messageId: 'oa' });
    await vi.advanceTimersByTimeAsync(3_000);
    // klaviyo.js sent Bob's order on Bob's profile; nothing of Ada's reached it.
    expect(klaviyoJsSent().map((e) => [e.dedupeKey, e.profileId])).toEqual([['ob', profileOf('bob@example.com')]]);
    expect(klaviyoReceived().filter((c: any) => JSON.stringify(c).includes('ada'))).toEqual([]);
    expect(
      api.requests.map((r) => [
        r.path,
        r.body.data.attributes.unique_id ?? null,
        JSON.stringify(r.body).includes('ada@example.com'),
      ]),
    ).toEqual([
      ['profiles', null, true],
      ['events', 'v2', true],
      ['events', 'oa', true],
    ]);
  });

  it('an identify of another person without a logout is handled as one', async () => {
    serveKlaviyo('load');
    const api = fakeClientApi();
    const { core } = deviceMode({ clientApi: true }, api);
    core.start();
    core.handle(identify('bob', { email: 'bob@example.com' }));
    await klaviyoAnswers();
    core.handle(identify('ada', { email: 'ada@example.com' }));
    core.handle({ ...track('A', {}), messageId: 'x1' });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(klaviyoReceived()).toHaveLength(1);
    expect(api.requests.map((r) => r.body.data.attributes.profile?.data.attributes ?? r.body.data.attributes)).toEqual([
      { email: 'ada@example.com', external_id: 'ada' },
      { email: 'ada@example.com', external_id: 'ada' },
    ]);
  });
});
