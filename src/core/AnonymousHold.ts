import type { DeliveryReport } from '../config/KlaviyoOptions.js';
import type { Logger } from '../logger/createLogger.js';
import { say } from '../logger/say.js';
import type { KlaviyoCommand } from '../mapping/types.js';
import type { LadderCall } from '../tiers/LowerTiers.js';
import { reportCall } from '../tiers/reportCall.js';
import { atIdle } from '../util/atIdle.js';
import { ownJsonText } from '../util/ownJsonText.js';
import { HOLD_MAX_AGE_MS, HOLD_MAX_CALLS } from './coreLimits.js';

/** A call of an anonymous shopper, mapped (each track with its dedupe key), with its capture time. */
export interface Held {
  call: LadderCall;
  commands: KlaviyoCommand[];
}

/**
 * The calls of a shopper nobody knows yet (docs/behaviour.md, "Anonymous shoppers"), held until the
 * shopper is known: nowhere else could attribute them. klaviyo.js's own cache would send them without
 * their dedupe key, and the Client API and cloud mode need an identifier. They are kept in order and
 * persisted (`kdm.<public key>.held`, written at idle and when the page is hidden or left), so a
 * shopper who browses several pages and identifies at checkout has every call delivered then, once,
 * with its original time. Bounded: at most {@link HOLD_MAX_CALLS} calls, none older than
 * {@link HOLD_MAX_AGE_MS}; what is dropped is logged and reported. Nothing is written while `canStore`
 * says no (consent), and nothing here throws.
 *
 * Each call is written once: what another tab took (and delivered) is not written back by this one.
 */
export class AnonymousHold {
  /** Calls held on this page and not written yet, oldest first. */
  private fresh: Held[] = [];
  private scheduled = false;

  constructor(
    private readonly key: string,
    private readonly win: Window,
    private readonly logger: Logger,
    private readonly onDelivery: ((report: DeliveryReport) => void) | undefined,
    private readonly canStore: () => boolean,
    private readonly now: () => number = Date.now,
  ) {
    const persist = () => this.persist();
    win.addEventListener?.('pagehide', persist);
    win.document?.addEventListener?.('visibilitychange', () => {
      if (win.document.visibilityState === 'hidden') persist();
    });
  }

  /** Hold `held` until the shopper is known. */
  add(held: Held): void {
    this.fresh.push(held);
    this.each([held], 'held', say('heldReason'));
    this.logger.debug(say('held', held.call.type));
    if (this.fresh.length > HOLD_MAX_CALLS) this.drop(this.fresh.splice(0, 1), say('heldFull', HOLD_MAX_CALLS));
    if (this.scheduled) return;
    this.scheduled = true;
    const write = () => {
      this.scheduled = false;
      this.persist();
    };
    atIdle(this.win, write);
  }

  /** Everything held, oldest first (earlier pages' and tabs', then this page's); the hold is emptied. */
  take(): Held[] {
    const all = [...this.read(), ...this.fresh];
    this.fresh = [];
    this.remove();
    return all;
  }

  /** What this page holds in memory (not what earlier pages stored), oldest first; those are taken. */
  takeFresh(): Held[] {
    const fresh = this.fresh;
    this.fresh = [];
    return fresh;
  }

  /** Forget every held call (logout, consent withdrawn); returns how many there were. */
  clear(): number {
    const n = this.read().length + this.fresh.length;
    this.fresh = [];
    this.remove();
    return n;
  }

  /** Write this page's held calls after those already stored, within the bounds. Kept in memory when storage fails. */
  persist(): void {
    if (!this.fresh.length || !this.canStore()) return;
    try {
      const all = [...this.read(), ...this.fresh];
      if (all.length > HOLD_MAX_CALLS)
        this.drop(all.splice(0, all.length - HOLD_MAX_CALLS), say('heldFull', HOLD_MAX_CALLS));
      this.win.localStorage.setItem(this.key, ownJsonText(all));
      this.fresh = [];
    } catch {
      // storage unusable: this page keeps them in memory
    }
  }

  /** What earlier pages stored that is still young enough; the rest is dropped, logged and reported. */
  private read(): Held[] {
    let list: unknown;
    try {
      list = JSON.parse(this.win.localStorage.getItem(this.key) ?? '[]');
    } catch {
      return [];
    }
    if (!Array.isArray(list)) return [];
    const held = (list as Held[]).filter((h) => Array.isArray(h?.commands) && typeof h.call?.type === 'string');
    const oldest = this.now() - HOLD_MAX_AGE_MS;
    const stale = held.filter((h) => !(Date.parse(h.call.time ?? '') >= oldest));
    if (stale.length) this.drop(stale, say('heldStale', HOLD_MAX_AGE_MS / 86_400_000));
    return held.filter((h) => !stale.includes(h));
  }

  private remove(): void {
    try {
      this.win.localStorage.removeItem(this.key);
    } catch {
      // nothing stored
    }
  }

  private drop(held: Held[], why: string): void {
    this.logger.warn(say('heldDropped', held.length, why));
    this.each(held, 'lost', why);
  }

  private each(held: Held[], state: DeliveryReport['state'], why: string): void {
    for (const { call, commands } of held)
      for (const command of commands)
        if (command[0] !== 'trackViewedItem') reportCall(this.onDelivery, call, command, 'klaviyo.js', state, why);
  }
}
