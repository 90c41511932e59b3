import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DeviceMode } from '../src/core/DeviceMode.js';
import {
  cleanPage,
  klaviyoAnswers,
  klaviyoJsSent,
  klaviyoNet,
  klaviyoReceived,
  runStandIn,
  serveKlaviyo,
} from './helpers/klaviyoScript.js';
import { deviceMode, fakeClientApi, recordingSink } from './helpers/harness.js';
import { clone, identify, page, rudderMessage, track } from './helpers/messages.js';

const warnings = (lines: Array<[string, string]>) =>
  lines.filter(([l]) => l === 'warn' || l === 'error').map(([, m]) => m);
const NOT_DELIVERED = (type: string) =>
  `[klaviyo-device-mode] ${type} not delivered (klaviyo.js failed): it needs cloud mode. Set cloudMode { dataPlaneUrl, writeKey } to forward it to our endpoint (klaviyo-device-mode/server) or a RudderStack data plane.`;

/** A minute after the test messages were made (their originalTimestamp). */
const NOW = new Date('2026-11-23T00:01:00.000Z');

beforeEach(() => {
  cleanPage();
  localStorage.clear(); // what an earlier test's page left for the next page
  vi.useFakeTimers({ now: NOW });
});

/** The Klaviyo profile an email names, as the account behind the Client API stand-in resolved it. */
const profileOf = (email: string) => klaviyoNet().clientApi.account.profileOf({ email })?.id;
/** What klaviyo.js itself sent, as Klaviyo recorded it: metric, dedupe key, profile, via which path. */
const sentByKlaviyoJs = () => klaviyoJsSent().map((e) => [e.metric, e.dedupeKey, e.profileId, e.path]);

describe('DeviceMode with klaviyo.js working', () => {
  it('a known shopper: tracks made while its identify is on its way wait for its answer, then go to klaviyo.js with their dedupe keys', async () => {
    serveKlaviyo('load');
    const { core, cloud } = deviceMode();
    core.start();
    expect(core.status).toBe('working');
    core.handle(identify('u1', { email: 'ada@example.com' }));
    core.handle({ ...track('Product Viewed', { name: 'Pooh', product_id: '1' }), messageId: 'v1' });
    core.handle({ ...track('Checked Out', { revenue: '5' }), messageId: 'm-3' });
    // klaviyo.js answers an identify only once Klaviyo did (debounced 300 ms): a track pushed now would
    // find the shopper anonymous and land in klaviyo.js's own cache.
    expect(klaviyoReceived()).toEqual([['identify', { $email: 'ada@example.com', $id: 'u1' }]]);
    await klaviyoAnswers();
    expect(klaviyoReceived()).toEqual([
      ['identify', { $email: 'ada@example.com', $id: 'u1' }],
      ['track', 'Viewed Product', { ProductName: 'Pooh', ProductID: '1', $event_id: 'v1' }],
      ['trackViewedItem', { Title: 'Pooh', ItemId: '1' }],
      ['track', 'Checked Out', { $value: 5, $event_id: 'm-3' }],
    ]);
    const ada = profileOf('ada@example.com');
    expect(sentByKlaviyoJs()).toEqual([
      ['Viewed Product', 'v1', ada, 'events'],
      ['Checked Out', 'm-3', ada, 'events'],
    ]);
    expect(cloud.forwarded).toEqual([]);
  });

  it('an order keeps its own dedupe keys: order id, order id + line', async () => {
    serveKlaviyo('load');
    const { core } = deviceMode();
    core.start();
    core.handle(identify('u1', { email: 'ada@example.com' }));
    core.handle(track('Order Completed', { order_id: 'o1', revenue: 9, products: [{ product_id: 'p1', price: 9 }] }));
    await klaviyoAnswers();
    const ada = profileOf('ada@example.com');
    expect(sentByKlaviyoJs()).toEqual([
      ['Placed Order', 'o1', ada, 'events'],
      ['Ordered Product', 'o1_p1', ada, 'events'],
    ]);
  });

  it('calls made before klaviyo.js arrives wait, in order, and are answered when it does', async () => {
    const inserted = serveKlaviyo('hang');
    const { core, cloud } = deviceMode();
    core.start();
    expect(core.status).toBe('loading');
    expect(core.acceptsCalls).toBe(true);
    core.handle(identify('u1', { email: 'a@b.co' }));
    core.handle({ ...track('First', {}), messageId: 'm1' });
    core.handle({ ...track('Second', {}), messageId: 'm2' });
    expect(klaviyoReceived()).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    runStandIn(inserted[0]);
    expect(core.status).toBe('working');
    await klaviyoAnswers();
    expect(klaviyoReceived()).toEqual([
      ['identify', { $email: 'a@b.co', $id: 'u1' }],
      ['track', 'First', { $event_id: 'm1' }],
      ['track', 'Second', { $event_id: 'm2' }],
    ]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(cloud.forwarded).toEqual([]);
  });

  it('does not push an identify identical to the last one; reset clears that state', async () => {
    serveKlaviyo('load');
    const { core, cloud } = deviceMode();
    core.start();
    core.handle(identify('u1', { email: 'a@b.co' }));
    core.handle(identify('u1', { email: 'a@b.co' }));
    await klaviyoAnswers();
    core.handle(identify('u1', { email: 'a@b.co', plan: 'pro' }));
    expect(klaviyoReceived().map((c) => JSON.stringify(c))).toEqual([
      '["identify",{"$email":"a@b.co","$id":"u1"}]',
      '["identify",{"$email":"a@b.co","$id":"u1","plan":"pro"}]',
    ]);
    core.reset();
    // The same identify again after the logout is pushed… to the rungs below: klaviyo.js still holds
    // the previous shopper in memory on this page.
    core.handle(identify('u1', { email: 'a@b.co', plan: 'pro' }));
    expect(klaviyoReceived()).toHaveLength(2);
    // The lower tiers were not needed before the reset: it reaches them once they are (what they take
    // over from earlier pages goes too), before anything else does.
    expect(cloud.resets()).toBe(1);
    // Down the ladder: the previous shopper's identify klaviyo.js had not answered yet when they logged
    // out (theirs, sent now), then the new one.
    expect(cloud.forwarded.map((f) => [f.message.type, (f.message.context as any).traits.plan, f.reason])).toEqual([
      ['identify', 'pro', 'klaviyo.js failed'],
      ['identify', 'pro', 'klaviyo.js failed'],
    ]);
  });

  it('reset expires the Klaviyo identity cookie', () => {
    document.cookie = '__kla_id=abc; path=/';
    const { core } = deviceMode();
    core.reset();
    expect(document.cookie).not.toContain('__kla_id=abc');
  });

  it('page: nothing by default; a named track with sendPageAsTrack', async () => {
    serveKlaviyo('load');
    const plain = deviceMode().core;
    plain.start();
    plain.handle(page('Cart', 'Shop'));
    expect(klaviyoReceived()).toEqual([]);
    const { core } = deviceMode({ sendPageAsTrack: true });
    core.start();
    core.handle(identify('u1', { email: 'a@b.co' }));
    core.handle({ ...page('Cart', 'Shop'), messageId: 'p1' });
    await klaviyoAnswers();
    expect(klaviyoReceived()).toEqual([
      ['identify', { $email: 'a@b.co', $id: 'u1' }],
      ['track', 'Viewed Shop Cart page', { $event_id: 'p1' }],
    ]);
  });

  it('routes group and screen to cloud mode, warns on alias and unknown types', () => {
    serveKlaviyo('load');
    const { core, cloud, log } = deviceMode();
    core.start();
    core.handle(rudderMessage({ type: 'group', groupId: 'L1', traits: { subscribe: true } }));
    core.handle(rudderMessage({ type: 'screen', name: 'Home' }));
    core.handle(rudderMessage({ type: 'alias', previousId: 'a' }));
    core.handle(rudderMessage({ type: 'explode' }));
    expect(cloud.forwarded.map((f) => [f.message.type, f.reason])).toEqual([
      ['group', 'group'],
      ['screen', 'screen'],
    ]);
    expect(klaviyoReceived()).toEqual([]);
    expect(warnings(log.lines)).toEqual([
      '[klaviyo-device-mode] alias not sent: Klaviyo supports alias in neither device nor cloud mode.',
      '[klaviyo-device-mode] call ignored: unknown type "explode".',
    ]);
  });

  it('identify with list data goes to both klaviyo.js and cloud mode (Client API off)', () => {
    serveKlaviyo('load');
    const { core, cloud } = deviceMode();
    core.start();
    core.handle(identify('u1', { email: 'a@b.co', properties: { listId: 'L1', subscribe: true } }));
    expect(klaviyoReceived()).toEqual([['identify', { $email: 'a@b.co', $id: 'u1' }]]);
    expect(cloud.forwarded.map((f) => f.reason)).toEqual(['list subscription']);
    expect(cloud.forwarded[0].message.context).toEqual({
      traits: { email: 'a@b.co', properties: { listId: 'L1', subscribe: true } },
    });
  });

  it('subscribe without a list id is forwarded only when the config has a listId', () => {
    serveKlaviyo('load');
    const withoutList = deviceMode();
    withoutList.core.start();
    withoutList.core.handle(identify('u1', { email: 'a@b.co', properties: { subscribe: true } }));
    expect(withoutList.cloud.forwarded).toEqual([]);
    const withList = deviceMode({ listId: 'L9' });
    withList.core.start();
    withList.core.handle(identify('u1', { email: 'a@b.co', properties: { subscribe: true } }));
    expect(withList.cloud.forwarded.map((f) => f.reason)).toEqual(['list subscription']);
  });

  it('a throwing klaviyo.push is logged, never thrown to the host; the call goes down the ladder', async () => {
    serveKlaviyo('load');
    const { core, log, cloud } = deviceMode();
    core.start();
    core.handle(identify('u1', { email: 'a@b.co' }));
    await klaviyoAnswers();
    (window as any).klaviyo.push = () => {
      throw new Error('vendor bug');
    };
    expect(() => core.handle(track('A', {}))).not.toThrow();
    expect(warnings(log.lines)).toEqual(['[klaviyo-device-mode] track not sent: klaviyo.push failed.']);
    expect(cloud.forwarded.map((f) => [f.message.event, f.reason])).toEqual([['A', 'klaviyo.js failed']]);
  });
});

describe('DeviceMode when klaviyo.js does not answer', () => {
  it('EasyPrivacy (klaviyo.js loads, its module is blocked): blocked after the timeout, every call goes down once', async () => {
    serveKlaviyo('tracking-blocked');
    const { core, cloud, log } = deviceMode({ sendPageAsTrack: true });
    core.start();
    const early = track('Product Added', { product_id: 'p1', revenue: 3 });
    const before = clone(early);
    core.handle(identify('u1', { email: 'a@b.co' }));
    core.handle(early);
    early.properties = { mutated: true }; // the host changes its object after the call
    core.handle(page('Cart'));
    expect(core.status).toBe('loading');
    await vi.advanceTimersByTimeAsync(2_999);
    expect(cloud.forwarded).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(core.status).toBe('blocked');
    core.handle(track('After', { x: 1 }));
    expect(cloud.forwarded.map((f) => [f.message.type, f.message.event ?? null, f.reason])).toEqual([
      ['identify', null, 'klaviyo.js failed'],
      ['track', 'Product Added', 'klaviyo.js failed'],
      ['track', 'After', 'klaviyo.js failed'],
    ]);
    expect(cloud.forwarded[1].message.properties).toEqual(before.properties);
    expect(klaviyoReceived()).toEqual([]);
    expect(warnings(log.lines)).toEqual([
      '[klaviyo-device-mode] klaviyo.js did not answer within 3000 ms (blocked, or its tracking module is); calls go down the delivery ladder.',
      '[klaviyo-device-mode] page lost: klaviyo.js did not take it, the Client API is off (clientApi: false), and it is never forwarded to cloud mode.',
    ]);
  });

  it('a late klaviyo.js gets the identify it missed (the profile does not split) and later calls; earlier tracks went down once', async () => {
    const inserted = serveKlaviyo('hang');
    const { core, cloud } = deviceMode();
    core.start();
    core.handle(identify('u1', { email: 'a@b.co' }));
    core.handle({ ...track('Early', {}), messageId: 'e1' });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(core.status).toBe('blocked');
    expect(cloud.forwarded.map((f) => [f.message.type, f.message.messageId])).toEqual([
      ['identify', 'msg-1'],
      ['track', 'e1'],
    ]);
    runStandIn(inserted[0]);
    expect(core.status).toBe('working');
    await klaviyoAnswers(); // its identify, answered late, confirms the shopper for later calls
    core.handle({ ...track('Later', {}), messageId: 'l1' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(klaviyoReceived()).toEqual([
      ['identify', { $email: 'a@b.co', $id: 'u1' }],
      ['track', 'Later', { $event_id: 'l1' }],
    ]);
    expect(cloud.forwarded).toHaveLength(2);
    expect(sentByKlaviyoJs().map(([metric, key]) => [metric, key])).toEqual([['Later', 'l1']]);
  });

  it('the script blocked (Ghostery): blocked at once, no waiting', () => {
    serveKlaviyo('error');
    const { core, cloud } = deviceMode();
    core.start();
    expect(core.status).toBe('blocked');
    core.handle({ ...track('A', {}), userId: 'u1' });
    expect(cloud.forwarded.map((f) => f.message.event)).toEqual(['A']);
  });

  it('a call without a messageId gets one: the same dedupe key on every path', async () => {
    serveKlaviyo('tracking-blocked');
    const { core, cloud } = deviceMode();
    core.start();
    core.handle({ ...track('A', {}), messageId: undefined, userId: 'u1' });
    await vi.advanceTimersByTimeAsync(3_000);
    const key = cloud.forwarded[0].message.messageId;
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    cleanPage();
    serveKlaviyo('load');
    const working = deviceMode().core;
    working.start();
    working.handle({ ...track('B', {}), messageId: undefined, userId: 'u1' });
    await klaviyoAnswers();
    expect(sentByKlaviyoJs()[0][1]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('an identify with list data is forwarded once, not twice, when klaviyo.js is blocked', () => {
    serveKlaviyo('error');
    const { core, cloud } = deviceMode();
    core.start();
    core.handle(identify('u1', { email: 'a@b.co', properties: { listId: 'L1' } }));
    expect(cloud.forwarded.map((f) => f.reason)).toEqual(['list subscription']);
  });

  it('without cloudMode, each call that needed it is logged as not delivered', () => {
    serveKlaviyo('error');
    const log = recordingSink();
    const core = new DeviceMode({ publicApiKey: 'AbC123', clientApi: false }, { logSink: log.sink });
    core.start();
    core.handle({ ...track('A', {}), userId: 'u1' });
    core.handle(rudderMessage({ type: 'group', groupId: 'L1' }));
    expect(warnings(log.lines)).toEqual([
      '[klaviyo-device-mode] klaviyo.js failed to load (blocked by an ad blocker, a CSP or the network); calls go down the delivery ladder.',
      NOT_DELIVERED('track'),
      '[klaviyo-device-mode] group not delivered (group): it needs cloud mode. Set cloudMode { dataPlaneUrl, writeKey } to forward it to our endpoint (klaviyo-device-mode/server) or a RudderStack data plane.',
    ]);
  });

  it('without cloud mode, a call waiting for an answer is not copied: only its type, event name and messageId', async () => {
    serveKlaviyo('hang');
    const core = new DeviceMode(
      { publicApiKey: 'AbC123', clientApi: false },
      { logSink: recordingSink().sink, loadLowerTiers: () => new Promise(() => {}) }, // never arrives
    );
    core.start();
    core.handle({ ...track('A', { x: 1 }), context: { traits: { email: 'a@b.co' } } });
    await vi.advanceTimersByTimeAsync(3_000);
    window.dispatchEvent(new Event('pagehide'));
    const stored = JSON.parse(localStorage.getItem('kdm.AbC123.pending')!);
    expect(stored.map((p: any) => p.call.message)).toEqual([{ type: 'track', event: 'A', messageId: 'msg-1' }]);
  });

  it('a group made while klaviyo.js has not answered yet does not overtake the earlier identify and track', async () => {
    serveKlaviyo('tracking-blocked');
    const { core, cloud } = deviceMode();
    core.start();
    core.handle(identify('u1', { email: 'a@b.co' }));
    core.handle(track('A', {}));
    core.handle(rudderMessage({ type: 'group', groupId: 'L1', traits: { subscribe: true } }));
    expect(cloud.forwarded).toEqual([]);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(cloud.forwarded.map((f) => f.message.type)).toEqual(['identify', 'track', 'group']);
  });

  it('a group after a Product Viewed is not held back by trackViewedItem, which nothing waits for', async () => {
    serveKlaviyo('load');
    const { core, cloud } = deviceMode();
    core.start();
    core.handle(identify('u1', { email: 'a@b.co' }));
    await klaviyoAnswers();
    core.handle({ ...track('Product Viewed', { product_id: 'p1', name: 'Pooh' }), messageId: 'v1' });
    core.handle(rudderMessage({ type: 'group', groupId: 'L1' }));
    // The track was answered as it was pushed; trackViewedItem's answer comes after its request.
    expect(cloud.forwarded.map((f) => f.message.type)).toEqual(['group']);
    await klaviyoAnswers();
    expect(sentByKlaviyoJs().map(([metric, key]) => [metric, key])).toEqual([['Viewed Product', 'v1']]);
  });

  it('page leave: nothing waits for an answer any more, every unanswered call goes down at once', async () => {
    serveKlaviyo('tracking-blocked');
    const { core, cloud } = deviceMode();
    core.start();
    core.handle({ ...track('A', {}), userId: 'u1' });
    window.dispatchEvent(new Event('pagehide'));
    expect(cloud.forwarded.map((f) => f.message.event)).toEqual(['A']);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(cloud.forwarded).toHaveLength(1);
  });
});

describe('DeviceMode: the Client API tier', () => {
  it('a Product Viewed klaviyo.js did not answer: the Client API takes Viewed Product once; trackViewedItem (klaviyo.js only) goes nowhere else', async () => {
    serveKlaviyo('tracking-blocked');
    const { core, cloud, clientApi, log } = deviceMode({ clientApi: true });
    core.start();
    core.handle(identify('u1', { email: 'a@b.co' }));
    core.handle({ ...track('Product Viewed', { product_id: 'p1', name: 'Pooh' }), messageId: 'v1' });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(clientApi.requests.map((r) => [r.path, r.body.data.attributes.unique_id])).toEqual([
      ['profiles', undefined],
      ['events', 'v1'],
    ]);
    expect(cloud.forwarded).toEqual([]);
    expect(log.lines.filter(([, line]) => line.includes('trackViewedItem'))).toEqual([]);
  });

  it('takes what klaviyo.js did not answer: the event with its unique_id, the profile; nothing reaches cloud mode', async () => {
    serveKlaviyo('tracking-blocked');
    const { core, cloud, clientApi } = deviceMode({ clientApi: true });
    core.start();
    core.handle(identify('u1', { email: 'a@b.co', firstName: 'Ada' }));
    core.handle({ ...track('Order Completed', { order_id: 'o1', revenue: 9, currency: 'EUR' }), userId: 'u1' });
    core.handle(track('Anonymous', {}));
    await vi.advanceTimersByTimeAsync(3_000);
    expect(clientApi.requests.map((r) => r.path)).toEqual(['profiles', 'events', 'events']);
    expect(clientApi.requests[0].url).toBe('https://a.klaviyo.com/client/profiles?company_id=AbC123');
    expect(clientApi.requests[0].headers.revision).toBe('2026-07-15');
    expect(clientApi.requests[0].body).toEqual({
      data: { type: 'profile', attributes: { email: 'a@b.co', external_id: 'u1', first_name: 'Ada' } },
    });
    expect(clientApi.requests[1].body.data.attributes).toEqual({
      properties: { OrderId: 'o1', currency: 'EUR' },
      metric: { data: { type: 'metric', attributes: { name: 'Placed Order' } } },
      profile: { data: { type: 'profile', attributes: { email: 'a@b.co', external_id: 'u1' } } },
      value: 9,
      value_currency: 'EUR',
      unique_id: 'o1',
      time: '2026-11-23T00:00:00.000Z',
    });
    // The anonymous track names the last identified profile.
    expect(clientApi.requests[2].body.data.attributes.profile.data.attributes).toEqual({
      email: 'a@b.co',
      external_id: 'u1',
    });
    expect(cloud.forwarded).toEqual([]);
  });

  it('a visitor from a Klaviyo email is named by the exchange id of the landing URL', async () => {
    history.replaceState(null, '', '/products/1?_kx=KX123');
    serveKlaviyo('error');
    const { core, clientApi } = deviceMode({ clientApi: true });
    core.start();
    core.handle(track('Viewed', {}));
    await vi.advanceTimersByTimeAsync(0);
    history.replaceState(null, '', '/products/1');
    expect(clientApi.requests[0].body.data.attributes.profile.data.attributes).toEqual({ _kx: 'KX123' });
  });

  it('a call of a shopper nobody knows is held until a later call names them; a refusal or a blocked host moves it to cloud mode', async () => {
    serveKlaviyo('error');
    const { core, cloud, clientApi } = deviceMode(
      { clientApi: true },
      fakeClientApi(() => 0),
    );
    core.start();
    core.handle({ ...track('Nobody', {}), messageId: 'n1' });
    await vi.advanceTimersByTimeAsync(0);
    expect(clientApi.requests).toEqual([]);
    expect(cloud.forwarded).toEqual([]);
    // A later call names the shopper: the held call goes first, as theirs, with its own key.
    core.handle({ ...track('Someone', {}), userId: 'u1', messageId: 's1' });
    await vi.advanceTimersByTimeAsync(0);
    expect(
      clientApi.requests.map((r) => [r.body.data.attributes.unique_id, r.body.data.attributes.profile.data.attributes]),
    ).toEqual([
      ['n1', { external_id: 'u1' }],
      ['s1', { external_id: 'u1' }],
    ]);
    expect(cloud.forwarded.map((f) => [f.message.event, f.message.userId])).toEqual([
      ['Nobody', 'u1'],
      ['Someone', 'u1'],
    ]);
  });

  it('a hidden page (it may be leaving): what klaviyo.js missed goes to cloud mode at once too, with the same key, as the Client API may answer too late', async () => {
    serveKlaviyo('error');
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    const { core, cloud, clientApi } = deviceMode({ clientApi: true });
    core.start();
    core.handle({ ...track('Order Completed', { order_id: 'o9' }), userId: 'u1', messageId: 'm9' });
    expect(clientApi.requests.map((r) => r.body.data.attributes.unique_id)).toEqual(['o9']);
    expect(cloud.forwarded.map((f) => [f.message.messageId, f.reason])).toEqual([['m9', 'klaviyo.js failed']]);
    await vi.advanceTimersByTimeAsync(0); // the Client API took it: nothing more goes anywhere
    expect(cloud.forwarded).toHaveLength(1);
  });

  it('429 and 5xx are retried (Retry-After honoured), then the call moves down; 202 ends it', async () => {
    serveKlaviyo('error');
    const answers = [{ status: 429, retryAfter: '2' }, { status: 503 }, { status: 202 }];
    const api = fakeClientApi(() => answers.shift() ?? 500);
    const { core, cloud, clientApi } = deviceMode({ clientApi: true }, api);
    core.start();
    core.handle({ ...track('A', {}), userId: 'u1' });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(clientApi.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(clientApi.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(clientApi.requests).toHaveLength(3);
    expect(new Set(clientApi.requests.map((r) => r.body.data.attributes.unique_id))).toEqual(new Set(['msg-1']));
    core.handle({ ...track('B', {}), userId: 'u1', messageId: 'm-b' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(clientApi.requests).toHaveLength(6); // 500, 500, 500: three attempts
    expect(cloud.forwarded.map((f) => f.message.event)).toEqual(['B']);
  });

  it('list subscription without a server: identify with list data and group subscribe through client/subscriptions', async () => {
    serveKlaviyo('load');
    const { core, cloud, clientApi } = deviceMode({ clientApi: true, listId: 'L9' });
    core.start();
    core.handle(
      identify('u1', {
        email: 'a@b.co',
        phone: '+15005550006',
        properties: { subscribe: true, consent: ['email', 'sms'] },
      }),
    );
    core.handle(rudderMessage({ type: 'group', groupId: 'L2', traits: { subscribe: true, email: 'b@c.co' } }));
    core.handle(rudderMessage({ type: 'group', groupId: 'L2', traits: { subscribe: false, email: 'b@c.co' } }));
    await klaviyoAnswers(); // the groups wait behind the identify klaviyo.js has not answered yet
    expect(clientApi.requests.map((r) => [r.path, r.body.data.relationships.list.data.id])).toEqual([
      ['subscriptions', 'L9'],
      ['subscriptions', 'L2'],
    ]);
    expect(clientApi.requests[0].body.data.attributes.profile.data.attributes).toEqual({
      email: 'a@b.co',
      phone_number: '+15005550006',
      subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } }, sms: { marketing: { consent: 'SUBSCRIBED' } } },
    });
    // An unsubscribe is not a Client API call: cloud mode takes it.
    expect(cloud.forwarded.map((f) => [f.message.type, (f.message.traits as any).subscribe])).toEqual([
      ['group', false],
    ]);
  });
});

describe('DeviceMode with unusable options', () => {
  it('a private key disables it loudly: nothing loaded, calls logged, nothing thrown', () => {
    serveKlaviyo('load');
    const log = recordingSink();
    const core = new DeviceMode({ publicApiKey: 'pk_abcdefabcdefabcdefabcdef12' }, { logSink: log.sink });
    core.start();
    expect(() => core.handle(track('A', {}))).not.toThrow();
    expect(core.status).toBe('disabled');
    expect(core.acceptsCalls).toBe(false);
    expect(document.querySelectorAll('script')).toHaveLength(0);
    expect(log.lines[0][0]).toBe('error');
    expect(log.lines[0][1]).toMatch(
      /^\[klaviyo-device-mode\] publicApiKey is a Klaviyo PRIVATE API key .* revoke it now/,
    );
    expect(warnings(log.lines)[1]).toBe(
      '[klaviyo-device-mode] track not sent: the integration is disabled (see the error above).',
    );
  });

  it('ignores non-object calls with a reason', () => {
    const { core, log } = deviceMode();
    core.handle(null);
    core.handle('track');
    expect(warnings(log.lines)).toEqual([
      '[klaviyo-device-mode] call ignored: expected a message object, got null.',
      '[klaviyo-device-mode] call ignored: expected a message object, got string.',
    ]);
  });
});

describe('DeviceMode with requireConsent', () => {
  it('loads and pushes nothing before consent; held calls flow in order once granted', async () => {
    serveKlaviyo('load');
    const { core, cloud } = deviceMode({ requireConsent: true });
    core.start();
    core.handle(identify('u1', { email: 'a@b.co' }));
    core.handle(rudderMessage({ type: 'group', groupId: 'L1' }));
    core.handle(track('A', {}));
    expect(document.querySelectorAll('script')).toHaveLength(0);
    expect((window as any).klaviyo).toBeUndefined();
    expect(cloud.forwarded).toEqual([]);
    core.grantConsent();
    await klaviyoAnswers();
    expect(klaviyoReceived()).toEqual([
      ['identify', { $email: 'a@b.co', $id: 'u1' }],
      ['track', 'A', { $event_id: 'msg-1' }],
    ]);
    expect(cloud.forwarded.map((f) => f.reason)).toEqual(['group']);
  });

  it('a value dropped from a call held for consent is logged once, with its path, when the call is made', async () => {
    serveKlaviyo('load');
    const { core, log } = deviceMode({ requireConsent: true });
    core.start();
    core.handle({ ...track('A', { n: NaN, ok: 1 }), userId: 'u1' });
    expect(warnings(log.lines)).toEqual([
      '[klaviyo-device-mode] track: message.properties.n is NaN, not a finite number; dropped.',
    ]);
    core.grantConsent();
    await klaviyoAnswers();
    // The track names its shopper: klaviyo.js is asked to identify them first, then takes it.
    expect(klaviyoReceived()).toEqual([
      ['identify', { $id: 'u1' }],
      ['track', 'A', { ok: 1, $event_id: 'msg-1' }],
    ]);
    expect(warnings(log.lines)).toHaveLength(1);
  });

  it('denial discards held calls and stops everything after', () => {
    serveKlaviyo('load');
    const { core, cloud } = deviceMode({ requireConsent: true });
    core.start();
    core.handle(track('A', {}));
    core.denyConsent();
    core.handle(track('B', {}));
    expect(document.querySelectorAll('script')).toHaveLength(0);
    expect(klaviyoReceived()).toEqual([]);
    expect(cloud.forwarded).toEqual([]);
  });
});

describe('DeviceMode + CloudForwarder when klaviyo.js is blocked', () => {
  it('loses no identify or track: they reach the data plane unmapped, in order, once', async () => {
    const { CloudForwarder } = await import('../src/cloud/CloudForwarder.js');
    const { fakeTransport, useClock, settle } = await import('./helpers/cloud.js');
    let made: InstanceType<typeof CloudForwarder> | undefined;
    useClock();
    localStorage.clear();
    serveKlaviyo('error');
    const net = fakeTransport();
    const log = recordingSink();
    const core = new DeviceMode(
      {
        publicApiKey: 'AbC123',
        clientApi: false,
        cloudMode: { dataPlaneUrl: 'https://dp.example.com', writeKey: 'wk' },
      },
      {
        logSink: log.sink,
        createForwarder: (config, logger) =>
          (made = new CloudForwarder({ ...config, cloudMode: config.cloudMode! }, logger, window, {
            transport: net.transport,
          })),
      },
    );
    core.start();
    core.handle(identify('u1', { email: 'a@b.co' }));
    core.handle(track('Order Completed', { order_id: 'o1', revenue: 10 }));
    core.handle(page('Home'));
    await settle(1000);
    expect(net.requests).toHaveLength(1);
    expect(net.requests[0].body.batch.map((m) => [m.type, m.event ?? null, m.properties ?? null])).toEqual([
      ['identify', null, null],
      ['track', 'Order Completed', { order_id: 'o1', revenue: 10 }],
    ]);
    await settle(60_000);
    expect(net.requests).toHaveLength(1);
    made?.dispose();
  });
});
