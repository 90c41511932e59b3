// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../src/logger/createLogger.js';
import type { JsonObject } from '../src/mapping/types.js';
import { ANSWER_BY_MS, DeliveryEngine, POOL_WAIT_MS, type Delivery } from '../src/server/delivery/DeliveryEngine.js';
import { createMemoryStore, gcra, type DeliveryStore } from '../src/server/delivery/DeliveryStore.js';
import { engineFor } from '../src/server/delivery/engineFor.js';
import { DISPATCH_RATES } from '../src/server/delivery/klaviyoLimits.js';
import type { KlaviyoServerApi, ServerApiOutcome, ServerApiPath } from '../src/server/KlaviyoServerApi.js';
import type { Plan, PlannedEvent } from '../src/server/planBatch.js';
import { recordingSink } from './helpers/harness.js';

/**
 * The delivery engine with a scripted Klaviyo (each job's outcome decided by the test) on a fake clock:
 * what goes into each job, when jobs leave, and what each request is answered.
 */

const metric = (name: string) => ({ data: { type: 'metric', attributes: { name } } });
const event = (i: number, email = `p${i}@x.co`, id = `m${i}`): PlannedEvent => ({
  messageId: id,
  profile: { email },
  attributes: { properties: {}, metric: metric('Viewed Product'), unique_id: id },
});
const plan = (parts: Partial<Plan>): Plan => ({
  upserts: [],
  events: [],
  subscriptions: [],
  skipped: [],
  ignored: 0,
  ...parts,
});

/** A scripted Klaviyo: records each job, answers `answer(path, body, n)` (taken by default). */
function klaviyo(answer: (path: ServerApiPath, body: any, n: number) => ServerApiOutcome = () => ({ kind: 'taken' })) {
  const jobs: Array<{ path: ServerApiPath; body: any; at: number }> = [];
  const api = {
    post: (path: ServerApiPath, body: JsonObject) => {
      jobs.push({ path, body, at: Date.now() });
      return Promise.resolve(answer(path, body, jobs.length));
    },
  } as unknown as KlaviyoServerApi;
  return { api, jobs };
}
const eventsOf = (job: { body: any }) =>
  job.body.data.attributes['events-bulk-create'].data.flatMap((e: any) =>
    e.attributes.events.data.map((v: any) => v.attributes.unique_id),
  );

function engine(api: KlaviyoServerApi, store: DeliveryStore = createMemoryStore()) {
  const log = recordingSink();
  return { engine: new DeliveryEngine(api, store, createLogger('debug', log.sink), 'acct'), log };
}

beforeEach(() => void vi.useFakeTimers({ now: new Date('2026-11-23T10:00:00.000Z') }));
afterEach(() => void vi.useRealTimers());

describe('the dispatch rate', () => {
  it.each(Object.entries(DISPATCH_RATES))(
    '%s: Klaviyo’s fixed 1 s and 60 s windows hold however they align, at full demand for 10 minutes',
    (_, rate) => {
      const grants: number[] = [];
      let tat = 0;
      for (let now = 0; now < 600_000; now += 7) {
        const result = gcra(tat, now, rate);
        if ('tat' in result) {
          tat = result.tat;
          grants.push(now);
        }
      }
      const [perSecond, perMinute] = {
        'event-bulk-create-jobs': [10, 150],
        'profile-bulk-import-jobs': [10, 150],
        'profile-subscription-bulk-create-jobs': [75, 750],
        events: [350, 3500],
      }[_ as keyof typeof DISPATCH_RATES];
      // Every alignment of Klaviyo's windows: the most grants in any 1 s and any 60 s.
      const most = (window: number) => {
        let max = 0;
        for (let i = 0, j = 0; i < grants.length; i++) {
          while (grants[i] - grants[j] >= window) j++;
          max = Math.max(max, i - j + 1);
        }
        return max;
      };
      expect(most(1_000)).toBeLessThanOrEqual(perSecond);
      expect(most(60_000)).toBeLessThanOrEqual(perMinute);
      // …and the rate is close to the minute's limit: full use of the account.
      expect(grants.length / 10).toBeGreaterThanOrEqual(rate.perMinute);
    },
  );
  it.each(Object.entries(DISPATCH_RATES))(
    '%s: a burst asked for at one instant is granted whole, then the next waits one interval',
    (_, rate) => {
      // Any instant: the sums of a fractional interval in ms used to round the burst's last token out.
      for (let now = 1_765_101_234_567; now < 1_765_101_234_567 + 100; now++) {
        let tat = 0;
        for (let i = 0; i < rate.burst; i++) {
          const result = gcra(tat, now, rate);
          expect(result, `token ${i + 1} of ${rate.burst} at ${now}`).toHaveProperty('tat');
          if ('tat' in result) tat = result.tat;
        }
        expect(gcra(tat, now, rate)).toEqual({ wait: Math.ceil(60_000 / rate.perMinute) });
      }
    },
  );
});

describe('pooled delivery', () => {
  it('what concurrent requests bring goes out in one event job; each request is answered once Klaviyo took its events', async () => {
    const k = klaviyo();
    const { engine: e } = engine(k.api);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, r) => e.deliver(plan({ events: [event(2 * r), event(2 * r + 1)] }))),
    );
    expect(answers.every((a) => a.taken === 2 && !a.retry && !a.refused.length)).toBe(true);
    expect(k.jobs.map((j) => [j.path, eventsOf(j).length])).toEqual([['event-bulk-create-jobs', 100]]);
  });

  it('a job holds at most 1,000 events; under load the next leaves when the limiter allows, full', async () => {
    const k = klaviyo();
    const { engine: e } = engine(k.api);
    const many = (from: number, n: number) => Array.from({ length: n }, (_, i) => event(from + i));
    const pending = Promise.all([
      e.deliver(plan({ events: many(0, 2_500) })),
      e.deliver(plan({ events: many(5_000, 1_200) })),
    ]);
    await vi.advanceTimersByTimeAsync(2_000);
    const answers = await pending;
    expect(answers.map((a) => a.taken)).toEqual([2_500, 1_200]);
    expect(k.jobs.map((j) => eventsOf(j).length)).toEqual([1_000, 1_000, 1_000, 700]);
  });

  it('never two events with the same profile, metric and unique_id in a job: a retry while the first waits joins it', async () => {
    const k = klaviyo();
    const { engine: e } = engine(k.api);
    const answers = await Promise.all([
      e.deliver(plan({ events: [event(1)] })),
      e.deliver(plan({ events: [event(1)] })),
    ]);
    expect(answers.map((a) => a.taken)).toEqual([1, 1]);
    expect(k.jobs.map(eventsOf)).toEqual([['m1']]);
  });

  it('an identify rides on its profile’s entry of the event job; one without events goes in a profile bulk import job; the same again is not sent', async () => {
    const k = klaviyo();
    const { engine: e } = engine(k.api);
    const ada = {
      profile: JSON.stringify(['ada@x.co', null, null, null]),
      attributes: { email: 'ada@x.co', first_name: 'Ada' },
      messageIds: ['i1'],
    };
    const bob = {
      profile: JSON.stringify(['bob@x.co', null, null, null]),
      attributes: { email: 'bob@x.co', first_name: 'Bob' },
      messageIds: ['i2'],
    };
    const first = await e.deliver(plan({ upserts: [ada, bob], events: [event(1, 'ada@x.co')] }));
    expect(first.taken).toBe(3);
    expect(k.jobs.map((j) => j.path)).toEqual(['event-bulk-create-jobs', 'profile-bulk-import-jobs']);
    expect(k.jobs[0].body.data.attributes['events-bulk-create'].data[0].attributes.profile.data.attributes).toEqual({
      email: 'ada@x.co',
      first_name: 'Ada',
    });
    expect(k.jobs[1].body.data.attributes.profiles.data.map((p: any) => p.attributes)).toEqual([bob.attributes]);
    const again = await e.deliver(plan({ upserts: [ada, bob] }));
    expect(again.taken).toBe(2);
    expect(k.jobs).toHaveLength(2); // Klaviyo has both already: nothing sent
  });

  it('subscriptions go in one job per list', async () => {
    const k = klaviyo();
    const { engine: e } = engine(k.api);
    const sub = (id: string, listId: string) => ({ messageId: id, listId, profile: { email: `${id}@x.co` } });
    await Promise.all([
      e.deliver(plan({ subscriptions: [sub('a', 'L1'), sub('b', 'L2')] })),
      e.deliver(plan({ subscriptions: [sub('c', 'L1')] })),
    ]);
    expect(
      k.jobs.map((j) => [j.body.data.relationships.list.data.id, j.body.data.attributes.profiles.data.length]),
    ).toEqual([
      ['L1', 2],
      ['L2', 1],
    ]);
  });
});

describe('what Klaviyo answers', () => {
  it('a 400 without pointers: the events are sent one by one, the bad one refused for good, the others taken', async () => {
    const k = klaviyo((path, body) =>
      path === 'event-bulk-create-jobs' || body.data.attributes.unique_id === 'm2'
        ? { kind: 'refused', reason: 'Klaviyo: HTTP 400', pointers: [] }
        : { kind: 'taken' },
    );
    const { engine: e } = engine(k.api);
    const answer = await e.deliver(plan({ events: [event(1), event(2), event(3)] }));
    expect(answer).toEqual({ taken: 2, refused: [{ messageId: 'm2', reason: 'Klaviyo: HTTP 400' }], failed: [] });
    expect(k.jobs.map((j) => j.path)).toEqual(['event-bulk-create-jobs', 'events', 'events', 'events']);
  });

  it('a 400 pointing at entries: they are refused; the rest is sent again once, and refused for good if refused again', async () => {
    const k = klaviyo((_, __, n) =>
      n === 1
        ? { kind: 'refused', reason: 'bad entry', pointers: ['/data/attributes/events-bulk-create/data/1'] }
        : { kind: 'refused', reason: 'still bad', pointers: ['/data/attributes/events-bulk-create/data/0'] },
    );
    const { engine: e } = engine(k.api);
    const answer = await e.deliver(plan({ events: [event(1), event(2), event(3)] }));
    expect(answer.taken).toBe(0);
    expect(answer.refused.sort((a, b) => a.messageId.localeCompare(b.messageId))).toEqual([
      { messageId: 'm1', reason: 'still bad' },
      { messageId: 'm2', reason: 'bad entry' },
      { messageId: 'm3', reason: 'still bad' },
    ]);
    expect(k.jobs.map(eventsOf)).toEqual([
      ['m1', 'm2', 'm3'],
      ['m1', 'm3'],
    ]);
  });

  it('a 429 pauses the endpoint for its Retry-After; a request whose work cannot go in time is answered 429 with when to come back', async () => {
    const k = klaviyo((_, __, n) => (n === 1 ? { kind: 'throttled', retryAfterMs: 30_000 } : { kind: 'taken' }));
    const { engine: e } = engine(k.api);
    const first = e.deliver(plan({ events: [event(1)] }));
    await vi.advanceTimersByTimeAsync(POOL_WAIT_MS);
    expect(await first).toEqual({
      taken: 0,
      refused: [],
      retry: { status: 429, retryAfterS: 22, reason: 'Klaviyo backlog over the wait allowed' },
      failed: ['m1'],
    });
    // Later requests during the pause are answered at once, without calling Klaviyo.
    const during = await e.deliver(plan({ events: [event(2)] }));
    expect(during.retry).toMatchObject({ status: 429, retryAfterS: 22 });
    expect(k.jobs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(22_000);
    expect((await e.deliver(plan({ events: [event(1)] }))).taken).toBe(1);
  });

  it('a backlog the account cannot serve in time is answered 429 at once, with Retry-After the time it needs', async () => {
    const k = klaviyo();
    const { engine: e } = engine(k.api);
    const many = (from: number) => Array.from({ length: 1_000 }, (_, i) => event(from + i));
    const answers = Promise.all(Array.from({ length: 30 }, (_, r) => e.deliver(plan({ events: many(r * 1_000) }))));
    await vi.advanceTimersByTimeAsync(ANSWER_BY_MS);
    // Full jobs leave every 428 ms (140 a minute): what fits in the 8 s a request may wait is taken; the
    // requests behind are answered 429 as they come, told how long the backlog takes to clear.
    const fits = Math.floor((POOL_WAIT_MS * DISPATCH_RATES['event-bulk-create-jobs'].perMinute) / 60_000);
    const all = await answers;
    expect(all.filter((a) => a.taken === 1_000)).toHaveLength(fits);
    const refused = all.filter((a) => a.retry);
    expect(refused).toHaveLength(30 - fits);
    expect(refused.every((a) => a.retry!.status === 429 && a.retry!.retryAfterS! > POOL_WAIT_MS / 1000)).toBe(true);
    expect(k.jobs).toHaveLength(fits);
  });

  it('Klaviyo 5xx: the request is answered 502 (the browser retries; its unique ids make that safe)', async () => {
    const k = klaviyo(() => ({ kind: 'retry', status: 502, reason: 'Klaviyo event-bulk-create-jobs: HTTP 500' }));
    const { engine: e } = engine(k.api);
    expect((await e.deliver(plan({ events: [event(1)] }))).retry).toMatchObject({ status: 502 });
  });

  it('a job Klaviyo does not answer in time: the request is answered 504 at 12 s at the latest', async () => {
    const api = { post: () => new Promise(() => {}) } as unknown as KlaviyoServerApi;
    const { engine: e } = engine(api);
    const answer = e.deliver(plan({ events: [event(1)] }));
    await vi.advanceTimersByTimeAsync(ANSWER_BY_MS);
    expect((await answer).retry).toMatchObject({ status: 504 });
  });

  it('the store failing (Redis down): every waiting request is answered 503 with Retry-After, and said once', async () => {
    const down = { ...createMemoryStore(), take: () => Promise.reject(new Error('Connection is closed.')) };
    const k = klaviyo();
    const { engine: e, log } = engine(k.api, down);
    const answers: Delivery[] = await Promise.all([
      e.deliver(plan({ events: [event(1)] })),
      e.deliver(plan({ events: [event(2)] })),
    ]);
    expect(answers.map((a) => a.retry)).toEqual([
      { status: 503, retryAfterS: 5, reason: 'the shared store (Redis) is unreachable' },
      { status: 503, retryAfterS: 5, reason: 'the shared store (Redis) is unreachable' },
    ]);
    expect(k.jobs).toEqual([]);
    expect(log.lines.filter(([level]) => level === 'error')).toHaveLength(1);
  });
});

describe('engineFor (how both front doors make the engine)', () => {
  it('names each account in the store by a digest of its key: accounts never share a limiter, and no key is stored', async () => {
    const base = createMemoryStore();
    const names: string[] = [];
    const store: DeliveryStore = {
      ...base,
      take: (name, rate) => (names.push(name), base.take(name, rate)),
      pausedFor: (name) => (names.push(name), base.pausedFor(name)),
    };
    const posted: string[] = [];
    const fetch: typeof globalThis.fetch = (url, init) => {
      posted.push(`${url as string} ${new Headers(init?.headers).get('authorization')}`);
      return Promise.resolve(new Response(null, { status: 202 }));
    };
    const keys = ['pk_first_account_secret', 'pk_second_account_secret', 'pk_first_account_secret'];
    for (const [i, privateApiKey] of keys.entries()) {
      const engine = engineFor({
        privateApiKey,
        klaviyoBaseUrl: 'https://klaviyo.example',
        fetch,
        store,
        logger: createLogger('none', recordingSink().sink),
      });
      expect((await engine.deliver(plan({ events: [event(i)] }))).taken).toBe(1);
    }
    expect(posted).toEqual(keys.map((k) => `https://klaviyo.example/api/event-bulk-create-jobs Klaviyo-API-Key ${k}`));
    const accounts = names.map((n) => n.split(':')[0]);
    expect(new Set(accounts).size).toBe(2); // the same key twice is one account
    expect(accounts[0]).toBe(accounts.at(-1));
    expect(names.filter((n) => keys.some((k) => n.includes(k)))).toEqual([]);
  });
});
