import { beforeEach, describe, expect, it, vi } from 'vitest';
import { installKlaviyoStub, isOwnStub } from '../src/klaviyo/installKlaviyoStub.js';
import { cleanPage, klaviyoNet, runStandIn } from './helpers/klaviyoScript.js';

type W = { klaviyo?: any; _klOnsite?: any[]; __klaviyoStandIn?: any };
const w = window as unknown as W;

beforeEach(cleanPage);

describe('installKlaviyoStub', () => {
  it('installs the pre-load object only when window.klaviyo is absent', () => {
    expect(installKlaviyoStub(window)).toBe(true);
    expect(isOwnStub(w.klaviyo)).toBe(true);
    const first = w.klaviyo;
    expect(installKlaviyoStub(window)).toBe(false);
    expect(w.klaviyo).toBe(first);
  });

  it('leaves a klaviyo object put there by someone else alone', () => {
    const theirs = { push() {} };
    w.klaviyo = theirs;
    expect(installKlaviyoStub(window)).toBe(false);
    expect(w.klaviyo).toBe(theirs);
  });

  it('push queues commands as they are; methods queue [method, ...args, resolver]', () => {
    installKlaviyoStub(window);
    w.klaviyo.push(['identify', { $email: 'a@b.co' }]);
    const promise = w.klaviyo.track('Signed Up', { plan: 'pro' });
    expect(promise).toBeInstanceOf(Promise);
    expect(w._klOnsite).toHaveLength(2);
    expect(w._klOnsite![0]).toEqual(['identify', { $email: 'a@b.co' }]);
    expect(w._klOnsite![1].slice(0, 3)).toEqual(['track', 'Signed Up', { plan: 'pro' }]);
    expect(typeof w._klOnsite![1][3]).toBe('function');
  });

  it('never queues then, symbols, toJSON or Object.prototype members', async () => {
    installKlaviyoStub(window);
    await w.klaviyo; // `then` is read here
    JSON.stringify(w.klaviyo);
    String(w.klaviyo);
    void w.klaviyo[Symbol.toPrimitive];
    void w.klaviyo.hasOwnProperty;
    expect(w.klaviyo.then).toBeUndefined();
    expect(w.klaviyo.toJSON).toBeUndefined();
    expect(w._klOnsite).toEqual([]);
  });

  it("klaviyo.js drains the queue (identify first, then in order) and answers as Klaviyo's code does", async () => {
    vi.useFakeTimers();
    klaviyoNet(); // a.klaviyo.com answers
    installKlaviyoStub(window);
    const answers: unknown[] = [];
    w.klaviyo.track('Viewed Product', { ProductID: '1' }, (r: unknown) => answers.push(['track', r]));
    const identified = w.klaviyo.isIdentified();
    w.klaviyo.push(['identify', { $email: 'a@b.co' }, () => answers.push(['identify'])]);
    runStandIn();
    expect(w.__klaviyoStandIn.commands).toEqual([
      ['identify', { $email: 'a@b.co' }],
      ['track', 'Viewed Product', { ProductID: '1' }],
      ['isIdentified'],
    ]);
    // Its identify is still on its way (debounced, then sent): the shopper is not identified yet, and
    // an anonymous shopper's track is never answered (klaviyo.js cached it).
    await expect(identified).resolves.toBe(false);
    expect(answers).toEqual([]);
    await vi.advanceTimersByTimeAsync(400);
    expect(answers).toEqual([['identify']]);
    // After load, pushes run at once on the real object; an identified shopper's track is answered at once.
    w.klaviyo.push(['track', 'After', {}, (r: unknown) => answers.push(['track', r])]);
    expect(answers).toEqual([['identify'], ['track', true]]);
    vi.useRealTimers();
  });

  it('falls back to an array with a forwarding push when Proxy is missing', () => {
    const saved = globalThis.Proxy;
    // @ts-expect-error simulate a browser without Proxy
    delete globalThis.Proxy;
    try {
      installKlaviyoStub(window);
    } finally {
      globalThis.Proxy = saved;
    }
    expect(Array.isArray(w.klaviyo)).toBe(true);
    w.klaviyo.push(['track', 'A', {}]);
    expect(w._klOnsite).toEqual([['track', 'A', {}]]);
  });
});
