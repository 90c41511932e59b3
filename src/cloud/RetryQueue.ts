import type { JsonObject } from '../mapping/types.js';
import { boundedPush } from '../util/boundedPush.js';
import type { SafeStorage } from '../util/safeStorage.js';

/** One queued event: its message, attempts so far, and when it is next due (ms since epoch). */
export interface QueueItem {
  id: string;
  m: JsonObject;
  n: number;
  d: number;
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
   * that reached `maxAttempts` leave the queue and are returned (to be logged).
   */
  failed(batch: QueueItem[], now: number, delayFor: (attempts: number) => number, maxAttempts: number): QueueItem[] {
    const exhausted: QueueItem[] = [];
    for (const item of batch) {
      item.n += 1;
      if (item.n >= maxAttempts) exhausted.push(item);
      else item.d = now + delayFor(item.n);
    }
    this.remove(exhausted);
    return exhausted;
  }

  /** Put `theirs` (taken over from another page) before ours, due now at the latest; returns how many were new. */
  merge(theirs: QueueItem[], now: number): number {
    const mine = new Set(this.items.map((i) => i.id));
    const fresh = theirs.filter((i) => !mine.has(i.id)).map((i) => ({ ...i, d: Math.min(i.d, now) }));
    if (!fresh.length) return 0;
    this.items = [...fresh, ...this.items].slice(-this.max);
    this.persist();
    return fresh.length;
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
    if (this.items.length) this.storage.set(this.key, JSON.stringify(this.items));
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
