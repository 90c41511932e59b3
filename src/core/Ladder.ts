import type { DeliveryReport } from '../config/KlaviyoOptions.js';
import type { KlaviyoTier, Waiting } from '../klaviyo/KlaviyoTier.js';
import type { KlaviyoCommand } from '../mapping/types.js';
import type { LadderCall } from '../tiers/LowerTiers.js';
import { reportCall } from '../tiers/reportCall.js';

/** What became of a command at klaviyo.js: answered in time, missed (handed down), or answered after that. */
export type KlaviyoOutcome = 'answered' | 'missed' | 'late';

interface InFlight {
  call: LadderCall;
  waiting: Set<Waiting>;
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
    private readonly missed: (call: LadderCall, command: KlaviyoCommand) => void,
    /** The host's `onDelivery` listener. */
    private readonly onDelivery?: (report: DeliveryReport) => void,
  ) {}

  /**
   * Send `commands` (the mapping of `call`) down the ladder. `watch` hears what became of the first
   * command at klaviyo.js: answered, missed (it went down), or answered late (after it went down).
   */
  deliver(call: LadderCall, commands: KlaviyoCommand[], watch?: (outcome: KlaviyoOutcome) => void): void {
    // In flight only while a command waits: klaviyo.js answers a known shopper's track at once.
    const entry: InFlight = { call, waiting: new Set() };
    let adding = true;
    const tidy = () => {
      if (adding || entry.waiting.size || !this.inFlight.delete(entry)) return;
      this.release();
    };
    commands.forEach((command, index) => {
      const watching = index === 0 ? watch : undefined;
      // trackViewedItem exists only in klaviyo.js: it is neither reported nor carried down.
      const down = command[0] !== 'trackViewedItem';
      if (down) reportCall(this.onDelivery, call, command, 'klaviyo.js', 'queued');
      let settled = false;
      // eslint-disable-next-line prefer-const -- read by `settle` before it is assigned when Klaviyo answers at once
      let waiting: Waiting | undefined;
      const settle = () => {
        settled = true;
        if (waiting) entry.waiting.delete(waiting);
        tidy();
      };
      waiting = this.klaviyo.send(
        command,
        () => {
          if (down) this.missed(call, command); // first: what waits behind this call must stay behind it
          settle();
          watching?.('missed');
        },
        () => {
          if (down) reportCall(this.onDelivery, call, command, 'klaviyo.js', 'delivered');
          settle();
          watching?.('answered');
        },
        watching && (() => watching('late')),
      );
      if (settled) return;
      entry.waiting.add(waiting);
      this.inFlight.add(entry);
    });
    adding = false;
    tidy();
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
    for (const entry of [...this.inFlight]) for (const waiting of [...entry.waiting]) waiting.giveUp();
  }

  /** Forget every call still waiting (logout, consent withdrawn); returns how many there were. */
  clear(): number {
    const n = this.inFlight.size;
    for (const entry of this.inFlight) for (const waiting of entry.waiting) waiting.cancel();
    this.inFlight.clear();
    this.klaviyo.takeBack();
    this.behind.length = 0;
    return n;
  }
}
