import { exchangeId } from '../clientApi/exchangeId.js';
import { clearKlaviyoCookie } from '../klaviyo/clearKlaviyoCookie.js';
import type { KlaviyoTier, Waiting } from '../klaviyo/KlaviyoTier.js';
import type { Logger } from '../logger/createLogger.js';
import { say } from '../logger/say.js';
import { asObject, asText } from '../mapping/readFields.js';
import { atIdle } from '../util/atIdle.js';
import type { JsonObject, KlaviyoCommand } from '../mapping/types.js';
import type { LadderCall } from '../tiers/LowerTiers.js';
import type { AnonymousHold, Held } from './AnonymousHold.js';
import type { KlaviyoOutcome, Ladder } from './Ladder.js';

/** The identifiers that name one person, as the Client API spells them, and as klaviyo.js's identify takes them. */
const PERSONAL: Array<[string, string]> = [
  ['email', '$email'],
  ['phone_number', '$phone_number'],
  ['external_id', '$id'],
];

/**
 * Whether klaviyo.js has confirmed who the shopper is: `none` (not asked yet), `waiting` (its identify
 * is on its way: calls wait behind it), `confirmed` (it answered: its track answers can be trusted to
 * name this shopper), `unable` (it did not answer: calls go down the ladder; a late answer confirms).
 */
type Confirmation = 'none' | 'waiting' | 'confirmed' | 'unable';

/**
 * Who the shopper is, and where each call may go (docs/behaviour.md, "Anonymous shoppers" and "What
 * klaviyo.js's answers prove"). The real klaviyo.js answers a known shopper's track at once, before
 * sending it, and never answers an anonymous shopper's: it caches that event and sends it at identify
 * without its dedupe key. So:
 * - a call of a shopper nobody knows (no email, E.164 phone, external id, Klaviyo exchange id, and
 *   klaviyo.js does not know them either) is held ({@link AnonymousHold}), never pushed;
 * - a known shopper's track goes to klaviyo.js only once klaviyo.js has confirmed that shopper: its
 *   identify answered (ours, or one we ask for the shopper we know of). Calls made meanwhile wait behind
 *   it, in order; if it does not answer, they go down the ladder;
 * - when the shopper becomes known, the held calls go down the ladder once, oldest first, with their
 *   dedupe keys and original times;
 * - after a logout (`reset`) or an identify of another person, klaviyo.js still holds the previous
 *   shopper in memory on this page: it is not given anyone's calls again here.
 */
export class Shopper {
  /** The shopper's identifiers (email, phone_number, external_id); `{}` while nobody named them. */
  private known: JsonObject = {};
  /** A copy of {@link known} that calls carry (read, never changed), made again when `known` changes. */
  private snapshot: JsonObject | undefined;
  /**
   * Klaviyo's exchange id: the landing URL's `_kx`, or Klaviyo's cookie (until a logout); `null` until
   * first needed (reading the cookie is not start-up work).
   */
  private exchange: string | undefined | null = null;
  /** klaviyo.js said it knows the shopper (its identity came from an earlier answer of Klaviyo's). */
  private klaviyoKnows = false;
  private confirmation: Confirmation = 'none';
  /** klaviyo.js may hold another shopper in memory on this page (a logout, a switch): not used again here. */
  private retired = false;
  /** Work waiting for klaviyo.js's answer about the shopper, in call order. */
  private waiting: Array<() => void> = [];
  /** The identify we asked klaviyo.js for, while it is unanswered. */
  private asked: Waiting | undefined;

  constructor(
    private readonly klaviyo: KlaviyoTier,
    private readonly ladder: Ladder,
    private readonly hold: AnonymousHold,
    private readonly win: Window,
    private readonly logger: Logger,
  ) {
    // A Klaviyo signup form identifies the shopper in klaviyo.js: the held calls can go now.
    win.addEventListener('klaviyoForms', (event) => {
      const detail = asObject((event as CustomEvent).detail);
      const data = asObject(detail?.metaData);
      if (!data || (detail?.type !== 'submit' && detail?.type !== 'stepSubmit')) return;
      const email = asText(data.$email);
      const phone = asText(data.$phone_number);
      this.learn({ ...(email ? { email } : {}), ...(phone ? { phone_number: phone } : {}) });
    });
  }

  /** True when someone knows who the shopper is: us (an identifier), or klaviyo.js. */
  get isKnown(): boolean {
    return isNamed(this.known) || this.klaviyoKnows || !!this.kx;
  }

  /** True while calls wait for klaviyo.js's answer about the shopper. */
  get busy(): boolean {
    return this.waiting.length > 0;
  }

  private get kx(): string | undefined {
    if (this.exchange === null) this.exchange = exchangeId(this.win);
    return this.exchange;
  }

  private set kx(value: string | undefined) {
    this.exchange = value;
  }

  /** An identify call; `identifiers` are its profile's (Client API spelling, `_kx` for an exchange id). */
  identify(call: LadderCall, command: KlaviyoCommand, identifiers: JsonObject): void {
    const release = this.note(identifiers);
    call.identifiers = this.identifiers();
    this.push(call, [command], true);
    if (release) this.release();
  }

  /** A track (or a page sent as one); `identifiers` are those its message names itself. */
  track(call: LadderCall, commands: KlaviyoCommand[], identifiers: JsonObject): void {
    const release = this.note(identifiers);
    if (!this.isKnown) return this.hold.add({ call, commands });
    if (release) this.release();
    this.send(call, commands);
  }

  /** Run `work` after every call now waiting for klaviyo.js's answer about the shopper. */
  after(work: () => void): void {
    if (this.waiting.length) this.waiting.push(work);
    else work();
  }

  /** klaviyo.js's answer to the question asked at start: whether it knows the shopper. */
  klaviyoAnswered(identified: boolean): void {
    if (!identified || this.retired || this.klaviyoKnows) return;
    const known = isNamed(this.known);
    this.klaviyoKnows = true;
    if (known) return;
    // What this page held goes now; what earlier pages stored is read at idle, not during start-up
    // (docs/decisions.md): those calls carry their capture time, so coming second changes nothing.
    this.sendHeld(this.hold.takeFresh());
    atIdle(this.win, () => this.release());
  }

  /**
   * Logout: forget the shopper. What of theirs still waits goes down the ladder now; their held calls
   * are dropped. klaviyo.js keeps them in memory on this page, so it is not used again here.
   */
  reset(): number {
    const dropped = this.hold.clear();
    this.forget();
    return dropped;
  }

  /** Page leave: nothing waits for klaviyo.js any more; what would stay behind goes down the ladder now. */
  leave(): void {
    this.asked?.giveUp();
    this.ladder.leave();
    // klaviyo.js may have written the previous shopper back into its cookie since the logout.
    if (this.retired) clearKlaviyoCookie(this.win.document);
  }

  /** Learn identifiers from outside a call (a Klaviyo form); the held calls go if the shopper is new. */
  private learn(identifiers: JsonObject): void {
    if (this.note(identifiers)) this.release();
  }

  /** Take in `identifiers`; true when they make a shopper nobody knew known. Another person's: a switch. */
  private note(identifiers: JsonObject): boolean {
    for (const [k] of PERSONAL)
      if (identifiers[k] && this.known[k] && identifiers[k] !== this.known[k]) {
        this.forget();
        break;
      }
    const known = this.isKnown;
    for (const [k] of PERSONAL)
      if (identifiers[k] && identifiers[k] !== this.known[k]) {
        this.known[k] = identifiers[k];
        this.snapshot = undefined;
      }
    if (typeof identifiers._kx === 'string') this.kx = identifiers._kx;
    return !known && this.isKnown;
  }

  /** The identifiers calls carry below klaviyo.js: the shopper's own, else the exchange id. */
  private identifiers(): JsonObject {
    if (isNamed(this.known)) return (this.snapshot ??= { ...this.known });
    return this.kx ? { _kx: this.kx } : {};
  }

  /** Forget the shopper; klaviyo.js, if it may hold them, is not used again on this page. */
  private forget(): void {
    if (this.confirmation !== 'none' || this.klaviyoKnows) {
      this.retired = true;
      this.logger.info(say('klaviyoRetired'));
    }
    this.known = {};
    this.snapshot = undefined;
    this.kx = undefined;
    this.klaviyoKnows = false;
    clearKlaviyoCookie(this.win.document);
    this.drain(); // retired: what waited goes down the ladder, as the previous shopper's
  }

  /** The held calls, oldest first, now that the shopper is known: each with its original time. */
  private release(): void {
    this.sendHeld(this.hold.take());
  }

  /** Held calls, each with the shopper's identifiers and its original time. */
  private sendHeld(held: Held[]): void {
    if (!held.length) return; // nothing held: no identifiers to read (the exchange id is a cookie read)
    const identifiers = this.identifiers();
    for (const { call, commands } of held) {
      call.identifiers = identifiers;
      const timed = commands.map((c): KlaviyoCommand =>
        c[0] === 'track' ? ['track', c[1], { ...c[2], time: call.time ?? '' }] : c,
      );
      this.send(call, timed);
    }
  }

  /** A track of a known shopper: to klaviyo.js once it confirmed the shopper, else down the ladder. */
  private send(call: LadderCall, commands: KlaviyoCommand[]): void {
    if (!isNamed(call.identifiers)) call.identifiers = this.identifiers();
    // Known to klaviyo.js alone: nothing below it could name the shopper.
    if (!isNamed(call.identifiers) && call.cloud === 'take') call.cloud = 'never';
    this.push(call, commands, false);
  }

  private push(call: LadderCall, commands: KlaviyoCommand[], identify: boolean): void {
    if (this.retired) return this.ladder.down(call, commands);
    if (this.confirmation === 'waiting') {
      this.waiting.push(() => this.push(call, commands, identify));
      return;
    }
    const confirmed = this.confirmation === 'confirmed' || (this.klaviyoKnows && !isNamed(this.known));
    if (confirmed || (this.confirmation === 'unable' && identify)) {
      // An identify klaviyo.js answers (even late) confirms the shopper for later calls.
      return this.ladder.deliver(call, commands, identify ? this.watch : undefined);
    }
    if (this.confirmation === 'unable') return this.ladder.down(call, commands);
    // Not confirmed yet: klaviyo.js must know the shopper before it is given a track, or it would
    // cache it. Its answer to this identify (the call's own, or one we ask for) decides.
    this.confirmation = 'waiting';
    if (identify) return this.ladder.deliver(call, commands, this.watch);
    this.waiting.push(() => this.push(call, commands, false));
    const profile: JsonObject = {};
    for (const [k, $k] of PERSONAL) if (this.known[k]) profile[$k] = this.known[k];
    if (!isNamed(profile) && this.kx) profile.$exchange_id = this.kx;
    this.asked = this.klaviyo.send(['identify', profile], {
      missed: () => this.watch('missed'),
      answered: () => this.watch('answered'),
      late: () => this.watch('late'),
    });
  }

  /** What became of an identify at klaviyo.js: it confirms the shopper, or calls go down the ladder. */
  private readonly watch = (outcome: KlaviyoOutcome): void => {
    if (outcome !== 'missed') this.confirmation = 'confirmed';
    else if (this.confirmation === 'waiting') this.confirmation = 'unable';
    this.asked = undefined;
    this.drain();
  };

  private drain(): void {
    const work = this.waiting;
    this.waiting = [];
    for (const w of work) w();
  }
}

/** Whether `identifiers` name anyone (without listing its keys). */
function isNamed(identifiers: JsonObject): boolean {
  for (const _ in identifiers) return true;
  return false;
}
