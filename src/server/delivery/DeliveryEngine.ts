import type { Logger } from '../../logger/createLogger.js';
import type { JsonObject } from '../../mapping/types.js';
import { toJsonText } from '../../util/toJsonText.js';
import type { KlaviyoServerApi, ServerApiOutcome } from '../KlaviyoServerApi.js';
import { mergeProfile, profileKey, type Plan } from '../planBatch.js';
import { eventJobBody, profileImportJobBody, singleEventBody, subscriptionJobBody } from '../serverBodies.js';
import { digest } from './digest.js';
import { Dispatcher } from './Dispatcher.js';
import type { DeliveryStore } from './DeliveryStore.js';
import {
  DISPATCH_RATES,
  MAX_EVENTS_PER_JOB,
  MAX_JOB_BYTES,
  MAX_PROFILES_PER_IMPORT_JOB,
  MAX_PROFILES_PER_SUBSCRIPTION_JOB,
  type JobPath,
} from './klaviyoLimits.js';
import { Pool, settleAll, type Pending, type Retry, type Settle } from './Pool.js';
import { RequestAnswer, type Delivery } from './RequestAnswer.js';

export type { Delivery } from './RequestAnswer.js';

/** Work not in a job this long after its request came is taken back: the request is answered 429. */
export const POOL_WAIT_MS = 8_000;
/**
 * A request is answered this long after it came at the latest (504 for work whose job Klaviyo has not
 * answered yet: the job goes on, the browser's retry is harmless): under the browser's 15 s timeout.
 */
export const ANSWER_BY_MS = 12_000;
/** What a request says of work whose job Klaviyo has not answered by {@link ANSWER_BY_MS}. */
const UNANSWERED: Retry = {
  kind: 'retry',
  status: 504,
  reason: `Klaviyo has not answered within ${ANSWER_BY_MS} ms`,
};
/** `Retry-After` when the shared store (Redis) failed. */
export const STORE_DOWN_RETRY_AFTER_S = 5;
/** What a request says of its work while the shared store (Redis) fails. */
const STORE_DOWN: Retry = {
  kind: 'retry',
  status: 503,
  retryAfterS: STORE_DOWN_RETRY_AFTER_S,
  reason: 'the shared store (Redis) is unreachable',
};

interface EventWork {
  profile: JsonObject;
  profileKey: string;
  attributes: JsonObject;
}
interface UpsertWork {
  profileKey: string;
  attributes: JsonObject;
  digest: string;
}
interface SubscriptionWork {
  listId: string;
  profile: JsonObject;
}

/** Bytes of a job body around its entries. */
const ENVELOPE_BYTES = 200;

/**
 * The one delivery engine of the server side (docs/cloud-endpoint.md, "Pooled delivery"): the
 * RudderStack-wire endpoint and the walkerOS destination hand it planned work, and it pools what
 * concurrent requests bring into Klaviyo's bulk jobs, dispatched at the rate the account allows
 * ({@link Dispatcher}, limiter and 429 pause in the {@link DeliveryStore}, shared by instances):
 * events of many profiles per event job (one entry per key: never two with the same profile, metric
 * and `unique_id`), an identify's traits on its profile's entry when the profile has events in the job,
 * else profile bulk import jobs, subscriptions per list. A request's promise resolves once Klaviyo took
 * or refused each of its pieces, or with a retryable status: 429 when the backlog cannot be served in
 * time, 503 when the store is down, Klaviyo's own failures.
 */
export class DeliveryEngine {
  private readonly events = new Pool<EventWork>();
  /** Events of a job Klaviyo refused without saying which: sent one by one to find the one at fault. */
  private readonly singles = new Pool<EventWork>();
  private readonly upserts = new Pool<UpsertWork>();
  private readonly subscriptions = new Pool<SubscriptionWork>();
  /** Every pool, for what concerns all the work waiting (taken back, answered when the store fails). */
  private readonly pools: Array<Pool<unknown>> = [this.events, this.singles, this.upserts, this.subscriptions];
  private readonly dispatch: Record<JobPath, Dispatcher>;
  private storeFailing = false;

  private readonly store: DeliveryStore;

  constructor(
    private readonly api: KlaviyoServerApi,
    store: DeliveryStore,
    private readonly logger: Logger,
    /** One Klaviyo account's name in the store (a digest of its private key): accounts never share a limiter. */
    account: string,
  ) {
    this.store = scoped(store, account);
    const loop = (path: JobPath, waiting: () => boolean, sendNext: () => Promise<void> | undefined) =>
      new Dispatcher(path, this.store, waiting, sendNext, (error) => this.storeDown(error));
    this.dispatch = {
      'event-bulk-create-jobs': loop(
        'event-bulk-create-jobs',
        () => this.events.size > 0,
        () => this.sendEvents(),
      ),
      events: loop(
        'events',
        () => this.singles.size > 0,
        () => this.sendSingle(),
      ),
      'profile-bulk-import-jobs': loop(
        'profile-bulk-import-jobs',
        () => this.upserts.size > 0,
        () => this.sendUpserts(),
      ),
      'profile-subscription-bulk-create-jobs': loop(
        'profile-subscription-bulk-create-jobs',
        () => this.subscriptions.size > 0,
        () => this.sendSubscriptions(),
      ),
    };
  }

  /** Deliver a request's plan; resolves within {@link ANSWER_BY_MS}, never rejects. */
  async deliver(plan: Plan): Promise<Delivery> {
    const answer = new RequestAnswer();
    if (!plan.events.length && !plan.upserts.length && !plan.subscriptions.length) return answer.delivery;
    // Admission: a backlog that cannot be served before the request must be answered is answered now.
    // The store's two answers are asked for together (one round trip's wait on Redis), the pause only
    // when there are events to pace.
    let known: Array<string | undefined>;
    let waitMs: number;
    try {
      const [last, paused] = await Promise.all([
        this.store.lastUpserts(plan.upserts.map((u) => u.profile)),
        plan.events.length ? this.store.pausedFor('event-bulk-create-jobs') : 0,
      ]);
      known = last;
      waitMs = Math.max(paused, this.backlogMs(plan.events.length));
      this.storeFailing = false;
    } catch (error) {
      this.storeDown(error);
      return answer.failAll(STORE_DOWN, messagesOf(plan));
    }
    if (plan.events.length && waitMs > POOL_WAIT_MS) return answer.failAll(backlogged(waitMs), messagesOf(plan));
    plan.upserts.forEach((upsert, i) => {
      const d = digest(toJsonText(upsert.attributes));
      const settle = answer.piece(upsert.messageIds);
      if (known[i] === d) return settle({ kind: 'taken' }); // Klaviyo has it already
      const work = { profileKey: upsert.profile, attributes: upsert.attributes, digest: d };
      this.upserts.add(upsert.profile, work, bytesOf(upsert.attributes), settle, merged);
    });
    for (const event of plan.events) {
      const who = profileKey(event.profile);
      const metric = (event.attributes.metric as { data: { attributes: { name: string } } }).data.attributes.name;
      const key = JSON.stringify([who, metric, event.attributes.unique_id]);
      const work = { profile: event.profile, profileKey: who, attributes: event.attributes };
      this.events.add(key, work, bytesOf(event.attributes) + bytesOf(event.profile), answer.piece([event.messageId]));
    }
    for (const s of plan.subscriptions) {
      const key = JSON.stringify([s.listId, profileKey(s.profile)]);
      this.subscriptions.add(
        key,
        { listId: s.listId, profile: s.profile },
        bytesOf(s.profile),
        answer.piece([s.messageId]),
      );
    }
    const waits = answer.added([
      [POOL_WAIT_MS, () => this.takeBack(answer.unsettled())],
      [ANSWER_BY_MS, () => answer.unsettled().forEach((settle) => settle(UNANSWERED))],
    ]);
    if (waits) for (const d of Object.values(this.dispatch)) d.wake();
    return answer.done;
  }

  /** Work of a request not in a job {@link POOL_WAIT_MS} after it came is taken back: the browser is told when to come back. */
  private takeBack(unsettled: Settle[]): void {
    const waiting = unsettled.filter((settle) => this.pools.some((pool) => pool.withdraw(settle)));
    if (!waiting.length) return;
    void this.store
      .pausedFor('event-bulk-create-jobs')
      .catch(() => 0)
      .then((paused) => {
        const outcome = backlogged(Math.max(paused, this.backlogMs(0)));
        for (const settle of waiting) settle(outcome);
      });
  }

  /** How long the events pooled (and `more`) take to leave in full jobs at the account's sustained rate, in ms. */
  private backlogMs(more: number): number {
    const jobs = Math.ceil((this.events.size + more) / MAX_EVENTS_PER_JOB);
    return jobs * (60_000 / DISPATCH_RATES['event-bulk-create-jobs'].perMinute);
  }

  /** An event job from the oldest events, with the traits of their profiles' pooled upserts riding along. */
  private sendEvents(): Promise<void> | undefined {
    let count = 0;
    let bytes = ENVELOPE_BYTES;
    const entries = this.events.take((e) => {
      if (count >= MAX_EVENTS_PER_JOB || bytes + e.bytes > MAX_JOB_BYTES) return false;
      count += 1;
      bytes += e.bytes;
      return true;
    });
    if (!entries.length) return undefined;
    const groups = new Map<
      string,
      { profile: JsonObject; events: Array<Pending<EventWork>>; upsert?: Pending<UpsertWork> }
    >();
    for (const entry of entries) {
      const group = groups.get(entry.item.profileKey) ?? { profile: entry.item.profile, events: [] };
      group.events.push(entry);
      groups.set(entry.item.profileKey, group);
    }
    for (const [who, group] of groups) group.upsert = this.upserts.takeKey(who);
    const list = [...groups.values()];
    const body = eventJobBody(
      list.map((g) => ({
        profile: g.upsert ? { ...g.upsert.item.attributes, ...g.profile } : g.profile,
        events: g.events.map((e) => e.item.attributes),
      })),
    );
    this.dispatch['profile-bulk-import-jobs'].wake(); // upserts left without events may go on their own now
    return this.api.post('event-bulk-create-jobs', body).then((outcome) => {
      const riding = list.flatMap((g) => (g.upsert ? [g.upsert] : []));
      if (outcome.kind === 'taken') return this.taken([...entries], riding);
      if (outcome.kind === 'throttled')
        return this.throttled('event-bulk-create-jobs', outcome, this.events, entries, riding);
      if (outcome.kind === 'retry') return settleAll([...entries, ...riding], outcome);
      // Refused: the events (or profile entries) Klaviyo pointed at are refused; the rest is sent again, once.
      const named = new Set<string>();
      for (const pointer of outcome.pointers) {
        const at = /^\/data\/attributes\/events-bulk-create\/data\/(\d+)(?:\/attributes\/events\/data\/(\d+))?/.exec(
          pointer,
        );
        if (at) named.add(at[2] === undefined ? at[1] : `${at[1]}/${at[2]}`);
      }
      if (!named.size && entries.length > 1 && !entries.some((e) => e.resent)) {
        this.logger.warn(
          `${outcome.reason}; sending its ${entries.length} events one by one to find the one at fault.`,
        );
        for (const e of entries) e.resent = true;
        this.singles.putBack(entries);
        this.upserts.putBack(riding);
        this.dispatch.events.wake();
        return;
      }
      const refused = { kind: 'refused', reason: outcome.reason } as const;
      const again: Array<Pending<EventWork>> = [];
      list.forEach((group, i) => {
        if (named.has(String(i)) || !named.size)
          return settleAll(group.upsert ? [...group.events, group.upsert] : group.events, refused);
        const resend = group.events.filter((e, j) => !named.has(`${i}/${j}`) && !e.resent);
        settleAll(
          group.events.filter((e) => !resend.includes(e)),
          refused,
        );
        again.push(...resend);
        if (group.upsert) this.upserts.putBack([group.upsert]);
      });
      for (const e of again) e.resent = true;
      this.events.putBack(again);
      this.dispatch['event-bulk-create-jobs'].wake();
    });
  }

  /** One event of a refused job, alone: taken, or refused for good with Klaviyo's reason. */
  private sendSingle(): Promise<void> | undefined {
    const entries = this.singles.takeFirst(1);
    if (!entries.length) return undefined;
    const { profile, attributes } = entries[0].item;
    return this.api.post('events', singleEventBody(profile, attributes)).then((outcome) => {
      if (outcome.kind === 'throttled') return this.throttled('events', outcome, this.singles, entries, []);
      settleAll(entries, outcome.kind === 'refused' ? { kind: 'refused', reason: outcome.reason } : outcome);
    });
  }

  /** Upserts whose profile has no event waiting (those ride on its event job), in a profile bulk import job. */
  private sendUpserts(): Promise<void> | undefined {
    const withEvents = new Set(this.events.items().map((e) => e.profileKey));
    let bytes = ENVELOPE_BYTES;
    const entries = this.upserts
      .take((u) => {
        if (withEvents.has(u.key) || bytes + u.bytes > MAX_JOB_BYTES) return false;
        bytes += u.bytes;
        return true;
      })
      .slice(0, MAX_PROFILES_PER_IMPORT_JOB);
    if (!entries.length) return undefined;
    const body = profileImportJobBody(entries.map((e) => e.item.attributes));
    return this.api.post('profile-bulk-import-jobs', body).then((outcome) => {
      if (outcome.kind === 'taken') return this.taken([], entries);
      if (outcome.kind === 'throttled')
        return this.throttled('profile-bulk-import-jobs', outcome, this.upserts, [], entries);
      this.refusedOrRetry(outcome, entries, this.upserts, 'profile-bulk-import-jobs');
    });
  }

  /** Subscriptions to the list of the oldest waiting, in one job. */
  private sendSubscriptions(): Promise<void> | undefined {
    let listId: string | undefined;
    let count = 0;
    const entries = this.subscriptions.take((s) => {
      listId ??= s.item.listId;
      if (s.item.listId !== listId || count >= MAX_PROFILES_PER_SUBSCRIPTION_JOB) return false;
      count += 1;
      return true;
    });
    if (!entries.length || !listId) return undefined;
    const body = subscriptionJobBody(
      listId,
      entries.map((e) => e.item.profile),
    );
    const path = 'profile-subscription-bulk-create-jobs';
    return this.api.post(path, body).then((outcome) => {
      if (outcome.kind === 'taken') return settleAll(entries, { kind: 'taken' });
      if (outcome.kind === 'throttled') return this.throttled(path, outcome, this.subscriptions, entries, []);
      this.refusedOrRetry(outcome, entries, this.subscriptions, path);
    });
  }

  /** A job refused (the named entries for good, the rest sent again once) or failing retryably. */
  private refusedOrRetry<T>(
    outcome: Exclude<ServerApiOutcome, { kind: 'taken' | 'throttled' }>,
    entries: Array<Pending<T>>,
    pool: Pool<T>,
    path: JobPath,
  ): void {
    if (outcome.kind === 'retry') return settleAll(entries, outcome);
    const named = new Set(outcome.pointers.map((p) => /^\/data\/attributes\/profiles\/data\/(\d+)/.exec(p)?.[1]));
    named.delete(undefined);
    const again = entries.filter((e, i) => named.size && !named.has(String(i)) && !e.resent);
    settleAll(
      entries.filter((e) => !again.includes(e)),
      { kind: 'refused', reason: outcome.reason },
    );
    for (const e of again) e.resent = true;
    pool.putBack(again);
    if (again.length) this.dispatch[path].wake();
  }

  private taken(events: Array<Pending<EventWork>>, upserts: Array<Pending<UpsertWork>>): void {
    settleAll([...events, ...upserts], { kind: 'taken' });
    if (upserts.length) {
      this.store
        .rememberUpserts(upserts.map((u) => [u.item.profileKey, u.item.digest]))
        .catch((error: unknown) =>
          this.logger.warn('could not remember the upserts Klaviyo took (the store failed)', error),
        );
    }
  }

  /** Klaviyo's 429: every instance pauses this endpoint; the work goes back, first in line. */
  private throttled<T>(
    path: JobPath,
    outcome: { retryAfterMs: number },
    pool: Pool<T>,
    entries: Array<Pending<T>>,
    upserts: Array<Pending<UpsertWork>>,
  ): void {
    this.logger.info(`Klaviyo throttled ${path}; every instance waits ${outcome.retryAfterMs} ms.`);
    pool.putBack(entries);
    this.upserts.putBack(upserts);
    this.store.pause(path, outcome.retryAfterMs).then(
      () => this.dispatch[path].wake(),
      (error: unknown) => this.storeDown(error),
    );
  }

  /** The store failed: everything waiting is answered retryable now (the browsers keep it), and it is said once. */
  private storeDown(error: unknown): void {
    if (!this.storeFailing)
      this.logger.error('the shared store (Redis) failed; answering 503 so browsers retry.', error);
    this.storeFailing = true;
    for (const pool of this.pools) settleAll(pool.drain(), STORE_DOWN);
  }
}

/** `store` with every name and profile in it prefixed by the account. */
function scoped(store: DeliveryStore, account: string): DeliveryStore {
  const name = (n: string) => `${account}:${n}`;
  return {
    take: (n, rate) => store.take(name(n), rate),
    pausedFor: (n) => store.pausedFor(name(n)),
    pause: (n, ms) => store.pause(name(n), ms),
    lastUpserts: (profiles) => store.lastUpserts(profiles.map(name)),
    rememberUpserts: (entries) => store.rememberUpserts(entries.map(([p, d]) => [name(p), d])),
  };
}

/** The answer for work that cannot leave in time: come back when the backlog (`ms`) is served, 1 s at least. */
const backlogged = (ms: number): Retry => ({
  kind: 'retry',
  status: 429,
  retryAfterS: Math.max(1, Math.ceil(ms / 1000)),
  reason: 'Klaviyo backlog over the wait allowed',
});

/** Every message a plan has work for. */
const messagesOf = (plan: Plan): string[] => [
  ...new Set([
    ...plan.upserts.flatMap((u) => u.messageIds),
    ...plan.events.map((e) => e.messageId),
    ...plan.subscriptions.map((s) => s.messageId),
  ]),
];

const bytesOf = (value: JsonObject): number => toJsonText(value).length + 60;
/** Two upserts of one profile as one ({@link mergeProfile}), with the digest of the result. */
function merged(a: UpsertWork, b: UpsertWork): UpsertWork {
  const attributes = mergeProfile(a.attributes, b.attributes);
  return { ...b, attributes, digest: digest(toJsonText(attributes)) };
}
