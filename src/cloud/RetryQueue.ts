import type { JsonObject } from '../mapping/types.js';
import { boundedPush } from '../util/boundedPush.js';
import type { SafeStorage } from '../util/safeStorage.js';
import { toJsonText } from '../util/toJsonText.js';

/** One queued event: its message, attempts so far, when it is next due and when it was queued (ms since epoch). */
export interface QueueItem {
  id: string;
  m: JsonObject;
  n: number;
  d: number;
  /** Queued at; absent in queues stored by earlier versions (then: when this page read it). */
  t?: number;
}

/**
 * The forwarder's queue of events waiting for delivery: bounded (the oldest goes to `onDrop`), in call
 * order, written to `storage` under `key` after every change so that the next page or another tab can
 * deliver what this page could not. Knows nothing of HTTP or timers.
 */
export class RetryQueue {
  items: QueueItem[] = [];

  constructor(
    private readonly storage: SafeStorage,
    private readonly key: string,
    private readonly max: number,
    private readonly onDrop: (item: QueueItem) => void,
  ) {}

  add(item: QueueItem): void {
    boundedPush(this.items, item, this.max, this.onDrop);
    this.persist();
  }

  /** Remove delivered (or refused) items. */
  remove(done: Iterable<QueueItem>): void {
    const gone = new Set(done);
    this.items = this.items.filter((i) => !gone.has(i));
    this.persist();
  }

  /**
   * Count a failed attempt for each of `batch`, due again `delayFor(attempts)` ms from `now`; items
   * queued `maxAgeMs` ago or more leave the queue and are returned (to be logged). An outage burns
   * no attempt budget: only time does.
   */
  failed(batch: QueueItem[], now: number, delayFor: (attempts: number) => number, maxAgeMs: number): QueueItem[] {
    const exhausted: QueueItem[] = [];
    for (const item of batch) {
      item.n += 1;
      if (now - (item.t ?? now) >= maxAgeMs) exhausted.push(item);
      else item.d = now + delayFor(item.n);
    }
    this.remove(exhausted);
    return exhausted;
  }

  /**
   * Put `theirs` (taken over from another page) before ours, keeping their due times and attempts: a
   * page load is not a retry. Returns how many were new.
   */
  merge(theirs: QueueItem[], now: number): number {
    const mine = new Set(this.items.map((i) => i.id));
    const fresh = theirs.filter((i) => !mine.has(i.id)).map((i) => ({ ...i, t: i.t ?? now }));
    if (!fresh.length) return 0;
    // Over the bound the oldest go through the same drop as any other: logged, never silently.
    const merged: QueueItem[] = [];
    for (const item of [...fresh, ...this.items]) boundedPush(merged, item, this.max, this.onDrop);
    this.items = merged;
    this.persist();
    return fresh.length;
  }

  /** Make `items` due no earlier than `at` (their fate is unknown: a beacon, a request left to the browser). */
  postpone(items: Iterable<QueueItem>, at: number): void {
    for (const item of items) item.d = Math.max(item.d, at);
    this.persist();
  }

  /** Forget every item (logout, consent withdrawn). */
  clear(): void {
    this.items = [];
    this.persist();
  }

  /** When the earliest item is due, or `undefined` when the queue is empty. */
  nextDue(): number | undefined {
    return this.items.length ? Math.min(...this.items.map((i) => i.d)) : undefined;
  }

  private persist(): void {
    if (this.items.length) this.storage.set(this.key, toJsonText(this.items));
    else this.storage.remove(this.key);
  }
}

/** The items of a stored queue; `undefined` when the text is not a queue (corrupted or foreign). */
export function parseStoredQueue(text: string | null): QueueItem[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text ?? '[]');
    if (!Array.isArray(parsed)) return undefined;
    return parsed.filter(
      (i): i is QueueItem =>
        !!i && typeof i === 'object' && typeof (i as QueueItem).id === 'string' && !!(i as QueueItem).m,
    );
  } catch {
    return undefined;
  }
}
