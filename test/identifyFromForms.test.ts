import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createKlaviyo } from '../src/hosts/analytics/createKlaviyo.js';
import { createRudderStackIntegration } from '../src/hosts/rudderstack/createRudderStackIntegration.js';
import { Klaviyo } from '../src/hosts/rudderstack/Klaviyo.js';
import { createSegmentPlugin } from '../src/hosts/segment/createSegmentPlugin.js';
import { cleanPage, klaviyoReceived, serveKlaviyo } from './helpers/klaviyoScript.js';

/** What Klaviyo's signup form dispatches on window when a visitor submits it. */
function submitForm(metaData: Record<string, unknown>, type = 'submit'): void {
  window.dispatchEvent(new CustomEvent('klaviyoForms', { detail: { type, formId: 'F1', metaData } }));
}
const ADA = { $email: 'ada@example.com', $phone_number: '+15005550006', $first_name: 'Ada', $source: 'Popup' };
const TRAITS = { email: 'ada@example.com', phone: '+15005550006', firstName: 'Ada' };
const analyticsSpy = () => ({ identify: vi.fn(function (this: unknown) {}) });

beforeEach(() => {
  cleanPage();
  localStorage.clear();
  serveKlaviyo('load');
});

describe('identifyFromForms: a Klaviyo form submission identifies the visitor in the host analytics', () => {
  it('script tag / npm global: the identity and the traits of our own global', () => {
    const kdm = createKlaviyo({ publicApiKey: 'AbC123', identifyFromForms: true });
    submitForm(ADA);
    expect(kdm.getUserTraits()).toEqual(TRAITS);
    expect(klaviyoReceived()).toContainEqual([
      'identify',
      { $email: 'ada@example.com', $phone_number: '+15005550006', $first_name: 'Ada' },
    ]);
  });

  it("RudderStack slot: the SDK's analytics.identify(traits), called on the instance", () => {
    const analytics = analyticsSpy();
    new Klaviyo({ publicApiKey: 'AbC123', identifyFromForms: true }, analytics).init();
    submitForm(ADA);
    expect(analytics.identify).toHaveBeenCalledTimes(1);
    expect(analytics.identify).toHaveBeenCalledWith(TRAITS);
    expect(analytics.identify.mock.contexts[0]).toBe(analytics);
  });

  it('RudderStack custom integration: the analytics instance given to init', () => {
    const analytics = analyticsSpy();
    createRudderStackIntegration({ publicApiKey: 'AbC123', identifyFromForms: true }).init({}, analytics, {});
    submitForm({ $phone_number: '+15005550006' }, 'stepSubmit');
    expect(analytics.identify).toHaveBeenCalledWith({ phone: '+15005550006' });
  });

  it("Segment: analytics-next's identify(traits), on the instance given to load", async () => {
    const analytics = analyticsSpy();
    await createSegmentPlugin({ publicApiKey: 'AbC123', identifyFromForms: true }).load({ event: {} }, analytics);
    submitForm(ADA);
    expect(analytics.identify).toHaveBeenCalledWith(TRAITS);
  });

  it('once per identity; nothing for opens, closes, or a submission without email or phone', () => {
    const analytics = analyticsSpy();
    new Klaviyo({ publicApiKey: 'AbC123', identifyFromForms: true }, analytics).init();
    submitForm(ADA, 'open');
    submitForm({ $first_name: 'Ada' });
    submitForm(ADA, 'stepSubmit');
    submitForm(ADA, 'submit');
    window.dispatchEvent(new CustomEvent('klaviyoForms', { detail: null }));
    expect(analytics.identify).toHaveBeenCalledTimes(1);
  });

  it('off by default: no identify anywhere', () => {
    const analytics = analyticsSpy();
    new Klaviyo({ publicApiKey: 'AbC123' }, analytics).init();
    const kdm = createKlaviyo({ publicApiKey: 'AbC123' });
    submitForm(ADA);
    expect(analytics.identify).not.toHaveBeenCalled();
    expect(kdm.getUserTraits()).toEqual({});
  });

  it('a host whose identify throws does not break the page; it is logged', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    new Klaviyo(
      { publicApiKey: 'AbC123', identifyFromForms: true },
      {
        identify() {
          throw new Error('boom');
        },
      },
    ).init();
    expect(() => submitForm(ADA)).not.toThrow();
    expect(warn.mock.calls.flat().join(' ')).toMatch(/(formsIdentifyFailed|identifyFromForms: identifying).*boom/);
  });
});
