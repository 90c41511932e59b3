import { readFileSync, readdirSync, statSync } from 'node:fs';
import { PRIVATE_KEY_TEXT } from '../src/logger/messages.js';
import { MESSAGES_GLOBAL } from '../src/logger/messagesGlobal.js';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeviceMode } from '../src/core/DeviceMode.js';
import { createKlaviyo } from '../src/hosts/analytics/createKlaviyo.js';
import { cleanPage, klaviyoAnswers, klaviyoReceived, serveKlaviyo } from './helpers/klaviyoScript.js';
import { disposeAll, forwarder, settle, useClock } from './helpers/cloud.js';
import { deviceMode, recordingSink } from './helpers/harness.js';
import { identify, track } from './helpers/messages.js';

beforeEach(() => {
  cleanPage();
  localStorage.clear();
  document.cookie = '__kla_off=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
});
afterEach(() => {
  disposeAll();
  vi.useRealTimers();
});

/** A track of a shopper its host knows (the userId names them). */
const known = (event: string, properties: Record<string, unknown> = {}) => ({
  ...track(event, properties),
  userId: 'u1',
});
/** What klaviyo.js is asked before the first track of a shopper it has not confirmed: who they are. */
const ASKED = ['identify', { $id: 'u1' }];

describe('consent', () => {
  beforeEach(() => void vi.useFakeTimers({ now: new Date('2026-11-23T00:01:00.000Z') }));

  it('revoking consent stops pushes and forwarding, expires Klaviyo’s identity cookie and sets its opt-out', async () => {
    serveKlaviyo('load');
    const { core, cloud } = deviceMode({ requireConsent: true });
    core.start();
    core.grantConsent();
    core.handle(known('Before'));
    await klaviyoAnswers();
    core.handle({ type: 'group', groupId: 'L0', anonymousId: 'a' });
    document.cookie = '__kla_id=someone; path=/';
    core.denyConsent();
    core.handle(known('After'));
    core.handle({ type: 'group', groupId: 'L1', anonymousId: 'a' });
    await klaviyoAnswers();
    expect(klaviyoReceived()).toEqual([ASKED, ['track', 'Before', { $event_id: 'msg-1' }]]);
    expect(cloud.forwarded.map((f) => f.message.groupId)).toEqual(['L0']);
    expect(cloud.resets()).toBe(1);
    expect(document.cookie).not.toContain('__kla_id=someone');
    expect(document.cookie).toContain('__kla_off=true');
  });

  it('consent granted again turns Klaviyo’s tracking back on', async () => {
    serveKlaviyo('load');
    const { core } = deviceMode({ requireConsent: true });
    core.start();
    core.grantConsent();
    core.denyConsent();
    core.grantConsent();
    core.handle(known('Again'));
    await klaviyoAnswers();
    expect(document.cookie).not.toContain('__kla_off=true');
    expect(klaviyoReceived()).toEqual([ASKED, ['track', 'Again', { $event_id: 'msg-1' }]]);
  });

  it('holds at most CONSENT_PENDING_CALLS_MAX calls before consent, dropping the oldest with a warning', async () => {
    serveKlaviyo('load');
    const { core, log } = deviceMode({ requireConsent: true });
    core.start();
    for (let i = 0; i < 201; i++) core.handle(known(`E${i}`));
    core.grantConsent();
    await klaviyoAnswers();
    const tracks = klaviyoReceived().filter((c) => (c as unknown[])[0] === 'track');
    expect(tracks).toHaveLength(200);
    expect((tracks[0] as unknown[])[1]).toBe('E1');
    expect(log.lines).toContainEqual([
      'warn',
      '[klaviyo-device-mode] waiting for consent: more than 200 calls held; the oldest was dropped.',
    ]);
  });

  it('calls held before consent are copies: later changes by the host do not leak in', async () => {
    serveKlaviyo('load');
    const { core } = deviceMode({ requireConsent: true });
    core.start();
    const props: Record<string, unknown> = { plan: 'pro' };
    core.handle(known('Held', props));
    props.plan = 'changed';
    core.grantConsent();
    await klaviyoAnswers();
    expect(klaviyoReceived()).toEqual([ASKED, ['track', 'Held', { plan: 'pro', $event_id: 'msg-1' }]]);
  });
});

describe('reset clears personal data', () => {
  it('the stored identity, the calls waiting for klaviyo.js, and the forwarder’s stored queue', async () => {
    useClock();
    const inserted = serveKlaviyo('hang');
    const f = forwarder({ answer: () => 500 });
    const api = createKlaviyo({ publicApiKey: 'AbC123', clientApi: false }, { createForwarder: () => f.f });
    api.identify('u1', { email: 'ada@example.com' });
    api.group('L1', { subscribe: true });
    await settle(4000); // the identify falls after 3 s, the group goes behind it; both fail: they stay stored
    expect(Object.keys(localStorage).filter((k) => k.endsWith('.items'))).toHaveLength(1);
    api.reset();
    expect(localStorage.getItem('kdm.userId')).toBeNull();
    expect(localStorage.getItem('kdm.traits')).toBeNull();
    expect(Object.keys(localStorage).filter((k) => k.endsWith('.items'))).toEqual([]);
    const { runStandIn } = await import('./helpers/klaviyoScript.js');
    runStandIn(inserted[0]);
    inserted[0].dispatchEvent(new Event('load'));
    expect(klaviyoReceived()).toEqual([]); // the previous user's identify was not pushed after the reset
  });
});

describe('security', () => {
  it.each(['AbC12&x=1', 'AbC12"', '../../x', 'AbC 12', 'ÄbC123'])(
    'a malformed public key never reaches a URL: %j',
    (publicApiKey) => {
      serveKlaviyo('load');
      const log = recordingSink();
      const core = new DeviceMode({ publicApiKey }, { logSink: log.sink });
      core.start();
      expect(document.querySelectorAll('script')).toHaveLength(0);
      expect(log.lines[0]).toEqual([
        'error',
        expect.stringMatching(
          /^\[klaviyo-device-mode\] (publicApiKey \(data-public-api-key\) must be 6 letters or digits|The Klaviyo public API key is missing)/,
        ),
      ]);
    },
  );

  it('a private key is refused loudly, at error level, telling the user to revoke it', () => {
    const log = recordingSink();
    new DeviceMode({ publicApiKey: 'pk_live_0123456789abcdef', logLevel: 'none' }, { logSink: log.sink }).start();
    expect(log.lines).toEqual([
      [
        'error',
        '[klaviyo-device-mode] publicApiKey is a Klaviyo PRIVATE API key (pk_...). It must never be put in a browser: revoke it now in Klaviyo (Settings > API keys) and use the 6-character public API key (site ID).',
      ],
    ]);
    expect(document.querySelectorAll('script')).toHaveLength(0);
  });

  it('the private-key error is said in full even when the log texts are not installed', () => {
    const globals = globalThis as Record<string, unknown>;
    const texts = globals[MESSAGES_GLOBAL];
    delete globals[MESSAGES_GLOBAL];
    try {
      const log = recordingSink();
      new DeviceMode({ publicApiKey: 'pk_live_0123456789abcdef' }, { logSink: log.sink }).start();
      expect(log.lines).toEqual([['error', `[klaviyo-device-mode] ${PRIVATE_KEY_TEXT}`]]);
      expect(PRIVATE_KEY_TEXT).toMatch(/revoke it now/);
    } finally {
      globals[MESSAGES_GLOBAL] = texts;
    }
  });

  it('the klaviyo.js URL is always https, whatever the page’s scheme', () => {
    serveKlaviyo('load');
    new DeviceMode({ publicApiKey: 'AbC123' }).start();
    expect(new URL(document.querySelector('script')!.src).protocol).toBe('https:');
  });

  it('a cloud-mode data plane must be https (http only on localhost)', () => {
    const log = recordingSink();
    new DeviceMode(
      { publicApiKey: 'AbC123', cloudMode: { dataPlaneUrl: 'http://dp.example.com', writeKey: 'wk' } },
      { logSink: log.sink },
    );
    expect(log.lines).toContainEqual([
      'warn',
      expect.stringMatching(/^\[klaviyo-device-mode\] cloudMode \(data-data-plane-url, data-write-key\) is ignored/),
    ]);
  });

  it('no eval, Function constructor, innerHTML, document.write or string timers in the source or the bundles', () => {
    const files = [
      ...walk(resolve('src')),
      ...['dist/Klaviyo.min.js', 'dist/klaviyo-device-mode.iife.js', 'dist/snippet.min.js']
        .map((f) => resolve(f))
        .filter(exists),
    ];
    expect(files.length).toBeGreaterThan(20);
    const forbidden = [
      /\beval\s*\(/,
      /new\s+Function\s*\(/,
      /\bFunction\s*\(\s*['"`]/,
      /innerHTML/,
      /outerHTML/,
      /insertAdjacentHTML/,
      /document\.write/,
      /setTimeout\s*\(\s*['"`]/,
    ];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const pattern of forbidden) expect(pattern.test(text), `${file} matches ${pattern}`).toBe(false);
    }
  });

  it('the stored queue holds only the message, attempts, due and queued times, and is removed once delivered', async () => {
    useClock();
    const { f } = forwarder();
    f.forward(identify('u1', { email: 'ada@example.com' }), 'list subscription');
    const key = Object.keys(localStorage).find((k) => k.endsWith('.items'))!;
    const stored = JSON.parse(localStorage.getItem(key)!);
    expect(stored.map((i: Record<string, unknown>) => Object.keys(i).sort())).toEqual([['d', 'id', 'm', 'n', 't']]);
    await settle(1000);
    expect(localStorage.getItem(key)).toBeNull();
  });
});

describe('storage faults', () => {
  it('a corrupted stored identity is ignored: a fresh one is used, nothing throws', () => {
    localStorage.setItem('kdm.traits', '{corrupt');
    localStorage.setItem('kdm.anonymousId', 'anon-kept');
    const api = createKlaviyo({ publicApiKey: 'AbC123' });
    expect(api.getUserTraits()).toEqual({});
    expect(api.getAnonymousId()).toBe('anon-kept');
  });

  it('localStorage that throws on every access (Safari private mode) leaves the script-tag host working', async () => {
    vi.useFakeTimers();
    serveKlaviyo('load');
    const getter = vi.spyOn(window, 'localStorage', 'get').mockImplementation(() => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    });
    const api = createKlaviyo({ publicApiKey: 'AbC123' });
    api.identify('u1', { email: 'a@b.co' });
    api.track('Works', {});
    await klaviyoAnswers();
    getter.mockRestore();
    expect(klaviyoReceived()).toEqual([
      ['identify', { $email: 'a@b.co', $id: 'u1' }],
      ['track', 'Works', { $event_id: expect.stringMatching(/^[0-9a-f-]{36}$/) }],
    ]);
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

describe('consent-safe storage', () => {
  const ours = () => Object.keys(localStorage).filter((k) => k.startsWith('kdm.') || k.startsWith('__kdm'));
  const cloudMode = { dataPlaneUrl: 'https://dp.example.com', writeKey: 'wk1' };

  it('with requireConsent nothing is written to storage or cookies before consent, whatever is called', () => {
    vi.useFakeTimers();
    serveKlaviyo('load');
    const cookies = document.cookie;
    const api = createKlaviyo({ publicApiKey: 'AbC123', requireConsent: true, cloudMode, clientApi: false });
    api.identify('u1', { email: 'ada@example.com' });
    api.track('Viewed', {});
    api.group('L1', { subscribe: true });
    vi.advanceTimersByTime(5_000); // heartbeats, reclaim sweeps, flushes
    expect(ours()).toEqual([]);
    expect(document.cookie).toBe(cookies);
    api.grantConsent();
    vi.advanceTimersByTime(100); // cloud mode's tier comes at idle
    expect(ours().sort()).toEqual(expect.arrayContaining(['kdm.anonymousId', 'kdm.traits', 'kdm.userId']));
    expect(ours().some((k) => k.endsWith('.ack'))).toBe(true); // the forwarder's tab heartbeat, once allowed
    (api.core as any).tiers.close();
  });

  it('denyConsent removes every key we wrote (identity, traits, queues, heartbeats) and writes none after', async () => {
    useClock();
    serveKlaviyo('error');
    const api = createKlaviyo(
      { publicApiKey: 'AbC123', cloudMode, clientApi: false },
      { createForwarder: () => forwarder({ answer: () => 500 }).f },
    );
    api.identify('u1', { email: 'ada@example.com' });
    api.track('A', {});
    await settle(1000); // the data plane is down: the event stays stored
    expect(ours().length).toBeGreaterThan(3);
    api.denyConsent();
    expect(ours()).toEqual([]);
    api.identify('u2', { email: 'b@c.co' });
    await settle(10_000);
    expect(ours()).toEqual([]);
  });
});
