import type { Logger } from '../logger/createLogger.js';
import type { MessageKey } from '../logger/messages.js';
import { say } from '../logger/say.js';
import { klaviyoWindow } from './KlaviyoGlobals.js';
import { loadKlaviyo, type LoaderOptions } from './KlaviyoLoader.js';

/**
 * Unanswered commands kept in klaviyo.js's pre-load queue for a late klaviyo.js. Past this, the oldest
 * is taken back out (it has gone, or will go, down the ladder): a page where klaviyo.js never arrives
 * does not grow without end.
 */
const UNANSWERED_MAX = 200;

/** `idle` before {@link KlaviyoTier.start}; then `loading → working | blocked`; a late answer moves `blocked → working`. */
export type KlaviyoState = 'idle' | 'loading' | 'working' | 'blocked';

/** A command waiting for Klaviyo's answer. */
export interface Waiting {
  /** Stop waiting now: the command counts as missed unless Klaviyo already answered (page leave). */
  giveUp(): void;
  /** Stop waiting and forget it (reset, consent withdrawn). */
  cancel(): void;
}

/**
 * What the sender of one command hears: `missed` when Klaviyo has not answered within the
 * acknowledgement timeout (at once when klaviyo.js is blocked or the push fails), else `answered`
 * with Klaviyo's answer; `late` when the answer comes after `missed`. One object per command, its
 * methods shared: the hot path makes no closures.
 */
export interface Outcomes {
  missed(): void;
  answered?(answer: unknown): void;
  late?(): void;
}

/** A command for Klaviyo's queue, without its callback. */
export type KlaviyoCall = [method: string, ...args: unknown[]];

/**
 * The first rung of the delivery ladder: klaviyo.js, judged by its own answers. Every command is
 * pushed with a callback (`push([method, ...args, callback])`, documented by Klaviyo); only the
 * callback proves Klaviyo took it. `working` on the first answer; `blocked` on a script error, a veto,
 * or no answer within `ackTimeoutMs` of the first command (a probe sent at start). A command not
 * answered in time is handed back through its `onMissed`, at once while `blocked`; it stays in
 * Klaviyo's queue all the same, so a klaviyo.js that arrives late still gets it (the dedupe key makes
 * that harmless).
 */
export class KlaviyoTier {
  state: KlaviyoState = 'idle';
  private readonly listeners: Array<(state: KlaviyoState) => void> = [];
  /**
   * Commands waiting for an answer, with their deadlines, in the order sent (so in deadline order):
   * one timer serves them all. A block hands them all back at once.
   */
  private readonly waiting = new Map<Sent, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Commands pushed and not answered yet: while klaviyo.js has not taken its queue, they can be taken back. */
  private readonly unanswered = new Set<unknown[]>();

  constructor(
    private readonly options: LoaderOptions & { ackTimeoutMs: number },
    private readonly win: Window,
    private readonly logger: Logger,
  ) {}

  /** Call `listener` on every state change. */
  onChange(listener: (state: KlaviyoState) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Load (or reuse) klaviyo.js and ask it a side-effect-free question, once: whether it knows the
   * shopper (`isIdentified`). `onIdentified` gets the answer.
   */
  start(onIdentified: (identified: boolean) => void = () => {}): void {
    if (this.state !== 'idle') return;
    this.state = 'loading';
    loadKlaviyo(this.options, this.win, this.logger, (reason) => this.block(reason));
    this.send(['isIdentified'], { missed() {}, answered: (answer) => onIdentified(answer === true) });
  }

  /** Push `command` with a callback; `outcomes` hears what became of it. The returned handle ends the wait early. */
  send(command: KlaviyoCall, outcomes: Outcomes): Waiting {
    const sent = new Sent(this, command, outcomes);
    if (!this.enqueue(sent.entry)) sent.settle('missed');
    if (!sent.settled && this.state === 'blocked') sent.settle('missed');
    if (!sent.settled) {
      this.waiting.set(sent, Date.now() + this.options.ackTimeoutMs);
      if (this.timer === undefined) this.arm(this.options.ackTimeoutMs);
    }
    return sent;
  }

  /**
   * Push `command` without waiting for its answer, for a command nothing else depends on
   * (`trackViewedItem`: neither reported nor carried down the ladder). Its answer still shows that
   * klaviyo.js works, and a logout still takes it back out of the pre-load queue.
   */
  pushOnly(command: KlaviyoCall): void {
    const entry: unknown[] = [...command, () => this.heard(entry)];
    this.enqueue(entry);
  }

  /** Push `entry` onto Klaviyo's queue; false (logged) when the push fails. */
  private enqueue(entry: unknown[]): boolean {
    try {
      const klaviyo = klaviyoWindow(this.win).klaviyo;
      if (!klaviyo || typeof klaviyo.push !== 'function') throw new Error('window.klaviyo.push is missing');
      // Only a pre-load queue can be taken back out of: once klaviyo.js runs, there is nothing to keep.
      if (entry[0] !== 'isIdentified' && Array.isArray(klaviyoWindow(this.win)._klOnsite)) this.unanswered.add(entry);
      klaviyo.push(entry);
      if (this.unanswered.size > UNANSWERED_MAX) this.unqueue(this.unanswered.values().next().value as unknown[]);
      return true;
    } catch (error) {
      this.logger.error(say('pushFailed', entry[0]), error);
      return false;
    }
  }

  /** Klaviyo answered the command pushed as `entry`, in time or late (after it went down the ladder). */
  heard(entry: unknown[]): void {
    // Nothing to take back out of the pre-load queue any more.
    this.unanswered.delete(entry);
    this.acknowledged();
  }

  /** `sent` no longer waits for an answer. */
  settled(sent: Sent): void {
    this.waiting.delete(sent);
  }

  /** Run the shared timer in `ms`; on expiry, hand back every command past its deadline. */
  private arm(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = Date.now();
      for (const [waiting, deadline] of this.waiting) {
        if (deadline > now) {
          this.arm(deadline - now);
          return;
        }
        if (this.state === 'loading') this.block('timedOut');
        waiting.giveUp();
      }
    }, ms);
  }

  /**
   * Take every unanswered command back out of the pre-load queue (logout, consent withdrawn), so a
   * klaviyo.js that arrives later never replays the previous user's calls. Those already handed down
   * the ladder included.
   */
  takeBack(): void {
    for (const entry of this.unanswered) this.unqueue(entry);
    this.unanswered.clear();
  }

  /** Take a command back out of the pre-load queue, if klaviyo.js has not taken the queue yet. */
  unqueue(entry: unknown[]): void {
    this.unanswered.delete(entry);
    const queue = klaviyoWindow(this.win)._klOnsite;
    if (!Array.isArray(queue)) return;
    const at = queue.indexOf(entry);
    if (at >= 0) queue.splice(at, 1);
  }

  private acknowledged(): void {
    if (this.state === 'working') return;
    const late = this.state === 'blocked';
    this.state = 'working';
    this.logger.info(say(late ? 'lateLoad' : 'loaded'));
    this.notify();
  }

  private block(reason: MessageKey): void {
    if (this.state !== 'loading') return;
    this.state = 'blocked';
    this.logger.warn(reason === 'timedOut' ? say(reason, this.options.ackTimeoutMs) : say(reason));
    for (const waiting of [...this.waiting.keys()]) waiting.giveUp();
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener(this.state);
  }
}

/**
 * One command pushed to klaviyo.js and its fate: one object per command (the hot path), holding the
 * entry pushed (the command and its callback) and what to call when Klaviyo answers or does not.
 */
class Sent implements Waiting {
  settled: 'answered' | 'missed' | 'cancelled' | undefined;
  /** What is pushed: the command with Klaviyo's callback last. */
  readonly entry: unknown[];

  constructor(
    private readonly tier: KlaviyoTier,
    command: KlaviyoCall,
    private readonly outcomes: Outcomes,
  ) {
    this.entry = [...command, (result: unknown) => this.answered(result)];
  }

  giveUp(): void {
    this.settle('missed');
  }

  cancel(): void {
    this.settle('cancelled');
  }

  settle(outcome: 'answered' | 'missed' | 'cancelled', answer?: unknown): void {
    if (this.settled) return;
    this.settled = outcome;
    this.tier.settled(this);
    if (outcome === 'answered') this.outcomes.answered?.(answer);
    else if (outcome === 'missed') this.outcomes.missed();
    else this.tier.unqueue(this.entry);
  }

  private answered(result: unknown): void {
    this.tier.heard(this.entry);
    if (this.settled === 'missed') this.outcomes.late?.();
    this.settle('answered', result);
  }
}
