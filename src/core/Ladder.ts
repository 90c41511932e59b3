import type { ClientApi } from '../clientApi/ClientApi.js';
import { eventBody, profileBody, profileIdentifiers } from '../clientApi/clientApiBodies.js';
import type { Forwarder } from '../cloud/Forwarder.js';
import type { KlaviyoTier, Waiting } from '../klaviyo/KlaviyoTier.js';
import type { Logger } from '../logger/createLogger.js';
import { say } from '../logger/say.js';
import type { JsonObject, KlaviyoCommand, RudderMessage } from '../mapping/types.js';
import type { DeliveryReport } from '../config/KlaviyoOptions.js';
import { report } from '../util/report.js';

/** One identify, track or page call on its way down the delivery ladder. */
export interface LadderCall {
  type: string;
  /** The call's messageId: how {@link DeliveryReport}s name it. */
  messageId: string;
  /** What the cloud tier sends: the call as made, kept at call time. */
  message: RudderMessage;
  /** Who the call is about, as Client API identifiers (`email`, `phone_number`, `external_id`, `_kx`). */
  identifiers: JsonObject;
  /** The capture time (ISO), sent as the event's `time`. */
  time: string | undefined;
  /**
   * The cloud tier: `take` it when the tiers above cannot; `elsewhere` when it went to cloud mode at
   * once already (an identify with list data); `never` (page).
   */
  cloud: 'take' | 'elsewhere' | 'never';
}

interface InFlight {
  call: LadderCall;
  waiting: Set<Waiting>;
  /** Already handed to the cloud tier or logged as lost: once per call. */
  fell: boolean;
}

/**
 * The delivery ladder (docs/behaviour.md, "The delivery ladder"): each command goes to klaviyo.js at
 * once and counts as delivered when Klaviyo answers; a command not answered in time goes to the Client
 * API (when enabled and the call names a profile), and what that cannot take goes to the cloud tier,
 * once per call. Without a tier that takes it, a call is logged as lost with the reason.
 */
export class Ladder {
  private readonly inFlight = new Set<InFlight>();
  /** Work waiting for the calls that were in flight when it came (so it does not overtake them). */
  private readonly behind: Array<{ before: Set<InFlight>; run: () => void }> = [];

  constructor(
    private readonly klaviyo: KlaviyoTier,
    private readonly clientApi: ClientApi | undefined,
    private readonly forwarder: Forwarder,
    private readonly logger: Logger,
    /** Klaviyo's exchange id of this visitor, read only when the Client API needs a profile. */
    private readonly exchangeId: () => string | undefined = () => undefined,
    /** The host's `onDelivery` listener. */
    private readonly onDelivery?: (report: DeliveryReport) => void,
  ) {}

  private report(
    call: LadderCall,
    command: KlaviyoCommand,
    tier: DeliveryReport['tier'],
    state: DeliveryReport['state'],
    reason?: string,
  ): void {
    const what = command[0] === 'track' ? command[1] : command[0];
    report(this.onDelivery, { messageId: call.messageId, type: call.type, what, tier, state, reason });
  }

  /** Send `commands` (the mapping of `call`) down the ladder. */
  deliver(call: LadderCall, commands: KlaviyoCommand[]): void {
    const entry: InFlight = { call, waiting: new Set(), fell: false };
    let adding = true;
    const tidy = () => {
      if (adding || entry.waiting.size) return;
      this.inFlight.delete(entry);
      this.release();
    };
    this.inFlight.add(entry);
    for (const command of commands) {
      if (command[0] !== 'trackViewedItem') this.report(call, command, 'klaviyo.js', 'queued');
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
          this.below(entry, command); // first: what waits behind this call must stay behind it
          settle();
        },
        () => {
          if (command[0] !== 'trackViewedItem') this.report(call, command, 'klaviyo.js', 'delivered');
          settle();
        },
      );
      if (!settled) entry.waiting.add(waiting);
    }
    adding = false;
    tidy();
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

  private below(entry: InFlight, command: KlaviyoCommand): void {
    if (command[0] === 'trackViewedItem') return; // exists only in klaviyo.js
    const { call } = entry;
    const kx = this.clientApi ? this.exchangeId() : undefined;
    const request = this.clientApi
      ? clientApiRequest(kx ? { ...call, identifiers: { _kx: kx, ...call.identifiers } } : call, command)
      : undefined;
    if (!this.clientApi || !request) {
      this.toCloud(entry, command, this.clientApi ? say('noProfile') : say('clientApiOff'));
      return;
    }
    this.report(call, command, 'client-api', 'queued');
    void this.clientApi.post(request.path, request.body).then((taken) => {
      if (taken) {
        this.logger.debug(say('clientApiTook', command[0]));
        this.report(call, command, 'client-api', 'delivered');
      } else this.toCloud(entry, command, say('clientApiRefused'));
    });
  }

  private toCloud(entry: InFlight, command: KlaviyoCommand, why: string): void {
    if (entry.fell) return;
    entry.fell = true;
    if (entry.call.cloud === 'take') this.forwarder.forward(entry.call.message, 'klaviyo.js failed');
    else if (entry.call.cloud === 'never') {
      this.logger.warn(say('lost', entry.call.type, why));
      this.report(entry.call, command, 'klaviyo.js', 'lost', why);
    }
  }
}

/** The Client API request for one command, or `undefined` when the call names no profile. */
function clientApiRequest(
  call: LadderCall,
  command: KlaviyoCommand,
): { path: 'events' | 'profiles'; body: JsonObject } | undefined {
  if (command[0] === 'identify') {
    const profile = { ...command[1], ...exchangeIdOf(call) };
    const named = Object.keys(profileIdentifiers(profile)).length > 0;
    return named ? { path: 'profiles', body: profileBody(profile) } : undefined;
  }
  if (command[0] === 'track' && Object.keys(call.identifiers).length) {
    return { path: 'events', body: eventBody(command[1], command[2], call.identifiers, call.time) };
  }
  return undefined;
}

function exchangeIdOf(call: LadderCall): JsonObject {
  return typeof call.identifiers._kx === 'string' ? { $exchange_id: call.identifiers._kx } : {};
}
