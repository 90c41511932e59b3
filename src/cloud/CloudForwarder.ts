import {
  ACK_INTERVAL_MS,
  BATCH_MAX_BYTES,
  BATCH_MAX_ITEMS,
  BEACON_MAX_BYTES,
  CLAIM_SETTLE_MS,
  EVENT_MAX_BYTES,
  FLUSH_INTERVAL_MS,
  MAX_ATTEMPTS,
  QUEUE_MAX_ITEMS,
  RECLAIM_AFTER_MS,
  RECLAIM_INTERVAL_MS,
  STORAGE_PREFIX,
} from '../config/defaults.js';
import type { CloudModeOptions, ResolvedConfig } from '../config/KlaviyoOptions.js';
import type { Logger } from '../logger/createLogger.js';
import type { JsonObject, RudderMessage } from '../mapping/types.js';
import { say } from '../logger/say.js';
import { buildCloudMessage } from './buildCloudMessage.js';
import type { Forwarder, ForwardReason } from './Forwarder.js';
import { browserBeacon, fetchTransport, type Beacon, type Transport } from './httpTransport.js';
import { createQueueStorage, type QueueStorage } from './queueStorage.js';
import { retryDelay } from './retryDelay.js';
import { pageContext } from '../util/pageContext.js';
import { uuid } from '../util/uuid.js';

/** One queued event: its message, attempts so far, and when it is next due (ms since epoch). */
interface Item {
  id: string;
  m: JsonObject;
  n: number;
  d: number;
}

/** Everything the forwarder takes from its surroundings; tests replace each one. */
export interface CloudForwarderDeps {
  transport?: Transport;
  beacon?: Beacon;
  storage?: QueueStorage;
  /** @default Math.random */
  random?: () => number;
  /** @default Date.now */
  now?: () => number;
  /** @default crypto.randomUUID (or a Math.random fallback) */
  uuid?: () => string;
}

type Config = Pick<ResolvedConfig, 'listId' | 'consent' | 'smsConsent'> & { cloudMode: CloudModeOptions };

/**
 * Delivers forwarded calls to a RudderStack data plane (SPEC §4): `POST /v1/batch` with Basic auth of
 * the cloud write key; a bounded queue persisted in localStorage (keyed by write key, memory fallback);
 * exponential backoff with jitter on network errors, 5xx, 408 and 429; other 4xx dropped with a logged
 * reason; 413 splits the batch; events over 32 KB refused. At page leave the queue goes out by
 * `sendBeacon` (≤ 64 KB each) unless the data plane is failing, in which case it stays stored and the
 * next page sends it. Each tab owns its queue; a queue abandoned by a closed tab is taken over by a
 * live one, so no event is sent by two tabs.
 */
export class CloudForwarder implements Forwarder {
  private items: Item[] = [];
  private readonly storage: QueueStorage;
  private readonly transport: Transport;
  private readonly beacon: Beacon;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly uuid: () => string;
  private readonly prefix: string;
  private readonly queueId: string;
  private anonymousId: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerDue = Infinity;
  private sending = false;
  /** The request under way: its events, and whether the browser completes it if the page goes (keepalive). */
  private current: { items: Set<Item>; keepalive: boolean } | undefined;
  /** The last delivery attempt failed: keep events for the next page instead of beaconing them. */
  private failing = false;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly win: Window,
    deps: CloudForwarderDeps = {},
  ) {
    this.storage = deps.storage ?? createQueueStorage(() => win.localStorage, logger);
    this.transport = deps.transport ?? fetchTransport(win);
    this.beacon = deps.beacon ?? browserBeacon(win);
    this.random = deps.random ?? Math.random;
    this.now = deps.now ?? Date.now;
    this.uuid = deps.uuid ?? uuid;
    this.prefix = `${STORAGE_PREFIX}.${config.cloudMode.writeKey}.`;
    this.queueId = this.uuid();
    this.heartbeat();
    this.reclaim();
    const intervals = [
      setInterval(() => this.heartbeat(), ACK_INTERVAL_MS),
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
    for (const w of warnings) this.logger.warn(`${m.type} (cloud mode): ${w}`);
    const size = JSON.stringify(m).length;
    if (size > EVENT_MAX_BYTES) {
      this.logger.warn(say('tooBig', m.type, size, EVENT_MAX_BYTES));
      return;
    }
    this.items.push({ id: m.messageId as string, m, n: 0, d: this.now() });
    if (this.items.length > QUEUE_MAX_ITEMS) {
      const dropped = this.items.shift() as Item;
      this.logger.warn(say('queueFull', QUEUE_MAX_ITEMS, dropped.m.type, dropped.id));
    }
    this.persist();
    this.schedule(this.now() + FLUSH_INTERVAL_MS);
  }

  /** Logout or consent withdrawn: drop every queued event (they hold personal data) and the fallback id. */
  reset(): void {
    if (this.items.length) this.logger.info(say('queueDiscarded', this.items.length));
    this.items = [];
    this.persist();
    this.anonymousId = undefined;
  }

  /** Events waiting for delivery (a copy), for diagnostics and tests. */
  queued(): JsonObject[] {
    return this.items.map((i) => i.m);
  }

  /** Send every event that is due now, in batches. */
  async flush(): Promise<void> {
    if (this.sending) return;
    if (this.win.navigator?.onLine === false) return; // `online` flushes again
    this.sending = true;
    try {
      for (;;) {
        const batch = this.nextBatch();
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

  private nextBatch(): Item[] {
    const now = this.now();
    const batch: Item[] = [];
    let bytes = 0;
    for (const item of this.items) {
      if (item.d > now) continue;
      const size = JSON.stringify(item.m).length;
      if (batch.length && (batch.length >= BATCH_MAX_ITEMS || bytes + size > BATCH_MAX_BYTES)) break;
      batch.push(item);
      bytes += size;
    }
    return batch;
  }

  private body(batch: Item[]): string {
    const sentAt = new Date(this.now()).toISOString();
    return JSON.stringify({ batch: batch.map((i) => ({ ...i.m, sentAt })), sentAt });
  }

  private async send(batch: Item[]): Promise<void> {
    const { dataPlaneUrl, writeKey } = this.config.cloudMode;
    const body = this.body(batch);
    // keepalive has a 64 KiB quota per page: only bodies that fit get it.
    const keepalive = body.length <= BEACON_MAX_BYTES;
    this.current = { items: new Set(batch), keepalive };
    let status: number;
    try {
      status = await this.transport(
        `${dataPlaneUrl}/v1/batch`,
        { 'Content-Type': 'application/json', Authorization: `Basic ${btoa(`${writeKey}:`)}` },
        body,
        keepalive,
      );
    } finally {
      this.current = undefined;
    }
    if (status >= 200 && status < 300) {
      this.failing = false;
      this.remove(batch);
      this.logger.debug(say('delivered', batch.length));
    } else if (status === 413 && batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      await this.send(batch.slice(0, half));
      await this.send(batch.slice(half));
    } else if (status === 0 || status === 408 || status === 429 || status >= 500) {
      this.failing = true;
      const jitter = this.random(); // one draw per batch: its events stay together on the retry
      for (const item of batch) {
        item.n += 1;
        if (item.n >= MAX_ATTEMPTS) {
          this.remove([item]);
          this.logger.warn(say('gaveUp', item.m.type, item.id, MAX_ATTEMPTS, describeStatus(status)));
        } else {
          item.d = this.now() + retryDelay(item.n, () => jitter);
        }
      }
      this.persist();
      this.logger.info(say('willRetry', describeStatus(status)));
    } else {
      this.remove(batch);
      this.logger.warn(say('refused', batch.length, describeStatus(status)));
    }
  }

  private remove(done: Item[]): void {
    const ids = new Set(done);
    this.items = this.items.filter((i) => !ids.has(i));
    this.persist();
  }

  /**
   * Page leave: beacon what is waiting, unless delivery is failing (then the next page sends it).
   * On a final leave, events of a keepalive request still under way are left to the browser, which
   * completes it: they are not handed over, so the next page never sends them a second time.
   */
  private leave(final: boolean): void {
    const current = this.current;
    if (final && current?.keepalive) this.remove([...current.items]);
    const waiting = this.items.filter((item) => !current?.items.has(item));
    if (!this.failing && waiting.length) {
      const { dataPlaneUrl, writeKey } = this.config.cloudMode;
      const url = `${dataPlaneUrl}/beacon/v1/batch?writeKey=${encodeURIComponent(writeKey)}`;
      for (const chunk of this.chunks(waiting)) {
        if (!this.beacon(url, this.body(chunk))) break;
        this.remove(chunk);
      }
    }
    // A final leave hands the queue over at once: the next page (or another tab) may take it now.
    if (final) this.storage.set(this.key('ack'), '0');
  }

  /**
   * The queue cut into bodies of at most {@link BEACON_MAX_BYTES}; an event too big alone is skipped.
   * Each event is serialised once: a body's length is the empty body plus its events and commas
   * (an ISO `sentAt` always has the same length).
   */
  private chunks(items: Item[]): Item[][] {
    const empty = this.body([]).length;
    const sentAt = new Date(this.now()).toISOString();
    const chunks: Item[][] = [];
    let chunk: Item[] = [];
    let bytes = empty;
    for (const item of items) {
      const size = JSON.stringify({ ...item.m, sentAt }).length;
      const added = chunk.length ? size + 1 : size;
      if (bytes + added <= BEACON_MAX_BYTES) {
        chunk.push(item);
        bytes += added;
        continue;
      }
      if (chunk.length) chunks.push(chunk);
      const alone = empty + size <= BEACON_MAX_BYTES;
      chunk = alone ? [item] : [];
      bytes = alone ? empty + size : empty;
    }
    if (chunk.length) chunks.push(chunk);
    return chunks;
  }

  private persist(): void {
    if (this.items.length) this.storage.set(this.key('items'), JSON.stringify(this.items));
    else this.storage.remove(this.key('items'));
  }

  /** Back from the back/forward cache: if another page took our queue over meanwhile, it is theirs now. */
  private resume(): void {
    if (this.storage.persistent && this.items.length && this.storage.get(this.key('items')) === null) {
      this.items = [];
    }
    this.heartbeat();
    this.scheduleNextDue();
  }

  private heartbeat(): void {
    this.storage.set(this.key('ack'), String(this.now()));
  }

  /** The storage key of one entry of a tab's queue (this tab's by default). */
  private key(entry: 'items' | 'ack' | 'claim', queueId = this.queueId): string {
    return `${this.prefix}${queueId}.${entry}`;
  }

  /** Take over queues whose tab stopped its heartbeat (closed, or reloaded: see {@link leave}). */
  private reclaim(): void {
    if (!this.storage.persistent) return;
    for (const key of this.storage.keys()) {
      if (!key.startsWith(this.prefix) || !key.endsWith('.ack')) continue;
      const id = key.slice(this.prefix.length, -'.ack'.length);
      const ack = Number(this.storage.get(key));
      if (id === this.queueId || !(this.now() - ack > RECLAIM_AFTER_MS || ack === 0)) continue;
      const claim = this.key('claim', id);
      if (this.storage.get(claim)) continue;
      this.storage.set(claim, this.queueId);
      setTimeout(() => this.takeOver(id), CLAIM_SETTLE_MS);
    }
  }

  private takeOver(id: string): void {
    if (this.storage.get(this.key('claim', id)) !== this.queueId) return; // another tab won the claim
    let theirs: Item[] = [];
    try {
      const parsed: unknown = JSON.parse(this.storage.get(this.key('items', id)) ?? '[]');
      if (Array.isArray(parsed))
        theirs = parsed.filter((i): i is Item => !!i && typeof i === 'object' && typeof i.id === 'string' && !!i.m);
    } catch {
      this.logger.warn(say('badStoredQueue'));
    }
    for (const entry of ['items', 'ack', 'claim'] as const) this.storage.remove(this.key(entry, id));
    const mine = new Set(this.items.map((i) => i.id));
    const fresh = theirs.filter((i) => !mine.has(i.id)).map((i) => ({ ...i, d: Math.min(i.d, this.now()) }));
    if (!fresh.length) return;
    this.logger.info(say('tookOver', fresh.length));
    this.items = [...fresh, ...this.items].slice(-QUEUE_MAX_ITEMS);
    this.persist();
    void this.flush();
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
    if (!this.items.length) return;
    this.schedule(Math.min(...this.items.map((i) => i.d)));
  }
}

function describeStatus(status: number): string {
  return status === 0 ? say('netError') : `HTTP ${status}`;
}
