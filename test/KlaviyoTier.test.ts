import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LoaderOptions } from '../src/klaviyo/KlaviyoLoader.js';
import { KlaviyoTier, type KlaviyoState } from '../src/klaviyo/KlaviyoTier.js';
import { createLogger } from '../src/logger/createLogger.js';
import { cleanPage, runStandIn, serveKlaviyo } from './helpers/klaviyoScript.js';

const logs: string[] = [];
const sink = {
  debug: () => {},
  info: (m: string) => logs.push(m),
  warn: (m: string) => logs.push(m),
  error: (m: string) => logs.push(m),
};
const options: LoaderOptions & { ackTimeoutMs: number } = {
  publicApiKey: 'AbC123',
  ackTimeoutMs: 3_000,
  nonce: undefined,
  prepareScript: undefined,
};

function loader(overrides: Partial<LoaderOptions> = {}) {
  const l = new KlaviyoTier({ ...options, ...overrides }, window, createLogger('info', sink));
  const seen: KlaviyoState[] = [];
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

describe('KlaviyoTier: loading klaviyo.js, and readiness from its answers', () => {
  it('injects klaviyo.js once, async, https, key URL-encoded; working on its first answer', () => {
    serveKlaviyo('load');
    const { l, seen } = loader();
    expect(l.state).toBe('idle');
    l.start();
    l.start();
    const scripts = klaviyoScripts();
    expect(scripts).toHaveLength(1);
    expect(scripts[0].src).toBe('https://static.klaviyo.com/onsite/js/klaviyo.js?company_id=AbC123');
    expect(scripts[0].async).toBe(true);
    expect(l.state).toBe('working');
    expect(seen).toEqual(['working']);
  });

  it('inserts before the first script of the page', () => {
    serveKlaviyo('load');
    const first = document.createElement('script');
    document.body.appendChild(first);
    loader().l.start();
    expect(first.previousElementSibling?.getAttribute('src')).toContain('klaviyo.js');
  });

  it('error (ad blocker, CSP) → blocked, with the reason logged', () => {
    serveKlaviyo('error');
    const { l, seen } = loader();
    l.start();
    expect(l.state).toBe('blocked');
    expect(seen).toEqual(['blocked']);
    expect(logs).toContain(
      '[klaviyo-device-mode] klaviyo.js failed to load (blocked by an ad blocker, a CSP or the network); calls go down the delivery ladder.',
    );
  });

  it('EasyPrivacy: klaviyo.js loads but nothing answers within the timeout → blocked; a late answer → working', () => {
    vi.useFakeTimers();
    const inserted = serveKlaviyo('tracking-blocked');
    const { l, seen } = loader();
    l.start();
    inserted[0].dispatchEvent(new Event('load')); // a load event proves nothing
    vi.advanceTimersByTime(2999);
    expect(l.state).toBe('loading');
    vi.advanceTimersByTime(1);
    expect(l.state).toBe('blocked');
    expect(logs).toContain(
      '[klaviyo-device-mode] klaviyo.js did not answer within 3000 ms (blocked, or its tracking module is); calls go down the delivery ladder.',
    );
    runStandIn(inserted[0]); // the module arrives after all
    expect(l.state).toBe('working');
    expect(seen).toEqual(['blocked', 'working']);
  });

  it('each command is answered or handed back: missed after the timeout, at once while blocked', () => {
    vi.useFakeTimers();
    serveKlaviyo('tracking-blocked');
    const { l } = loader();
    l.start();
    const missed: string[] = [];
    l.send(['track', 'A', {}], { missed: () => missed.push('A') });
    vi.advanceTimersByTime(3000);
    expect(missed).toEqual(['A']);
    l.send(['track', 'B', {}], { missed: () => missed.push('B') });
    expect(missed).toEqual(['A', 'B']);
    cleanPage();
    serveKlaviyo('hang');
    const { l: other } = loader();
    other.start();
    other.send(['track', 'C', {}], { missed: () => missed.push('C') }).cancel(); // reset: forgotten, never handed back
    other.send(['track', 'D', {}], { missed: () => missed.push('D') }).giveUp(); // page leave: handed back now
    vi.advanceTimersByTime(60_000);
    expect(missed).toEqual(['A', 'B', 'D']);
  });

  it('a klaviyo.js that never arrives: its pre-load queue keeps the newest 200 unanswered commands, and every command is handed back', () => {
    serveKlaviyo('error');
    const { l } = loader();
    l.start();
    const missed: number[] = [];
    for (let i = 0; i < 250; i++) l.send(['track', `E${i}`, {}], { missed: () => missed.push(i) });
    expect(missed).toHaveLength(250);
    const queued = ((window as any)._klOnsite as unknown[][]).filter((c) => c[0] === 'track').map((c) => c[1]);
    expect(queued).toHaveLength(200);
    expect([queued[0], queued[199]]).toEqual(['E50', 'E249']);
  });

  it('an error after an answer changes nothing', () => {
    vi.useFakeTimers();
    const inserted = serveKlaviyo('hang');
    const { l, seen } = loader();
    l.start();
    runStandIn(inserted[0]);
    inserted[0].dispatchEvent(new Event('error'));
    vi.advanceTimersByTime(60_000);
    expect(seen).toEqual(['working']);
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
    expect(l.state).toBe('blocked');
    expect(seen).toEqual(['blocked']);
    expect(logs).toContain(
      '[klaviyo-device-mode] prepareScript vetoed loading klaviyo.js; calls go down the delivery ladder.',
    );
  });

  it('a throwing prepareScript is logged and counts as a veto', () => {
    const { l } = loader({
      prepareScript: () => {
        throw new Error('x');
      },
    });
    l.start();
    expect(l.state).toBe('blocked');
    expect(logs).toContain('[klaviyo-device-mode] prepareScript threw; klaviyo.js not loaded.');
  });

  it('reuses a klaviyo.js a platform put on the page (path form), still loading: its answer decides, no load event needed', () => {
    vi.useFakeTimers();
    serveKlaviyo('hang');
    const existing = document.createElement('script');
    existing.src = 'https://static.klaviyo.com/onsite/js/XyZ789/klaviyo.js';
    document.head.appendChild(existing);
    const { l } = loader();
    l.start();
    expect(klaviyoScripts()).toEqual([existing]);
    expect(l.state).toBe('loading');
    runStandIn(existing);
    expect(l.state).toBe('working');
  });

  it.each([
    ['with Klaviyo’s snippet before it', true],
    ['without a snippet', false],
  ])(
    'reuses a klaviyo.js that already ran (%s): working at once, nothing injected, whatever _klOnsite became',
    (_, snippet) => {
      serveKlaviyo('hang');
      if (snippet) (window as any)._klOnsite = [];
      const existing = document.createElement('script');
      existing.src = 'https://static.klaviyo.com/onsite/js/klaviyo.js?company_id=XyZ789';
      document.head.appendChild(existing);
      runStandIn(existing);
      (window as any)._klOnsite = snippet ? [] : undefined; // undocumented after load: must not matter
      const { l } = loader();
      l.start();
      expect(klaviyoScripts()).toEqual([existing]);
      expect(l.state).toBe('working');
    },
  );

  it('a real klaviyo object without a script tag (tag manager) is reused', () => {
    runStandIn();
    const { l } = loader();
    l.start();
    expect(klaviyoScripts()).toHaveLength(0);
    expect(l.state).toBe('working');
  });

  it('a second tier on the same page does not inject again; both work on the answers', () => {
    vi.useFakeTimers();
    const inserted = serveKlaviyo('hang');
    const a = loader().l;
    const b = loader().l;
    a.start();
    b.start();
    expect(klaviyoScripts()).toHaveLength(1);
    runStandIn(inserted[0]);
    expect([a.state, b.state]).toEqual(['working', 'working']);
  });
});
