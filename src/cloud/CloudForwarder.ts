import type { CloudModeOptions, DeliveryReport, ResolvedConfig } from '../config/KlaviyoOptions.js';
import type { Logger } from '../logger/createLogger.js';
import { describe } from '../logger/describe.js';
import { say } from '../logger/say.js';
import { warnAll } from '../logger/warnAll.js';
import type { JsonObject, RudderMessage } from '../mapping/types.js';
import { toJsonObject } from '../mapping/toJsonValue.js';
import { pageContext } from '../util/pageContext.js';
import { createSafeStorage, STORAGE_PREFIX, type SafeStorage } from '../util/safeStorage.js';
import { uuid } from '../util/uuid.js';
import { batchBody, beaconChunks, takeBatch } from './batches.js';
import { buildCloudMessage } from './buildCloudMessage.js';
import {
  BATCH_MAX_BYTES,
  BATCH_MAX_ITEMS,
  BEACON_MAX_BYTES,
  BEACON_RETRY_MS,
  EVENT_MAX_BYTES,
  FLUSH_INTERVAL_MS,
  HEARTBEAT_INTERVAL_MS,
  MAX_AGE_MS,
  QUEUE_MAX_ITEMS,
  RECLAIM_INTERVAL_MS,
  RETRY_AFTER_MAX_MS,
} from './cloudLimits.js';
import { reportForwarded, type Forwarder, type ForwardReason } from './Forwarder.js';
import { browserBeacon, fetchTransport, type Beacon, type Transport } from './httpTransport.js';
import { parseStoredQueue, RetryQueue, type QueueItem } from './RetryQueue.js';
import { retryDelay } from './retryDelay.js';
import { statusPolicy } from './statusPolicy.js';
import { retryAfterMs } from '../util/retryAfterMs.js';
import { toJsonText } from '../util/toJsonText.js';
import { TabLease } from './TabLease.js';

/** Everything the forwarder takes from its surroundings; tests replace each one. */
export interface CloudForwarderDeps {
  transport?: Transport;
  beacon?: Beacon;
  storage?: SafeStorage;
  /** @default Math.random */
  random?: () => number;
  /** @default Date.now */
  now?: () => number;
  /** @default crypto.randomUUID (or a Math.random fallback) */
  uuid?: () => string;
}

type Config = Pick<ResolvedConfig, 'listId' | 'consent' | 'smsConsent'> &
  Partial<Pick<ResolvedConfig, 'onDelivery'>> & { cloudMode: CloudModeOptions };

/**
 * Delivers forwarded calls to a cloud-mode endpoint (a RudderStack data plane or our own): it wires
 * the pieces to timers and the page lifecycle. The queue ({@link RetryQueue}) is persisted per write
 * key; batches go to `POST /v1/batch` with Basic auth; the answer is read by {@link statusPolicy};
 * retries back off with jitter ({@link retryDelay}). At page leave what waits goes out by `sendBeacon`
 * unless delivery is failing (then the next page sends it). A queue left by a closed tab is taken
 * over by one live tab ({@link TabLease}).
 */
export class CloudForwarder implements Forwarder {
  private readonly storage: SafeStorage;
  private readonly transport: Transport;
  private readonly beacon: Beacon;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly uuid: () => string;
  private readonly lease: TabLease;
  private readonly queue: RetryQueue;
  private anonymousId: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerDue = Infinity;
  private sending = false;
  /** The events of the request under way. */
  private current: Set<QueueItem> | undefined;
  /** `kdm.<writeKey>.`: every storage key of this forwarder starts with it. */
  private readonly prefix: string;
  /** Events this page has beaconed (their fate unknown: they stay queued, but are not beaconed twice). */
  private readonly beaconed = new WeakSet<QueueItem>();
  /** The last delivery attempt failed: keep events for the next page instead of beaconing them. */
  private failing = false;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly win: Window,
    deps: CloudForwarderDeps = {},
  ) {
    const storage =
      deps.storage ??
      createSafeStorage(
        () => win.localStorage,
        (why) => logger.warn(say('noStorage', why)),
      );
    // Once disposed (consent withdrawn), nothing this forwarder still has under way may write again.
    let disposed = false;
    this.storage = {
      get: (key) => storage.get(key),
      keys: () => storage.keys(),
      get persistent() {
        return storage.persistent;
      },
      set: (key, value) => void (disposed || storage.set(key, value)),
      remove: (key) => void (disposed || storage.remove(key)),
    };
    this.transport = deps.transport ?? fetchTransport(win);
    this.beacon = deps.beacon ?? browserBeacon(win);
    this.random = deps.random ?? Math.random;
    this.now = deps.now ?? Date.now;
    this.uuid = deps.uuid ?? uuid;
    this.prefix = `${STORAGE_PREFIX}.${config.cloudMode.writeKey}.`;
    this.lease = new TabLease(this.storage, this.prefix, this.uuid(), this.now);
    this.queue = new RetryQueue(this.storage, this.lease.key('items'), QUEUE_MAX_ITEMS, (dropped) =>
      logger.warn(say('queueFull', QUEUE_MAX_ITEMS, dropped.m.type, dropped.id)),
    );
    this.lease.heartbeat();
    this.reclaim();
    const intervals = [
      setInterval(() => this.lease.heartbeat(), HEARTBEAT_INTERVAL_MS),
      setInterval(() => this.reclaim(), RECLAIM_INTERVAL_MS),
    ];
    const onOnline = () => void this.flush();
    const onPageHide = () => this.leave(true);
    const onPageShow = () => this.resume();
    const onVisibility = () => {
      if (win.document.visibilityState === 'hidden') this.leave(false);
    };
    win.addEventListener('online', onOnline);
    win.addEventListener('pagehide', onPageHide);
    win.addEventListener('pageshow', onPageShow);
    win.document?.addEventListener('visibilitychange', onVisibility);
    this.dispose = () => {
      disposed = true;
      intervals.forEach(clearInterval);
      clearTimeout(this.timer);
      win.removeEventListener('online', onOnline);
      win.removeEventListener('pagehide', onPageHide);
      win.removeEventListener('pageshow', onPageShow);
      win.document?.removeEventListener('visibilitychange', onVisibility);
    };
  }

  /** Stop timers and listeners (the page is going away for good, or a test is done with it). */
  readonly dispose: () => void;

  forward(message: RudderMessage, reason: ForwardReason): void {
    const warnings: string[] = [];
    const m = buildCloudMessage(message, reason, this.config, this.capture(), warnings);
    warnAll(this.logger, `${describe(m.type)} (cloud mode)`, warnings);
    const size = toJsonText(m).length;
    if (size > EVENT_MAX_BYTES) {
      this.logger.warn(say('tooBig', m.type, size, EVENT_MAX_BYTES));
      this.report(m, 'lost', say('tooBig', m.type, size, EVENT_MAX_BYTES));
      return;
    }
    this.queue.add({ id: m.messageId as string, m, n: 0, d: this.now(), t: this.now() });
    this.report(m, 'queued');
    this.schedule(this.now() + FLUSH_INTERVAL_MS);
  }

  keep(message: RudderMessage): RudderMessage {
    return toJsonObject(message, 'message', []);
  }

  /** Logout or consent withdrawn: drop every queued event (they hold personal data) and the fallback id. */
  reset(): void {
    if (this.queue.items.length) this.logger.info(say('queueDiscarded', this.queue.items.length));
    this.queue.clear();
    this.anonymousId = undefined;
  }

  /** Events waiting for delivery (a copy), for diagnostics and tests. */
  queued(): JsonObject[] {
    return this.queue.items.map((i) => i.m);
  }

  /** Send every event that is due now, in batches. */
  async flush(): Promise<void> {
    if (this.sending) return;
    if (this.win.navigator?.onLine === false) return; // `online` flushes again
    this.sending = true;
    try {
      for (;;) {
        if (this.pausedUntil() > this.now()) break; // Retry-After, set by this page or another
        const batch = takeBatch(this.queue.items, this.now(), BATCH_MAX_ITEMS, BATCH_MAX_BYTES);
        if (!batch.length) break;
        await this.send(batch);
      }
    } finally {
      this.sending = false;
      this.scheduleNextDue();
    }
  }

  private capture() {
    const page = pageContext(this.win);
    return {
      anonymousId: (this.anonymousId ??= this.uuid()),
      messageId: this.uuid(),
      now: new Date(this.now()).toISOString(),
      page: Object.keys(page).length ? page : undefined,
      userAgent: this.win.navigator?.userAgent,
      locale: this.win.navigator?.language,
    };
  }

  private sentAt(): string {
    return new Date(this.now()).toISOString();
  }

  private async send(batch: QueueItem[]): Promise<void> {
    const { dataPlaneUrl, writeKey } = this.config.cloudMode;
    const body = batchBody(batch, this.sentAt());
    // keepalive has a 64 KiB quota per page: only bodies that fit get it.
    const keepalive = body.length <= BEACON_MAX_BYTES;
    this.current = new Set(batch);
    let answer: number | { status: number; retryAfter?: string };
    try {
      answer = await this.transport(
        `${dataPlaneUrl}/v1/batch`,
        { 'Content-Type': 'application/json', Authorization: `Basic ${btoa(`${writeKey}:`)}` },
        body,
        keepalive,
      );
    } finally {
      this.current = undefined;
    }
    const status = typeof answer === 'number' ? answer : answer.status;
    // Retry-After (of a 429 or 503) sets when to retry, not whether.
    const header = typeof answer === 'number' || (status !== 429 && status !== 503) ? undefined : answer.retryAfter;
    const wait = retryAfterMs(header, this.now());
    switch (statusPolicy(status, batch.length)) {
      case 'ok':
        this.failing = false;
        this.queue.remove(batch);
        this.logger.debug(say('delivered', batch.length));
        for (const item of batch) this.report(item.m, 'delivered');
        return;
      case 'split': {
        const half = Math.ceil(batch.length / 2);
        await this.send(batch.slice(0, half));
        await this.send(batch.slice(half));
        return;
      }
      case 'retry': {
        this.failing = true;
        // One jitter draw per batch: its events stay together on the retry.
        const jitter = this.random();
        const honoured = wait === undefined ? 0 : Math.min(wait, RETRY_AFTER_MAX_MS);
        // Retry-After holds every request of this write key, in every tab and on the next pages.
        if (honoured) this.storage.set(this.pauseKey(), String(this.now() + honoured));
        const delayFor = (attempts: number) =>
          Math.max(
            retryDelay(attempts, () => jitter),
            honoured,
          );
        const gaveUp = this.queue.failed(batch, this.now(), delayFor, MAX_AGE_MS);
        for (const item of gaveUp) {
          this.logger.warn(say('gaveUp', item.m.type, item.id, MAX_AGE_MS / 3_600_000, item.n, describeStatus(status)));
          this.report(item.m, 'lost', `given up after ${MAX_AGE_MS / 3_600_000} h (${describeStatus(status)})`);
        }
        this.logger.info(say('willRetry', describeStatus(status)));
        for (const item of batch) if (!gaveUp.includes(item)) this.report(item.m, 'retrying', describeStatus(status));
        return;
      }
      case 'drop':
        this.queue.remove(batch);
        this.logger.warn(say('refused', batch.length, describeStatus(status)));
        for (const item of batch) this.report(item.m, 'lost', `refused: ${describeStatus(status)}`);
    }
  }

  private report(m: JsonObject, state: DeliveryReport['state'], reason?: string): void {
    reportForwarded(this.config.onDelivery, m, state, reason);
  }

  /**
   * Page leave: beacon what is waiting, unless delivery is failing (then the next page sends it). At
   * least once: an event leaves the stored queue only when the endpoint answered. Beaconed events and
   * those of a request still under way stay stored (due again after {@link BEACON_RETRY_MS}), and the
   * next page (or this one, shown again) sends them again; their `messageId` makes the repeat harmless.
   */
  private leave(final: boolean): void {
    const current = this.current;
    // An event this page beaconed already (hidden, then pagehide) is not beaconed again.
    const waiting = this.queue.items.filter((item) => !current?.has(item) && !this.beaconed.has(item));
    // A failing endpoint would lose a beacon, and inside a Retry-After window (set by this page or an
    // earlier one) the endpoint asked for quiet: a stored queue waits for the next page instead. A queue
    // held only in memory has no next page: beaconing it is its only chance.
    const quiet = this.failing || this.pausedUntil() > this.now();
    if ((!quiet || !this.storage.persistent) && waiting.length) {
      const { dataPlaneUrl, writeKey } = this.config.cloudMode;
      const url = `${dataPlaneUrl}/beacon/v1/batch?writeKey=${encodeURIComponent(writeKey)}`;
      const sentAt = this.sentAt();
      for (const chunk of beaconChunks(waiting, sentAt, BEACON_MAX_BYTES)) {
        if (!this.beacon(url, batchBody(chunk, sentAt))) break;
        for (const item of chunk) this.beaconed.add(item);
        this.queue.postpone(chunk, this.now() + BEACON_RETRY_MS);
      }
    }
    // A final leave hands the queue over at once: the next page (or another tab) may take it now.
    if (final) this.lease.release();
  }

  /** Back from the back/forward cache: if another page took our queue over meanwhile, it is theirs now. */
  private resume(): void {
    if (this.storage.persistent && this.queue.items.length && this.storage.get(this.lease.key('items')) === null) {
      this.queue.items = [];
    }
    this.lease.heartbeat();
    this.scheduleNextDue();
  }

  /** Take over queues whose tab stopped its heartbeat (closed, or reloaded: see {@link leave}). */
  private reclaim(): void {
    this.lease.claimAbandoned((tab) => {
      const text = this.storage.get(this.lease.key('items', tab));
      const theirs = parseStoredQueue(text);
      if (!theirs && text !== null) {
        const aside = `${this.prefix}corrupt.${tab}`;
        this.storage.set(aside, text); // kept for inspection, never parsed again
        this.logger.warn(say('badStoredQueue', aside));
      }
      this.lease.forget(tab);
      const taken = this.queue.merge(theirs ?? [], this.now());
      if (!taken) return;
      this.logger.info(say('tookOver', taken));
      void this.flush();
    });
  }

  private pauseKey(): string {
    return `${this.prefix}pause`;
  }

  /** Until when a `Retry-After` holds requests (0: it does not). */
  private pausedUntil(): number {
    return Number(this.storage.get(this.pauseKey())) || 0;
  }

  private schedule(at: number): void {
    if (at >= this.timerDue) return;
    clearTimeout(this.timer);
    this.timerDue = at;
    this.timer = setTimeout(
      () => {
        this.timerDue = Infinity;
        void this.flush();
      },
      Math.max(0, at - this.now()),
    );
  }

  private scheduleNextDue(): void {
    const due = this.queue.nextDue();
    if (due !== undefined) this.schedule(Math.max(due, this.pausedUntil()));
  }
}

function describeStatus(status: number): string {
  return status === 0 ? say('netError') : `HTTP ${status}`;
}
