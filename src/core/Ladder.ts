import type { DeliveryReport } from '../config/KlaviyoOptions.js';
import type { KlaviyoTier, Outcomes, Waiting } from '../klaviyo/KlaviyoTier.js';
import type { KlaviyoCommand } from '../mapping/types.js';
import type { LadderCall } from '../tiers/LowerTiers.js';
import { reportCall } from '../tiers/reportCall.js';

/** What became of a command at klaviyo.js: answered in time, missed (handed down), or answered after that. */
export type KlaviyoOutcome = 'answered' | 'missed' | 'late';

/** One call's commands at klaviyo.js: those still waiting for an answer (none once all are settled). */
interface InFlight {
  call: LadderCall;
  waiting: Set<Waiting> | undefined;
  /** Its commands are still being pushed: it cannot leave yet. */
  adding: boolean;
}

/**
 * The delivery ladder's first rung (docs/behaviour.md, "The delivery ladder"): each command goes to
 * klaviyo.js at once and counts as delivered when Klaviyo answers; a command not answered in time is
 * handed to `missed`, the rungs below. It also keeps work that must not overtake the calls in flight.
 */
export class Ladder {
  private readonly inFlight = new Set<InFlight>();
  /** Work waiting for the calls that were in flight when it came (so it does not overtake them). */
  private readonly behind: Array<{ before: Set<InFlight>; run: () => void }> = [];

  constructor(
    private readonly klaviyo: KlaviyoTier,
    /** The rungs below klaviyo.js: given each command klaviyo.js did not answer in time (never `trackViewedItem`). */
    readonly missed: (call: LadderCall, command: KlaviyoCommand) => void,
    /** The host's `onDelivery` listener. */
    readonly onDelivery?: (report: DeliveryReport) => void,
  ) {}

  /**
   * Send `commands` (the mapping of `call`) down the ladder. `watch` hears what became of the first
   * command at klaviyo.js: answered, missed (it went down), or answered late (after it went down).
   */
  deliver(call: LadderCall, commands: KlaviyoCommand[], watch?: (outcome: KlaviyoOutcome) => void): void {
    // In flight only while a command waits: klaviyo.js answers a known shopper's track at once.
    const entry: InFlight = { call, waiting: undefined, adding: true };
    for (let i = 0; i < commands.length; i++) {
      // trackViewedItem exists only in klaviyo.js: neither reported nor carried down, so nothing waits for it.
      if (commands[i][0] === 'trackViewedItem') {
        this.klaviyo.pushOnly(commands[i]);
        continue;
      }
      const pushed = new Pushed(this, entry, commands[i], i === 0 ? watch : undefined);
      const waiting = this.klaviyo.send(commands[i], pushed);
      if (pushed.settled) continue;
      pushed.waiting = waiting;
      (entry.waiting ??= new Set()).add(waiting);
      this.inFlight.add(entry);
    }
    entry.adding = false;
    this.tidy(entry);
  }

  /** `entry` leaves the calls in flight once none of its commands waits; what waited behind it may go. */
  tidy(entry: InFlight): void {
    if (entry.adding || entry.waiting?.size || !this.inFlight.delete(entry)) return;
    this.release();
  }

  /** Hand `commands` (the mapping of `call`) straight to the rungs below klaviyo.js, which cannot take them. */
  down(call: LadderCall, commands: KlaviyoCommand[]): void {
    for (const command of commands) if (command[0] !== 'trackViewedItem') this.missed(call, command);
  }

  /** True while some call waits for klaviyo.js's answer. */
  get busy(): boolean {
    return this.inFlight.size > 0;
  }

  /**
   * Run `work` once every call now waiting for klaviyo.js has been answered or handed down, so that a
   * call forwarded at once (group, screen, list subscription) never overtakes an earlier identify or
   * track on its way to cloud mode. At once when nothing is waiting.
   */
  afterInFlight(work: () => void): void {
    if (!this.inFlight.size) work();
    else this.behind.push({ before: new Set(this.inFlight), run: work });
  }

  private release(): void {
    while (this.behind.length && ![...this.behind[0].before].some((e) => this.inFlight.has(e))) {
      this.behind.shift()!.run();
    }
  }

  /** Page leave: nothing waits for klaviyo.js any more; every unanswered command goes down now. */
  leave(): void {
    for (const entry of [...this.inFlight]) for (const waiting of [...(entry.waiting ?? [])]) waiting.giveUp();
  }

  /** Forget every call still waiting (logout, consent withdrawn); returns how many there were. */
  clear(): number {
    const n = this.inFlight.size;
    for (const entry of this.inFlight) for (const waiting of entry.waiting ?? []) waiting.cancel();
    this.inFlight.clear();
    this.klaviyo.takeBack();
    this.behind.length = 0;
    return n;
  }
}

/**
 * One command of a call at klaviyo.js, and what its outcome does: one object per command, its methods
 * shared (the hot path makes no closures).
 */
class Pushed implements Outcomes {
  settled = false;
  /** The handle of the command while it waits for Klaviyo's answer. */
  waiting: Waiting | undefined;

  constructor(
    private readonly ladder: Ladder,
    private readonly entry: InFlight,
    private readonly command: KlaviyoCommand,
    /** Hears what became of the command: set for a call's first command only. */
    private readonly watch: ((outcome: KlaviyoOutcome) => void) | undefined,
  ) {
    reportCall(ladder.onDelivery, entry.call, command, 'klaviyo.js', 'queued');
  }

  missed(): void {
    this.ladder.missed(this.entry.call, this.command); // first: what waits behind this call must stay behind it
    this.settle();
    this.watch?.('missed');
  }

  answered(): void {
    reportCall(this.ladder.onDelivery, this.entry.call, this.command, 'klaviyo.js', 'delivered');
    this.settle();
    this.watch?.('answered');
  }

  late(): void {
    this.watch?.('late');
  }

  private settle(): void {
    this.settled = true;
    if (this.waiting) this.entry.waiting?.delete(this.waiting);
    this.ladder.tidy(this.entry);
  }
}
