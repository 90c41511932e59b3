import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DeviceMode } from '../src/core/DeviceMode.js';
import { cleanPage, klaviyoReceived, runStandIn, serveKlaviyo } from './helpers/klaviyoScript.js';
import { deviceMode, recordingSink } from './helpers/harness.js';
import { clone, identify, page, rudderMessage, track } from './helpers/messages.js';

const warnings = (lines: Array<[string, string]>) =>
  lines.filter(([l]) => l === 'warn' || l === 'error').map(([, m]) => m);

beforeEach(() => {
  cleanPage();
  vi.useRealTimers();
});

describe('DeviceMode with klaviyo.js loading normally', () => {
  it('pushes the mapped commands, in call order, identify before the tracks that follow it', () => {
    serveKlaviyo('load');
    const { core, cloud } = deviceMode();
    core.start();
    expect(core.status).toBe('ready');
    core.handle(identify('u1', { email: 'ada@example.com' }));
    core.handle(track('Product Viewed', { name: 'Pooh', product_id: '1' }));
    core.handle(track('Checked Out', { revenue: '5' }));
    expect(klaviyoReceived()).toEqual([
      ['identify', { $email: 'ada@example.com', $id: 'u1' }],
      ['track', 'Viewed Product', { ProductName: 'Pooh', ProductID: '1' }],
      ['trackViewedItem', { Title: 'Pooh', ItemId: '1' }],
      ['track', 'Checked Out', { $value: 5 }],
    ]);
    expect(cloud.forwarded).toEqual([]);
  });

  it('calls made before klaviyo.js loads are queued and delivered in order once it loads', () => {
    vi.useFakeTimers();
    const inserted = serveKlaviyo('hang');
    const { core } = deviceMode();
    core.start();
    expect(core.status).toBe('loading');
    expect(core.acceptsCalls).toBe(true);
    core.handle(identify('u1', { email: 'a@b.co' }));
    core.handle(track('First', {}));
    core.handle(track('Second', {}));
    expect(klaviyoReceived()).toEqual([]);
    // klaviyo.js arrives: it replays the stub queue, then `load` fires.
    runStandIn(inserted[0]);
    inserted[0].dispatchEvent(new Event('load'));
    expect(klaviyoReceived()).toEqual([
      ['identify', { $email: 'a@b.co', $id: 'u1' }],
      ['track', 'First', {}],
      ['track', 'Second', {}],
    ]);
  });

  it('does not push an identify identical to the last one; reset clears that state', () => {
    serveKlaviyo('load');
    const { core, cloud } = deviceMode();
    core.start();
    core.handle(identify('u1', { email: 'a@b.co' }));
    core.handle(identify('u1', { email: 'a@b.co' }));
    core.handle(identify('u1', { email: 'a@b.co', plan: 'pro' }));
    core.reset();
    core.handle(identify('u1', { email: 'a@b.co', plan: 'pro' }));
    expect(klaviyoReceived().map((c) => JSON.stringify(c))).toEqual([
      '["identify",{"$email":"a@b.co","$id":"u1"}]',
      '["identify",{"$email":"a@b.co","$id":"u1","plan":"pro"}]',
      '["identify",{"$email":"a@b.co","$id":"u1","plan":"pro"}]',
    ]);
    expect(cloud.resets()).toBe(1);
  });

  it('reset expires the Klaviyo identity cookie', () => {
    document.cookie = '__kla_id=abc; path=/';
    const { core } = deviceMode();
    core.reset();
    expect(document.cookie).not.toContain('__kla_id=abc');
  });

  it('page: nothing by default; a named track with sendPageAsTrack', () => {
    serveKlaviyo('load');
    const plain = deviceMode().core;
    plain.start();
    plain.handle(page('Cart', 'Shop'));
    expect(klaviyoReceived()).toEqual([]);
    const { core } = deviceMode({ sendPageAsTrack: true });
    core.start();
    core.handle(page('Cart', 'Shop'));
    expect(klaviyoReceived()).toEqual([['track', 'Viewed Shop Cart page', {}]]);
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

  it('identify with list data goes to both klaviyo.js and cloud mode', () => {
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

  it('a throwing klaviyo.push is logged, never thrown to the host', () => {
    serveKlaviyo('load');
    const { core, log } = deviceMode();
    core.start();
    (window as any).klaviyo.push = () => {
      throw new Error('vendor bug');
    };
    expect(() => core.handle(track('A', {}))).not.toThrow();
    expect(warnings(log.lines)).toEqual(['[klaviyo-device-mode] track not sent: klaviyo.push failed.']);
  });

  it('queues at most PENDING_CALLS_MAX calls while loading and says when it drops the oldest', () => {
    vi.useFakeTimers();
    serveKlaviyo('hang');
    const { core, log, cloud } = deviceMode();
    core.start();
    for (let i = 0; i < 201; i++) core.handle(track(`E${i}`, {}));
    expect(warnings(log.lines)).toEqual([
      '[klaviyo-device-mode] klaviyo.js is still loading: more than 200 calls queued; the oldest was dropped.',
    ]);
    vi.advanceTimersByTime(10_000); // klaviyo.js never answers → failed → cloud mode takes the queue
    expect(cloud.forwarded.map((f) => f.message.event)).toEqual(Array.from({ length: 200 }, (_, i) => `E${i + 1}`));
  });
});

describe('DeviceMode when klaviyo.js is blocked', () => {
  it('forwards identify and track (unmapped, as called) to cloud mode, including those queued before the failure', () => {
    vi.useFakeTimers();
    serveKlaviyo('hang');
    const { core, cloud } = deviceMode({ sendPageAsTrack: true });
    core.start();
    const early = track('Product Added', { product_id: 'p1', revenue: 3 });
    const before = clone(early);
    core.handle(identify('u1', { email: 'a@b.co' }));
    core.handle(early);
    early.properties = { mutated: true }; // the host changes its object after the call
    core.handle(page('Cart'));
    vi.advanceTimersByTime(10_000);
    expect(core.status).toBe('failed');
    core.handle(track('After', { x: 1 }));
    core.handle(page('Home'));
    expect(cloud.forwarded.map((f) => [f.message.type, f.message.event ?? null, f.reason])).toEqual([
      ['identify', null, 'klaviyo.js failed'],
      ['track', 'Product Added', 'klaviyo.js failed'],
      ['track', 'After', 'klaviyo.js failed'],
    ]);
    expect(cloud.forwarded[1].message.properties).toEqual(before.properties);
    expect(klaviyoReceived()).toEqual([]);
  });

  it('an identify with list data is forwarded once, not twice, when klaviyo.js has failed', () => {
    serveKlaviyo('error');
    const { core, cloud } = deviceMode();
    core.start();
    core.handle(identify('u1', { email: 'a@b.co', properties: { listId: 'L1' } }));
    expect(cloud.forwarded.map((f) => f.reason)).toEqual(['list subscription']);
  });

  it('without cloudMode, each call that needed it is logged as not delivered', () => {
    serveKlaviyo('error');
    const log = recordingSink();
    const core = new DeviceMode({ publicApiKey: 'AbC123' }, { logSink: log.sink });
    core.start();
    core.handle(track('A', {}));
    core.handle(rudderMessage({ type: 'group', groupId: 'L1' }));
    expect(warnings(log.lines)).toEqual([
      '[klaviyo-device-mode] klaviyo.js failed to load (blocked by an ad blocker, a CSP or the network).',
      '[klaviyo-device-mode] track not delivered (klaviyo.js failed): it needs cloud mode. Set cloudMode { dataPlaneUrl, writeKey } to forward it to a RudderStack data plane.',
      '[klaviyo-device-mode] group not delivered (group): it needs cloud mode. Set cloudMode { dataPlaneUrl, writeKey } to forward it to a RudderStack data plane.',
    ]);
  });

  it('without cloudMode, calls queued while klaviyo.js loads are logged as not delivered when it fails', () => {
    vi.useFakeTimers();
    serveKlaviyo('hang');
    const log = recordingSink();
    const core = new DeviceMode({ publicApiKey: 'AbC123' }, { logSink: log.sink });
    core.start();
    core.handle(identify('u1', { email: 'a@b.co' }));
    core.handle(track('A', { x: 1 }));
    vi.advanceTimersByTime(10_000);
    expect(warnings(log.lines)).toEqual([
      '[klaviyo-device-mode] klaviyo.js did not load within 10000 ms.',
      '[klaviyo-device-mode] identify not delivered (klaviyo.js failed): it needs cloud mode. Set cloudMode { dataPlaneUrl, writeKey } to forward it to a RudderStack data plane.',
      '[klaviyo-device-mode] track not delivered (klaviyo.js failed): it needs cloud mode. Set cloudMode { dataPlaneUrl, writeKey } to forward it to a RudderStack data plane.',
    ]);
  });

  it('a call queued while klaviyo.js loads is kept as the forwarder says (here: only its type), not copied by the core', () => {
    vi.useFakeTimers();
    serveKlaviyo('hang');
    const handed: unknown[] = [];
    const core = new DeviceMode(
      { publicApiKey: 'AbC123' },
      {
        logSink: recordingSink().sink,
        createForwarder: () => ({ forward: (m) => void handed.push(m), reset() {}, keep: (m) => ({ type: m.type }) }),
      },
    );
    core.start();
    core.handle(track('A', { x: 1 }));
    vi.advanceTimersByTime(10_000);
    expect(handed).toEqual([{ type: 'track' }]);
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
    expect(log.lines[0][1]).toMatch(/disabled: publicApiKey is a Klaviyo PRIVATE API key .* revoke it now/);
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
  it('loads and pushes nothing before consent; held calls flow in order once granted', () => {
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
    expect(klaviyoReceived()).toEqual([
      ['identify', { $email: 'a@b.co', $id: 'u1' }],
      ['track', 'A', {}],
    ]);
    expect(cloud.forwarded.map((f) => f.reason)).toEqual(['group']);
  });

  it('a value dropped from a call held for consent is logged once, with its path, when the call is made', () => {
    serveKlaviyo('load');
    const { core, log } = deviceMode({ requireConsent: true });
    core.start();
    core.handle(track('A', { n: NaN, ok: 1 }));
    expect(warnings(log.lines)).toEqual([
      '[klaviyo-device-mode] track: message.properties.n is NaN, not a finite number; dropped.',
    ]);
    core.grantConsent();
    expect(klaviyoReceived()).toEqual([['track', 'A', { ok: 1 }]]);
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
      { publicApiKey: 'AbC123', cloudMode: { dataPlaneUrl: 'https://dp.example.com', writeKey: 'wk' } },
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
