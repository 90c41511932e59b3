import { describe, expect, it } from 'vitest';
import { resolveConfig, type ConfigReport } from '../src/config/resolveConfig.js';
import { explain } from '../src/logger/configMessages.js';

/** The config and the warnings in words (a usable key: `config` is there). */
const resolve = (options: unknown) => {
  const warnings: string[] = [];
  return { config: resolveConfig(options, (p) => warnings.push(explain(...p)))!, warnings };
};

/** The fatal problem of unusable options, in words (and that there was no config). */
const refusal = (options: unknown): string | undefined => {
  let fatal: string | undefined;
  const report: ConfigReport = (p, isFatal) => void (isFatal && (fatal = explain(...p)));
  expect(resolveConfig(options, report)).toBeUndefined();
  return fatal;
};

describe('resolveConfig', () => {
  it('fills every default', () => {
    expect(resolve({ publicApiKey: 'AbC123' })).toEqual({
      config: {
        publicApiKey: 'AbC123',
        enforceEmailAsPrimary: false,
        sendPageAsTrack: false,
        additionalPageInfo: false,
        listId: undefined,
        consent: ['email'],
        smsConsent: false,
        cloudMode: undefined,
        clientApi: true,
        loadTimeoutMs: 3000,
        nonce: undefined,
        prepareScript: undefined,
        requireConsent: false,
        eventNames: {
          'Viewed Product': 'Viewed Product',
          'Added to Cart': 'Added to Cart',
          'Started Checkout': 'Started Checkout',
          'Placed Order': 'Placed Order',
          'Ordered Product': 'Ordered Product',
        },
        identifyFromForms: false,
        onDelivery: undefined,
        logLevel: 'warn',
      },
      warnings: [],
    });
  });

  it.each([
    [undefined, /missing/],
    ['', /missing/],
    [123456, /missing/],
    ['AbC12', /^publicApiKey \(data-public-api-key\) must be 6 letters or digits, but it has 5 characters: copy/],
    ['AbC 12', /6 letters or digits, but character 4 is a space: copy it again from Klaviyo/],
    ['AbC&12', /character 4 is '&'/],
    ['AbC1234', /it has 7 characters/],
    ['AbC-12', /6 letters or digits/],
    ['../x?a', /6 letters or digits/],
  ])('refuses the public key %j', (key, reason) => {
    expect(refusal({ publicApiKey: key })).toMatch(reason);
  });

  it('refuses a private key with a message to revoke it, without echoing the key', () => {
    const reason = refusal({ publicApiKey: 'pk_0123456789abcdef0123456789abcdef01' });
    expect(reason).toMatch(/PRIVATE API key/);
    expect(reason).toMatch(/revoke it now/);
    expect(reason).not.toContain('0123456789abcdef');
  });

  it('accepts a RudderStack dashboard config unchanged, including per-platform values and extra keys', () => {
    const dashboard = {
      publicApiKey: { web: 'AbC123' },
      sendPageAsTrack: { web: true },
      additionalPageInfo: true,
      enforceEmailAsPrimary: false,
      blacklistedEvents: [{ eventName: '' }],
      whitelistedEvents: [{ eventName: '' }],
      eventFilteringOption: 'disable',
      oneTrustCookieCategories: [],
      consentManagement: {},
      connectionMode: 'device',
      useNativeSDK: { web: true },
    };
    const { config, warnings } = resolve(dashboard);
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({ publicApiKey: 'AbC123', sendPageAsTrack: true, additionalPageInfo: true });
  });

  it('validates cloudMode: https only (http on localhost), trailing slash removed', () => {
    expect(
      resolve({ publicApiKey: 'AbC123', cloudMode: { dataPlaneUrl: 'https://dp.example.com/', writeKey: 'wk' } }).config
        .cloudMode,
    ).toEqual({
      dataPlaneUrl: 'https://dp.example.com',
      writeKey: 'wk',
    });
    expect(
      resolve({ publicApiKey: 'AbC123', cloudMode: { dataPlaneUrl: 'http://127.0.0.1:8080', writeKey: 'wk' } }).config
        .cloudMode,
    ).toEqual({
      dataPlaneUrl: 'http://127.0.0.1:8080',
      writeKey: 'wk',
    });
    for (const cloudMode of [
      { dataPlaneUrl: 'http://dp.example.com', writeKey: 'wk' },
      { dataPlaneUrl: 'nope', writeKey: 'wk' },
      { dataPlaneUrl: 'https://dp.example.com' },
      'x',
    ]) {
      const { config, warnings } = resolve({ publicApiKey: 'AbC123', cloudMode });
      expect(config.cloudMode).toBeUndefined();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^cloudMode \(data-data-plane-url, data-write-key\) is ignored/);
    }
  });

  it('replaces bad values by defaults and says why', () => {
    const { config, warnings } = resolve({
      publicApiKey: 'AbC123',
      sendPageAsTrack: 'yes',
      loadTimeoutMs: -5,
      logLevel: 'loud',
      consent: ['email', 'fax'],
      eventNames: { 'Viewed Product': 'VP', Bogus: 'x', 'Placed Order': '' },
      prepareScript: 'nope',
      listId: 4443,
    });
    expect(config).toMatchObject({
      sendPageAsTrack: false,
      loadTimeoutMs: 3000,
      logLevel: 'warn',
      consent: ['email'],
      prepareScript: undefined,
      listId: '4443',
    });
    expect(config.eventNames['Viewed Product']).toBe('VP');
    expect(config.eventNames['Placed Order']).toBe('Placed Order');
    expect(warnings).toEqual([
      'sendPageAsTrack (data-send-page-as-track) must be true or false (script tag: "true" or "false"); it is ignored and false is used.',
      'consent accepts only "email" and "sms", e.g. ["email", "sms"]; the other entries are ignored.',
      'loadTimeoutMs (data-load-timeout-ms) must be a positive number of milliseconds; 3000 is used.',
      'prepareScript must be a function (in code, or in window.klaviyoDeviceModeOptions); it is ignored.',
      'eventNames: "Bogus" is not one of Viewed Product, Added to Cart, Started Checkout, Placed Order, Ordered Product; it is ignored.',
      'eventNames["Placed Order"] must be a non-empty string; Klaviyo\'s name is used.',
      'logLevel (data-log-level) must be one of debug, info, warn, error, none; "warn" is used.',
    ]);
  });

  it("maps RudderStack's log level names", () => {
    expect(resolve({ publicApiKey: 'AbC123', logLevel: 'ERROR' }).config.logLevel).toBe('error');
    expect(resolve({ publicApiKey: 'AbC123', logLevel: 'LOG' }).config.logLevel).toBe('info');
  });
});
