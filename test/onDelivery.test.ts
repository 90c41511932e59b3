import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeliveryReport } from '../src/config/KlaviyoOptions.js';
import { CloudForwarder } from '../src/cloud/CloudForwarder.js';
import { DeviceMode } from '../src/core/DeviceMode.js';
import { cleanPage, klaviyoAnswers, serveKlaviyo } from './helpers/klaviyoScript.js';
import { deviceMode, fakeClientApi, recordingSink } from './helpers/harness.js';
import { identify, track } from './helpers/messages.js';

/** Each report as one line: `<messageId> <what> <tier> <state>[ (<reason>)]`. */
const lines = (reports: DeliveryReport[]) =>
  reports.map((r) => `${r.messageId} ${r.what} ${r.tier} ${r.state}${r.reason ? ` (${r.reason})` : ''}`);

beforeEach(() => {
  cleanPage();
  vi.useRealTimers();
});

describe('onDelivery: where each call stands on the delivery ladder', () => {
  it('klaviyo.js answers: queued, then delivered, per Klaviyo event', async () => {
    serveKlaviyo('load');
    const reports: DeliveryReport[] = [];
    const { core } = deviceMode({ onDelivery: (r: DeliveryReport) => reports.push(r) });
    core.start();
    core.handle({ ...identify('u1', { email: 'a@b.co' }), messageId: 'i1' });
    core.handle({ ...track('Order Completed', { order_id: 'o1', products: [{ product_id: 'p' }] }), messageId: 't1' });
    await klaviyoAnswers();
    expect(lines(reports)).toEqual([
      'i1 identify klaviyo.js queued',
      'i1 identify klaviyo.js delivered',
      't1 Placed Order klaviyo.js queued',
      't1 Placed Order klaviyo.js delivered',
      't1 Ordered Product klaviyo.js queued',
      't1 Ordered Product klaviyo.js delivered',
    ]);
  });

  it('klaviyo.js blocked: the Client API takes it', async () => {
    serveKlaviyo('error');
    const reports: DeliveryReport[] = [];
    const { core } = deviceMode(
      { clientApi: true, onDelivery: (r: DeliveryReport) => reports.push(r) },
      fakeClientApi(),
    );
    core.start();
    core.handle({ ...identify('u1', { email: 'a@b.co' }), messageId: 'i1' });
    await vi.waitFor(() => expect(lines(reports)).toContain('i1 identify client-api delivered'));
    expect(lines(reports)).toEqual([
      'i1 identify klaviyo.js queued',
      'i1 identify client-api queued',
      'i1 identify client-api delivered',
    ]);
  });

  it('klaviyo.js blocked, no cloud mode: lost, with the reason; a throwing listener changes nothing', () => {
    serveKlaviyo('error');
    const reports: DeliveryReport[] = [];
    const core = new DeviceMode(
      {
        publicApiKey: 'AbC123',
        clientApi: false,
        onDelivery: (r: DeliveryReport) => {
          reports.push(r);
          throw new Error('listener bug');
        },
      },
      { logSink: recordingSink().sink },
    );
    core.start();
    expect(() => core.handle({ ...track('Signed Up', {}), messageId: 't1', userId: 'u1' })).not.toThrow();
    // klaviyo.js is blocked: the track goes straight down the ladder, and no rung is left.
    expect(lines(reports)).toEqual(['t1 Signed Up cloud lost (no cloud mode (klaviyo.js failed))']);
  });

  it('cloud mode: queued, retrying on a 503, delivered on the 200', async () => {
    vi.useFakeTimers();
    const reports: DeliveryReport[] = [];
    const statuses = [503, 200];
    const forwarder = new CloudForwarder(
      {
        listId: undefined,
        consent: ['email'],
        smsConsent: false,
        cloudMode: { dataPlaneUrl: 'https://dp.example', writeKey: 'wk' },
        onDelivery: (r) => reports.push(r),
      },
      { debug() {}, info() {}, warn() {}, error() {}, child: () => undefined as never },
      window,
      { transport: async () => statuses.shift() ?? 200, random: () => 0.5 },
    );
    forwarder.forward({ type: 'screen', name: 'Home', messageId: 's1', anonymousId: 'a' }, 'screen');
    await vi.advanceTimersByTimeAsync(1_100);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(lines(reports)).toEqual([
      's1 screen cloud queued',
      's1 screen cloud retrying (HTTP 503)',
      's1 screen cloud delivered',
    ]);
    forwarder.dispose();
  });
});
