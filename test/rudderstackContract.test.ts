import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Klaviyo } from '../src/hosts/rudderstack/Klaviyo.js';
import { createRudderStackIntegration } from '../src/hosts/rudderstack/createRudderStackIntegration.js';
import { cleanPage, klaviyoAnswers, klaviyoReceived, serveKlaviyo } from './helpers/klaviyoScript.js';
import { clone, identify, page, track } from './helpers/messages.js';

// What the RudderStack JS SDK v3 passes (rudderlabs/rudder-sdk-js, analytics-js-plugins deviceModeDestinations).
const dashboardConfig = {
  publicApiKey: 'AbC123',
  sendPageAsTrack: true,
  additionalPageInfo: false,
  enforceEmailAsPrimary: false,
  blacklistedEvents: [{ eventName: '' }],
  whitelistedEvents: [{ eventName: '' }],
  eventFilteringOption: 'disable',
  oneTrustCookieCategories: [],
  connectionMode: 'device',
  useNativeSDK: true,
};
const analytics = {
  loadIntegration: true,
  logLevel: 'ERROR',
  loadOnlyIntegrations: {},
  track() {},
  page() {},
  identify() {},
};
const destinationInfo = {
  shouldApplyDeviceModeTransformation: false,
  propagateEventsUntransformedOnError: false,
  destinationId: 'dest-1',
};

beforeEach(() => {
  cleanPage();
  vi.useFakeTimers({ now: new Date('2026-11-23T00:01:00.000Z') });
});
/** The tracks klaviyo.js received. */
const tracks = () => klaviyoReceived().filter((c) => (c as unknown[])[0] === 'track');

describe('RudderStack device-mode contract', () => {
  it('has the members the SDK looks for', () => {
    const integration = new Klaviyo(clone(dashboardConfig), analytics, destinationInfo);
    expect(integration.name).toBe('KLAVIYO');
    for (const method of ['init', 'isReady', 'isLoaded', 'page', 'identify', 'track', 'group', 'alias']) {
      expect(typeof (integration as unknown as Record<string, unknown>)[method]).toBe('function');
    }
  });

  it('is ready right after init, while klaviyo.js still loads, so the SDK never times it out', () => {
    serveKlaviyo('hang');
    const integration = new Klaviyo(clone(dashboardConfig), analytics, destinationInfo);
    expect(integration.isReady()).toBe(false);
    integration.init();
    expect(integration.isReady()).toBe(true);
    expect(integration.isLoaded()).toBe(true);
  });

  it('pushes exactly these arguments to window.klaviyo.push, and leaves the shared event untouched', async () => {
    serveKlaviyo('load');
    const integration = new Klaviyo(clone(dashboardConfig), analytics, destinationInfo);
    integration.init();
    const pushed: unknown[][] = [];
    const real = (window as any).klaviyo;
    const push = real.push;
    real.push = (...args: unknown[]) => {
      pushed.push(JSON.parse(JSON.stringify(args)));
      return push(...args);
    };
    const messages = [
      identify('u1', { email: 'ada@example.com', firstName: 'Ada', phone: '+44 20 7946 0958' }),
      page('Product', 'Shop'),
      track('Product Added', { product_id: 'p1', name: 'Pooh', price: 9.99, quantity: 2, value: 19.98 }),
      track('Checked Out', { revenue: 19.98 }),
    ];
    const before = clone(messages);
    integration.identify({ message: messages[0] });
    integration.page({ message: messages[1] });
    integration.track({ message: messages[2] });
    integration.track({ message: messages[3] });
    await klaviyoAnswers(); // the tracks wait for klaviyo.js to answer the identify
    // Each command carries Klaviyo's callback last (a function: it serialises to null here) and, on a
    // track, the dedupe key (the message's messageId) as $event_id.
    expect(pushed).toEqual([
      [
        [
          'identify',
          { $email: 'ada@example.com', $phone_number: '+442079460958', $first_name: 'Ada', $id: 'u1' },
          null,
        ],
      ],
      [['track', 'Viewed Shop Product page', { $event_id: 'msg-1' }, null]],
      [
        [
          'track',
          'Added to Cart',
          {
            $value: 19.98,
            AddedItemProductName: 'Pooh',
            AddedItemProductID: 'p1',
            AddedItemPrice: 9.99,
            AddedItemQuantity: 2,
            $event_id: 'msg-1',
          },
          null,
        ],
      ],
      [['track', 'Checked Out', { $value: 19.98, $event_id: 'msg-1' }, null]],
    ]);
    expect(messages).toEqual(before);
    expect(klaviyoReceived()).toHaveLength(4);
  });

  it('survives what the SDK might hand it: no element, no message, no config', () => {
    const integration = new Klaviyo(undefined, undefined, undefined);
    integration.init();
    expect(() => {
      integration.track(undefined);
      integration.identify({} as never);
      integration.page({ message: null as never });
    }).not.toThrow();
    expect(integration.isReady()).toBe(false);
  });

  it('takes options the dashboard cannot hold from window.klaviyoDeviceModeOptions; dashboard keys win', async () => {
    (window as any).klaviyoDeviceModeOptions = { publicApiKey: 'ZZZ999', eventNames: { 'Added to Cart': 'Cart Add' } };
    serveKlaviyo('load');
    const integration = new Klaviyo(clone(dashboardConfig), analytics, destinationInfo);
    integration.init();
    integration.track({ message: { ...track('Product Added', {}), userId: 'u1' } });
    await klaviyoAnswers();
    expect(document.querySelector<HTMLScriptElement>('script[src*="klaviyo.js"]')?.src).toContain('company_id=AbC123');
    expect(tracks()).toEqual([['track', 'Cart Add', { $event_id: 'msg-1' }]]);
  });
});

describe('RudderStack consent: context.consentManagement.deniedConsentIds', () => {
  const withConsent = (denied: string[], extra: Record<string, unknown> = {}) => ({
    ...track('Product Added', {}),
    userId: 'u1',
    context: { traits: {}, consentManagement: { provider: 'oneTrust', deniedConsentIds: denied, ...extra } },
  });

  it.each([
    [
      'and (default): one required consent denied drops it',
      { consentManagement: [{ provider: 'oneTrust', consents: [{ consent: 'C2' }, { consent: 'C3' }] }] },
      ['C3'],
      0,
    ],
    [
      'and: nothing required denied keeps it',
      { consentManagement: [{ provider: 'oneTrust', consents: [{ consent: 'C2' }] }] },
      ['C9'],
      1,
    ],
    [
      'or: one granted is enough',
      {
        consentManagement: [
          { provider: 'oneTrust', resolutionStrategy: 'or', consents: [{ consent: 'C2' }, { consent: 'C3' }] },
        ],
      },
      ['C3'],
      1,
    ],
    [
      'or: all denied drops it',
      {
        consentManagement: [
          { provider: 'oneTrust', resolutionStrategy: 'or', consents: [{ consent: 'C2' }, { consent: 'C3' }] },
        ],
      },
      ['C2', 'C3'],
      0,
    ],
    [
      'per-platform config ({ web: [...] })',
      { consentManagement: { web: [{ provider: 'oneTrust', consents: [{ consent: 'C2' }] }] } },
      ['C2'],
      0,
    ],
    ['legacy oneTrustCookieCategories', { oneTrustCookieCategories: [{ oneTrustCookieCategory: 'C4' }] }, ['C4'], 0],
    [
      'another provider’s requirement does not apply',
      { consentManagement: [{ provider: 'ketch', consents: [{ consent: 'C2' }] }] },
      ['C2'],
      1,
    ],
    ['no consent configured: never dropped', {}, ['C2'], 1],
  ])('%s', async (_, consentConfig, denied, delivered) => {
    serveKlaviyo('load');
    const integration = new Klaviyo({ ...clone(dashboardConfig), ...consentConfig }, analytics, destinationInfo);
    integration.init();
    integration.track({ message: withConsent(denied) });
    await klaviyoAnswers();
    expect(tracks()).toHaveLength(delivered);
  });
});

describe('RudderStack custom integration (addCustomIntegration, SDK ≥ 3.23)', () => {
  const logger = { log() {}, info() {}, debug() {}, warn() {}, error() {}, setMinLogLevel() {} };

  it('has the contract the SDK checks: isReady required; init and the event methods take (analytics, logger, event)', () => {
    const integration = createRudderStackIntegration({ publicApiKey: 'AbC123' });
    for (const method of ['isReady', 'init', 'identify', 'track', 'page', 'group', 'alias']) {
      expect(typeof (integration as unknown as Record<string, unknown>)[method]).toBe('function');
    }
    expect(integration.isReady(analytics, logger)).toBe(false);
  });

  it('is ready right after init and pushes the exact commands, leaving the SDK event untouched', async () => {
    serveKlaviyo('load');
    const integration = createRudderStackIntegration({ publicApiKey: 'AbC123' });
    integration.init({ blacklistedEvents: [] }, analytics, logger);
    expect(integration.isReady(analytics, logger)).toBe(true);
    const event = { message: identify('u1', { email: 'ada@example.com' }) };
    const before = clone(event);
    integration.identify(analytics, logger, event);
    integration.track(analytics, logger, { message: track('Signed Up', { plan: 'pro' }) });
    await klaviyoAnswers();
    expect(klaviyoReceived()).toEqual([
      ['identify', { $email: 'ada@example.com', $id: 'u1' }],
      ['track', 'Signed Up', { plan: 'pro', $event_id: 'msg-1' }],
    ]);
    expect(event).toEqual(before);
  });

  it("drops a message whose denied consents rule out the custom destination's consents", () => {
    serveKlaviyo('load');
    const integration = createRudderStackIntegration({ publicApiKey: 'AbC123' });
    integration.init(
      { consentManagement: [{ provider: 'oneTrust', consents: [{ consent: 'C2' }] }] },
      analytics,
      logger,
    );
    const message = {
      ...track('Product Added', {}),
      context: { traits: {}, consentManagement: { provider: 'oneTrust', deniedConsentIds: ['C2'] } },
    };
    integration.track(analytics, logger, { message });
    expect(klaviyoReceived()).toEqual([]);
  });
});
