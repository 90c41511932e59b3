import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KlaviyoLoader, type LoaderOptions, type LoadStatus } from '../src/klaviyo/KlaviyoLoader.js';
import { createLogger } from '../src/logger/createLogger.js';
import { cleanPage, runStandIn, serveKlaviyo } from './helpers/klaviyoScript.js';

const logs: string[] = [];
const sink = {
  debug: () => {},
  info: (m: string) => logs.push(m),
  warn: (m: string) => logs.push(m),
  error: (m: string) => logs.push(m),
};
const options: LoaderOptions = {
  publicApiKey: 'AbC123',
  loadTimeoutMs: 10_000,
  nonce: undefined,
  prepareScript: undefined,
};

function loader(overrides: Partial<LoaderOptions> = {}) {
  const l = new KlaviyoLoader({ ...options, ...overrides }, window, createLogger('info', sink));
  const seen: LoadStatus[] = [];
  l.onChange((s) => seen.push(s));
  return { l, seen };
}

const klaviyoScripts = () =>
  Array.from(document.querySelectorAll('script')).filter((s) => s.src.includes('klaviyo.js'));

beforeEach(() => {
  cleanPage();
  logs.length = 0;
});
afterEach(() => vi.useRealTimers());

describe('KlaviyoLoader', () => {
  it('injects klaviyo.js once, async, https, key URL-encoded, and becomes ready on load', () => {
    serveKlaviyo('load');
    const { l, seen } = loader();
    expect(l.status).toBe('idle');
    l.start();
    l.start();
    const scripts = klaviyoScripts();
    expect(scripts).toHaveLength(1);
    expect(scripts[0].src).toBe('https://static.klaviyo.com/onsite/js/klaviyo.js?company_id=AbC123');
    expect(scripts[0].async).toBe(true);
    expect(l.status).toBe('ready');
    expect(seen).toEqual(['ready']);
  });

  it('inserts before the first script of the page', () => {
    serveKlaviyo('load');
    const first = document.createElement('script');
    document.body.appendChild(first);
    loader().l.start();
    expect(first.previousElementSibling?.getAttribute('src')).toContain('klaviyo.js');
  });

  it('error (ad blocker, CSP) → failed, with the reason logged', () => {
    serveKlaviyo('error');
    const { l, seen } = loader();
    l.start();
    expect(l.status).toBe('failed');
    expect(seen).toEqual(['failed']);
    expect(logs).toContain(
      '[klaviyo-device-mode] klaviyo.js failed to load (blocked by an ad blocker, a CSP or the network).',
    );
  });

  it('no answer within loadTimeoutMs → failed; a late load → ready', () => {
    vi.useFakeTimers();
    const inserted = serveKlaviyo('hang');
    const { l, seen } = loader({ loadTimeoutMs: 3000 });
    l.start();
    vi.advanceTimersByTime(2999);
    expect(l.status).toBe('loading');
    vi.advanceTimersByTime(1);
    expect(l.status).toBe('failed');
    expect(logs).toContain('[klaviyo-device-mode] klaviyo.js did not load within 3000 ms.');
    inserted[0].dispatchEvent(new Event('load'));
    expect(l.status).toBe('ready');
    expect(seen).toEqual(['failed', 'ready']);
  });

  it('an error after ready changes nothing; the timer is cleared on load', () => {
    vi.useFakeTimers();
    const inserted = serveKlaviyo('hang');
    const { l, seen } = loader();
    l.start();
    inserted[0].dispatchEvent(new Event('load'));
    inserted[0].dispatchEvent(new Event('error'));
    vi.advanceTimersByTime(60_000);
    expect(seen).toEqual(['ready']);
  });

  it('applies the configured nonce', () => {
    serveKlaviyo('load');
    loader({ nonce: 'n0nce' }).l.start();
    expect(klaviyoScripts()[0].nonce).toBe('n0nce');
  });

  it("reuses the page's nonce through the .nonce property, not the hidden attribute", () => {
    serveKlaviyo('load');
    const pageScript = document.createElement('script');
    pageScript.setAttribute('nonce', '');
    Object.defineProperty(pageScript, 'nonce', { value: 'from-page' });
    document.head.appendChild(pageScript);
    loader().l.start();
    expect(klaviyoScripts()[0].nonce).toBe('from-page');
  });

  it('prepareScript sees the element before insertion and can veto loading', () => {
    serveKlaviyo('load');
    const prepared: string[] = [];
    loader({ prepareScript: (s) => void prepared.push(`${s.src} connected=${s.isConnected}`) }).l.start();
    expect(prepared).toEqual(['https://static.klaviyo.com/onsite/js/klaviyo.js?company_id=AbC123 connected=false']);
    cleanPage();
    const { l, seen } = loader({ prepareScript: () => false });
    l.start();
    expect(klaviyoScripts()).toHaveLength(0);
    expect(l.status).toBe('failed');
    expect(seen).toEqual(['failed']);
    expect(logs).toContain('[klaviyo-device-mode] prepareScript vetoed loading klaviyo.js.');
  });

  it('a throwing prepareScript is logged and counts as a veto', () => {
    const { l } = loader({
      prepareScript: () => {
        throw new Error('x');
      },
    });
    l.start();
    expect(l.status).toBe('failed');
    expect(logs).toContain('[klaviyo-device-mode] prepareScript threw; klaviyo.js not loaded.');
  });

  it('reuses a klaviyo.js a platform put on the page (path form) and waits for its load', () => {
    vi.useFakeTimers();
    serveKlaviyo('hang');
    const existing = document.createElement('script');
    existing.src = 'https://static.klaviyo.com/onsite/js/XyZ789/klaviyo.js';
    document.head.appendChild(existing);
    const { l } = loader();
    l.start();
    expect(klaviyoScripts()).toEqual([existing]);
    expect(l.status).toBe('loading');
    existing.dispatchEvent(new Event('load'));
    expect(l.status).toBe('ready');
  });

  it('reuses a klaviyo.js that already ran: ready at once, nothing injected', () => {
    serveKlaviyo('hang');
    const existing = document.createElement('script');
    existing.src = 'https://static.klaviyo.com/onsite/js/klaviyo.js?company_id=XyZ789';
    document.head.appendChild(existing);
    runStandIn(existing);
    const { l } = loader();
    l.start();
    expect(klaviyoScripts()).toEqual([existing]);
    expect(l.status).toBe('ready');
  });

  it('a real klaviyo object without a script tag (tag manager) is reused', () => {
    runStandIn();
    const { l } = loader();
    l.start();
    expect(klaviyoScripts()).toHaveLength(0);
    expect(l.status).toBe('ready');
  });

  it('a second loader on the same page does not inject again', () => {
    vi.useFakeTimers();
    serveKlaviyo('hang');
    const a = loader().l;
    const b = loader().l;
    a.start();
    b.start();
    expect(klaviyoScripts()).toHaveLength(1);
    klaviyoScripts()[0].dispatchEvent(new Event('load'));
    expect([a.status, b.status]).toEqual(['ready', 'ready']);
  });
});
