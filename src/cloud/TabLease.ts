import { CLAIM_SETTLE_MS, RECLAIM_AFTER_MS } from './cloudLimits.js';
import type { SafeStorage } from '../util/safeStorage.js';

/** The storage entries of one tab's queue. */
export type LeaseEntry = 'items' | 'ack' | 'claim';

/**
 * Which tab owns which stored queue. Each tab writes a heartbeat (`<prefix><tab>.ack`); a queue whose
 * heartbeat stopped (tab closed, or released at page leave) is claimed by one live tab: it writes its
 * id into `<prefix><tab>.claim`, waits {@link CLAIM_SETTLE_MS} and takes the queue over only if the
 * claim still names it, so no event is ever sent by two tabs.
 */
export class TabLease {
  constructor(
    private readonly storage: SafeStorage,
    /** `kdm.<writeKey>.`: queues of other write keys are never touched. */
    private readonly prefix: string,
    /** This tab's queue id. */
    readonly id: string,
    private readonly now: () => number,
  ) {}

  /** The storage key of one entry of a tab's queue (this tab's by default). */
  key(entry: LeaseEntry, tab = this.id): string {
    return `${this.prefix}${tab}.${entry}`;
  }

  /** This tab is alive. */
  heartbeat(): void {
    this.storage.set(this.key('ack'), String(this.now()));
  }

  /** This page is going: its queue may be taken over at once. */
  release(): void {
    this.storage.set(this.key('ack'), '0');
  }

  /** Claim every abandoned queue; `takeOver(tab)` runs for each claim still ours after it settled. */
  claimAbandoned(takeOver: (tab: string) => void): void {
    if (!this.storage.persistent) return;
    for (const key of this.storage.keys()) {
      if (!key.startsWith(this.prefix) || !key.endsWith('.ack')) continue;
      const tab = key.slice(this.prefix.length, -'.ack'.length);
      const ack = Number(this.storage.get(key));
      if (tab === this.id || !(this.now() - ack > RECLAIM_AFTER_MS || ack === 0)) continue;
      const claim = this.key('claim', tab);
      if (this.storage.get(claim)) continue;
      this.storage.set(claim, this.id);
      setTimeout(() => {
        if (this.storage.get(claim) === this.id) takeOver(tab); // else another tab won the claim
      }, CLAIM_SETTLE_MS);
    }
  }

  /** Remove every entry of `tab`'s queue (after taking it over). */
  forget(tab: string): void {
    for (const entry of ['items', 'ack', 'claim'] as const) this.storage.remove(this.key(entry, tab));
  }
}
