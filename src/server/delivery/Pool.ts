/** What became of one piece of work, as the browser's request needs to know it. */
export type WorkOutcome =
  | { kind: 'taken' }
  | { kind: 'refused'; reason: string }
  | { kind: 'retry'; status: 429 | 502 | 503 | 504; retryAfterS?: number; reason: string };
/** A retryable outcome. */
export type Retry = Extract<WorkOutcome, { kind: 'retry' }>;
/** Settles one piece of a request's work: the pool keeps it until the piece's job is answered. */
export type Settle = (outcome: WorkOutcome) => void;

/** One piece of work waiting in a pool: its item, who waits for it, and when they stop waiting. */
export interface Pending<T> {
  key: string;
  item: T;
  /** Bytes it adds to a job body (about). */
  bytes: number;
  /** Everyone waiting for it: a second request with the same key joins the first (same fate). */
  settles: Settle[];
  /** Set once it was resent after Klaviyo refused other entries of its job: a second refusal is final. */
  resent?: boolean;
}

/**
 * Work waiting to go into a Klaviyo job, in arrival order, one entry per key: an event that came
 * twice (a browser retry while the first copy still waits) is one entry, so a job never holds two
 * events with the same profile, metric and `unique_id` (Klaviyo would fail the whole job).
 */
export class Pool<T> {
  private readonly entries = new Map<string, Pending<T>>();

  get size(): number {
    return this.entries.size;
  }

  /** Add work, or join the entry already waiting with that key (`merge` combines their items). */
  add(key: string, item: T, bytes: number, settle: Settle, merge?: (a: T, b: T) => T): void {
    const known = this.entries.get(key);
    if (known) {
      known.settles.push(settle);
      if (merge) known.item = merge(known.item, item);
      return;
    }
    this.entries.set(key, { key, item, bytes, settles: [settle] });
  }

  /** The oldest entries that `fits` takes (it sees each in order and says whether it goes in), removed. */
  take(fits: (entry: Pending<T>) => boolean): Array<Pending<T>> {
    const out: Array<Pending<T>> = [];
    for (const entry of this.entries.values()) {
      if (!fits(entry)) continue;
      out.push(entry);
    }
    for (const entry of out) this.entries.delete(entry.key);
    return out;
  }

  /** Put entries back at the front, in their order (a job to send again). */
  putBack(entries: Array<Pending<T>>): void {
    const rest = [...this.entries.values()];
    this.entries.clear();
    for (const entry of [...entries, ...rest]) {
      const known = this.entries.get(entry.key);
      if (known) known.settles.push(...entry.settles);
      else this.entries.set(entry.key, entry);
    }
  }

  /** The first `n` entries, removed. */
  takeFirst(n: number): Array<Pending<T>> {
    const out = [...this.entries.values()].slice(0, n);
    for (const entry of out) this.entries.delete(entry.key);
    return out;
  }

  /** The items waiting, oldest first (not removed). */
  items(): T[] {
    return [...this.entries.values()].map((e) => e.item);
  }

  /** The entry with this key, removed; `undefined` when none waits. */
  takeKey(key: string): Pending<T> | undefined {
    const entry = this.entries.get(key);
    this.entries.delete(key);
    return entry;
  }

  /** Remove `settle`'s interest in every entry; an entry nobody waits for any more leaves. Returns whether any did. */
  withdraw(settle: Settle): boolean {
    let any = false;
    for (const [key, entry] of this.entries) {
      const at = entry.settles.indexOf(settle);
      if (at < 0) continue;
      any = true;
      entry.settles.splice(at, 1);
      if (!entry.settles.length) this.entries.delete(key);
    }
    return any;
  }

  /** Every entry, removed (the store is down: they are answered at once). */
  drain(): Array<Pending<T>> {
    const all = [...this.entries.values()];
    this.entries.clear();
    return all;
  }
}

/** Tell everyone waiting for `entries` what became of them. */
export function settleAll(entries: Array<Pending<unknown>>, outcome: WorkOutcome): void {
  for (const entry of entries) for (const settle of entry.settles) settle(outcome);
}
