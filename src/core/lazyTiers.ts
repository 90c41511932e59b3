import type { ForwardReason } from '../cloud/Forwarder.js';
import type { ResolvedConfig } from '../config/KlaviyoOptions.js';
import type { Logger } from '../logger/createLogger.js';
import { describe } from '../logger/describe.js';
import { say } from '../logger/say.js';
import type { KlaviyoCommand, RudderMessage } from '../mapping/types.js';
import { toJsonObject } from '../mapping/toJsonValue.js';
import type { LadderCall, LowerTiers, LowerTiersDeps, LowerTiersModule } from '../tiers/LowerTiers.js';
import { boundedPush } from '../util/boundedPush.js';
import { ownJsonText } from '../util/ownJsonText.js';
import type { WithChunk } from './chunkLoader.js';
import { TIERS_PENDING_MAX } from './coreLimits.js';
import { atIdle } from '../util/atIdle.js';

/** Work for the lower tiers made before they arrived: a call klaviyo.js missed (its commands), or a forward. */
type Pending = { call: LadderCall; commands: KlaviyoCommand[] } | { message: RudderMessage; reason: ForwardReason };

/** The lower tiers as the core uses them: made on demand, started and stopped with consent. */
export interface ManagedTiers extends Omit<LowerTiers, 'dispose' | 'reset'> {
  /** Logout or consent withdrawn: drop what waits for the tiers (stored or not) and reset them; returns how many calls waited. */
  reset(): number;
  /** Consent given (or not needed): the tiers may be made; at idle now if cloud mode or stored work waits. */
  open(): void;
  /** Consent withdrawn: the tiers are stopped and everything waiting is dropped. */
  close(): void;
}

/**
 * The lower tiers (the Client API and cloud mode), brought by `withChunk` the first time they are needed,
 * or at idle when cloud mode is configured or an earlier page left work for them. What they are asked
 * to do before they arrive waits, in order; if the page leaves first, it is written to localStorage
 * (`kdm.<public key>.pending`) and the next page that brings them does it. Nothing thrown by them
 * reaches the host.
 */
export function lazyTiers(
  withChunk: WithChunk,
  config: ResolvedConfig,
  logger: Logger,
  win: Window,
  deps: LowerTiersDeps,
): ManagedTiers {
  const key = `kdm.${config.publicApiKey}.pending`;
  let chunk: LowerTiersModule | undefined;
  let made: LowerTiers | undefined;
  let requested = false;
  let closed = true;
  /** A reset came before the tiers: what they take over from earlier pages (cloud mode's queue) goes too. */
  let resetDue = false;
  let pending: Pending[] = [];
  const storage = () => win.localStorage;
  /** What earlier pages stored (a list; anything else in the key is not ours to read). */
  const stored = (): Pending[] => {
    try {
      const value: unknown = JSON.parse(storage().getItem(key) ?? '[]');
      return Array.isArray(value) ? (value as Pending[]) : [];
    } catch {
      return [];
    }
  };
  const unstore = () => {
    try {
      storage().removeItem(key);
    } catch {
      // nothing stored
    }
  };
  const guard = (what: Parameters<typeof say>[0], work: () => void) => {
    try {
      work();
    } catch (error) {
      logger.error(say(what), error);
    }
  };
  /** Do one piece of work; one that throws (or a stored entry that is not work) is logged and skipped. */
  const run = (p: Pending) => {
    try {
      if ('call' in p) for (const c of p.commands) made!.missed(p.call, c);
      else made!.forward(p.message, p.reason);
    } catch (error) {
      const loose = p as { call?: { type?: unknown }; message?: { type?: unknown } } | null;
      logger.error(say('forwardFailed', describe(loose?.call?.type ?? loose?.message?.type)), error);
    }
  };
  /** Make the tiers once they are here and allowed, then do what waited: earlier pages' work first. */
  const make = () => {
    if (!chunk || made || closed) return;
    guard('forwarderStartStop', () => (made = chunk!.createLowerTiers(config, logger, win, deps)));
    if (!made) return;
    if (resetDue) guard('forwarderResetFailed', () => made!.reset());
    resetDue = false;
    const work = [...stored(), ...pending];
    unstore();
    pending = [];
    work.forEach(run);
  };
  const bring = () => {
    if (requested || closed) return;
    requested = true;
    withChunk((module) => {
      chunk = module;
      make();
    });
  };
  const need = (p: Pending) => {
    if (closed) return;
    boundedPush(pending, p, TIERS_PENDING_MAX, () => logger.warn(say('tiersQueueFull', TIERS_PENDING_MAX)));
    bring();
  };

  // Registered after the core's own page-leave listener: calls still waiting for klaviyo.js have come
  // down by now. If the tiers have not arrived, what waits for them is kept for the next page.
  win.addEventListener?.('pagehide', () => {
    if (made || !pending.length) return;
    try {
      const all = [...stored(), ...pending].slice(-TIERS_PENDING_MAX);
      storage().setItem(key, ownJsonText(all));
      pending = [];
    } catch {
      // storage unusable: kept in memory, in case the page comes back
    }
  });

  return {
    open() {
      closed = false;
      make();
      if (made || requested) return;
      // At idle, off the page's start-up (a first localStorage read costs milliseconds): cloud mode
      // resumes its stored queue, or an earlier page left work.
      const check = () => (config.cloudMode || stored().length) && bring();
      atIdle(win, check);
    },
    close() {
      guard('forwarderStartStop', () => made?.dispose());
      made = undefined;
      closed = true;
      pending = [];
    },
    missed(call, command) {
      if (made) return run({ call, commands: [command] });
      const last = pending.find((p) => 'call' in p && p.call === call);
      if (last && 'call' in last) last.commands.push(command);
      else need({ call, commands: [command] });
    },
    forward(message, reason) {
      if (made) run({ message, reason });
      else need({ message: toJsonObject(message, 'message', []), reason });
    },
    reset() {
      const dropped = pending.length;
      pending = [];
      unstore();
      if (made) guard('forwarderResetFailed', () => made!.reset());
      else resetDue = true;
      return dropped;
    },
  };
}
