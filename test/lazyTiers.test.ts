import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeviceMode } from '../src/core/DeviceMode.js';
import * as chunk from '../src/tiers/createLowerTiers.js';
import type { LowerTiersModule } from '../src/tiers/LowerTiers.js';
import { cleanPage, serveKlaviyo } from './helpers/klaviyoScript.js';
import { fakeClientApi, recordingForwarder, recordingSink } from './helpers/harness.js';
import { identify, rudderMessage, track } from './helpers/messages.js';

const KEY = 'kdm.AbC123.pending';
/** A known shopper's order (its userId names them): what klaviyo.js misses goes down the ladder. */
const ORDER = {
  ...track('Order Completed', { order_id: 'O-1', total: 20, products: [{ product_id: 'A', price: 20 }] }),
  userId: 'u1',
};

/** A chunk that arrives when the test says so (or fails, as a blocked or missing file does). */
function slowChunk() {
  let arrive!: (m: LowerTiersModule) => void;
  let fail!: (e: Error) => void;
  const loads: number[] = [];
  const promise = new Promise<LowerTiersModule>((resolve, reject) => {
    arrive = resolve;
    fail = reject;
  });
  return {
    load: () => (loads.push(1), promise),
    loads,
    arrive: async (m: LowerTiersModule = chunk) => (arrive(m), await promise.catch(() => {}), await Promise.resolve()),
    fail: async () => (fail(new Error('blocked')), await promise.catch(() => {}), await Promise.resolve()),
  };
}

/** A page: klaviyo.js blocked, the Client API and a recording cloud tier behind a chunk loaded by `load`. */
function shop(load: () => LowerTiersModule | Promise<LowerTiersModule>, options: Record<string, unknown> = {}) {
  const log = recordingSink();
  const cloud = recordingForwarder();
  const clientApi = fakeClientApi();
  const core = new DeviceMode(
    { publicApiKey: 'AbC123', ...options },
    {
      logSink: log.sink,
      loadLowerTiers: load,
      createForwarder: () => cloud.forwarder,
      clientApiTransport: clientApi.transport,
    },
  );
  core.start();
  return { core, log, cloud, clientApi };
}

/** Every Klaviyo event the Client API took, by its dedupe key (`unique_id`). */
const uniqueIds = (requests: Array<{ path: string; body: any }>) =>
  requests.filter((r) => r.path === 'events').map((r) => r.body.data.attributes.unique_id as string);

beforeEach(() => {
  cleanPage();
  localStorage.clear();
  vi.useRealTimers();
});
// Every page of a test leaves at its end, so that none stores its work during a later test.
afterEach(() => void window.dispatchEvent(new Event('pagehide')));

describe('the lower tiers chunk', () => {
  it('is not brought while klaviyo.js takes every call, nor for a page without cloud mode', async () => {
    serveKlaviyo('load');
    const slow = slowChunk();
    const { core } = shop(slow.load);
    core.handle(identify('u1', { email: 'a@b.co' }));
    core.handle(ORDER);
    await new Promise((r) => setTimeout(r, 20));
    expect(slow.loads).toEqual([]);
  });

  it('is brought when klaviyo.js misses a call; what waited is done in call order once it is here', async () => {
    serveKlaviyo('error');
    const slow = slowChunk();
    const { core, clientApi, cloud } = shop(slow.load);
    core.handle({ ...identify('u1', { email: 'a@b.co' }), messageId: 'i1' });
    core.handle({ ...ORDER, messageId: 'o1' });
    core.handle(rudderMessage({ type: 'screen', name: 'Home', messageId: 's1' }));
    expect(slow.loads).toEqual([1]); // once, however many calls wait
    expect(clientApi.requests).toEqual([]);
    await slow.arrive();
    await vi.waitFor(() => expect(clientApi.requests).toHaveLength(3));
    expect(clientApi.requests.map((r) => r.path)).toEqual(['profiles', 'events', 'events']);
    expect(uniqueIds(clientApi.requests)).toEqual(['O-1', 'O-1_A']);
    expect(cloud.forwarded.map((f) => f.message.messageId)).toEqual(['s1']);
  });

  it('the page leaves before it arrives: the waiting work is stored, and the next page does it, once', async () => {
    serveKlaviyo('error');
    const slow = slowChunk();
    const first = shop(slow.load);
    first.core.handle(identify('u1', { email: 'a@b.co' }));
    first.core.handle({ ...ORDER, messageId: 'o1' });
    window.dispatchEvent(new Event('pagehide'));
    const stored = JSON.parse(localStorage.getItem(KEY)!);
    expect(stored.map((p: any) => p.commands.map((c: any[]) => c[1]))).toEqual([
      [{ $email: 'a@b.co', $id: 'u1' }],
      ['Placed Order', 'Ordered Product'],
    ]);
    expect(first.clientApi.requests).toEqual([]);

    // The next page: its chunk arrives; the stored work is done before anything else, then removed.
    cleanPage();
    serveKlaviyo('load');
    const next = shop(() => chunk);
    await vi.waitFor(() => expect(next.clientApi.requests).toHaveLength(3));
    expect(uniqueIds(next.clientApi.requests)).toEqual(['O-1', 'O-1_A']);
    expect(localStorage.getItem(KEY)).toBeNull();
    await new Promise((r) => setTimeout(r, 20));
    expect(uniqueIds([...first.clientApi.requests, ...next.clientApi.requests])).toEqual(['O-1', 'O-1_A']);
  });

  it('the stored work survives a page that double-encodes arrays (Prototype.js 1.6 Array.prototype.toJSON)', async () => {
    serveKlaviyo('error');
    const proto = Array.prototype as unknown as { toJSON?: () => string };
    proto.toJSON = function (this: unknown[]) {
      return `[${this.map((v) => JSON.stringify(v)).join(',')}]`; // what Prototype.js 1.6 does
    };
    try {
      const first = shop(() => new Promise(() => {}));
      first.core.handle(identify('u1', { email: 'a@b.co' }));
      first.core.handle({ ...ORDER, messageId: 'o1' });
      window.dispatchEvent(new Event('pagehide'));
    } finally {
      delete proto.toJSON;
    }
    cleanPage();
    serveKlaviyo('load');
    const next = shop(() => chunk);
    await vi.waitFor(() => expect(uniqueIds(next.clientApi.requests)).toEqual(['O-1', 'O-1_A']));
  });

  it('is brought once for the tiers, the configuration sentences and identifyFromForms; a failure is logged once', async () => {
    serveKlaviyo('error');
    const slow = slowChunk();
    const { core, log } = shop(slow.load, { sendPageAsTrack: 'yes', identifyFromForms: true });
    core.identifyFromForms(() => undefined);
    core.handle({ ...ORDER, messageId: 'o1' });
    expect(slow.loads).toEqual([1]);
    await slow.fail();
    core.handle(rudderMessage({ type: 'screen', name: 'Later', messageId: 's1' }));
    expect(slow.loads).toEqual([1]);
    expect(log.lines.filter(([, line]) => line.includes('could not be loaded'))).toHaveLength(1);
    // The sentence could not come: the configuration mistake is logged by its key, with where to read it.
    expect(log.lines).toContainEqual([
      'warn',
      '[klaviyo-device-mode] notBoolean sendPageAsTrack (data-send-page-as-track) false (what it means: npmjs.com/package/klaviyo-device-mode#log-messages)',
    ]);
  });

  it('a chunk that cannot load is logged; the work is kept for the next page', async () => {
    serveKlaviyo('error');
    const slow = slowChunk();
    const { core, log } = shop(slow.load);
    core.handle({ ...ORDER, messageId: 'o1' });
    await slow.fail();
    expect(log.lines).toContainEqual([
      'warn',
      '[klaviyo-device-mode] the Client API and cloud-mode tiers could not be loaded (Error: blocked): what klaviyo.js did not take is kept and sent from a later page.',
    ]);
    core.handle({ ...track('Later', {}), userId: 'u1' });
    expect(slow.loads).toEqual([1]); // not asked again on this page
    window.dispatchEvent(new Event('pagehide'));
    expect(JSON.parse(localStorage.getItem(KEY)!)).toHaveLength(2);
  });

  it('whatever else the storage key holds is ignored, and a stored entry that is not work is skipped with a log line', async () => {
    serveKlaviyo('error');
    for (const junk of [
      '{"a":1}',
      '42',
      'not json',
      '[{"call":null,"commands":[["track","X",{}]]},{"message":{"type":"screen","messageId":"s0"},"reason":"screen"}]',
    ]) {
      localStorage.setItem(KEY, junk);
      const { core, cloud, log } = shop(() => chunk, { clientApi: false });
      expect(() => core.grantConsent()).not.toThrow();
      core.handle(rudderMessage({ type: 'screen', name: 'Now', messageId: 's1' }));
      await vi.waitFor(() => expect(cloud.forwarded.map((f) => f.message.messageId)).toContain('s1'));
      if (junk.startsWith('[')) {
        expect(cloud.forwarded.map((f) => f.message.messageId)).toEqual(['s0', 's1']);
        expect(log.lines.some(([level, line]) => level === 'error' && line.includes('not forwarded'))).toBe(true);
      }
      window.dispatchEvent(new Event('pagehide'));
    }
  });

  it('a chunk of another version is not used', async () => {
    serveKlaviyo('error');
    const { core, log, clientApi } = shop(() => ({ ...chunk, LIBRARY_VERSION: '0.0.1' }));
    core.handle(ORDER);
    await new Promise((r) => setTimeout(r, 10));
    expect(clientApi.requests).toEqual([]);
    expect(log.lines.some(([, line]) => line.includes('could not be loaded (Error: version 0.0.1)'))).toBe(true);
  });

  it('with cloud mode it comes at idle, so cloud mode resumes the queue an earlier page stored', async () => {
    serveKlaviyo('load');
    const slow = slowChunk();
    shop(slow.load, { cloudMode: { dataPlaneUrl: 'https://dp.example.com', writeKey: 'wk' } });
    expect(slow.loads).toEqual([]);
    await vi.waitFor(() => expect(slow.loads).toEqual([1]));
  });

  it('reset (logout) drops the work waiting for it, stored or not, and reaches the tiers once they are made', async () => {
    serveKlaviyo('error');
    localStorage.setItem(KEY, JSON.stringify([{ message: { type: 'screen', messageId: 'old' }, reason: 'screen' }]));
    const slow = slowChunk();
    const { core, cloud, clientApi } = shop(slow.load);
    core.handle({ ...ORDER, messageId: 'o1' });
    core.reset();
    expect(localStorage.getItem(KEY)).toBeNull();
    core.handle(rudderMessage({ type: 'screen', name: 'After', messageId: 's2' }));
    await slow.arrive();
    await vi.waitFor(() => expect(cloud.forwarded).toHaveLength(1));
    expect(cloud.resets()).toBe(1);
    expect(cloud.forwarded.map((f) => f.message.messageId)).toEqual(['s2']);
    expect(clientApi.requests).toEqual([]);
  });

  it('consent withdrawn: nothing waiting is done or stored', async () => {
    serveKlaviyo('error');
    const slow = slowChunk();
    const { core, cloud, clientApi } = shop(slow.load, { requireConsent: true });
    core.grantConsent();
    core.handle(ORDER);
    core.denyConsent();
    window.dispatchEvent(new Event('pagehide'));
    await slow.arrive();
    await new Promise((r) => setTimeout(r, 10));
    expect(localStorage.getItem(KEY)).toBeNull();
    expect(clientApi.requests).toEqual([]);
    expect(cloud.forwarded).toEqual([]);
  });

  it('the work waiting for it is bounded: the oldest goes, with a warning', () => {
    serveKlaviyo('error');
    const { core, log } = shop(() => new Promise(() => {}), { clientApi: false });
    for (let i = 0; i < 201; i++) core.handle(rudderMessage({ type: 'screen', name: `S${i}`, messageId: `s${i}` }));
    expect(log.lines.filter(([, l]) => l.includes('tiers are still loading: more than 200 calls wait'))).toHaveLength(
      1,
    );
    window.dispatchEvent(new Event('pagehide'));
    const stored = JSON.parse(localStorage.getItem(KEY)!);
    expect(stored).toHaveLength(200);
    expect(stored[0].message.messageId).toBe('s1');
  });
});
