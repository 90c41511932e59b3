import type { Logger } from '../logger/createLogger.js';
import { describe } from '../logger/describe.js';
import { say } from '../logger/say.js';
import type { RudderMessage } from '../mapping/types.js';

/** Why a call goes to cloud mode (docs/behaviour.md, "Routing"). */
export type ForwardReason = 'list subscription' | 'group' | 'screen' | 'klaviyo.js failed';

/** Hands calls that device mode cannot serve to a cloud-mode endpoint. */
export interface Forwarder {
  /** Queue `message` for delivery. Never throws; never keeps a reference to `message`. */
  forward(message: RudderMessage, reason: ForwardReason): void;
  /** Drop queued events and identity: they hold personal data (logout, consent withdrawn). */
  reset(): void;
  /**
   * What to keep of a call that may be forwarded later, taken at call time so that later changes by
   * the host cannot reach it. @default a deep copy of the JSON-safe part of `message`
   */
  keep?(message: RudderMessage): RudderMessage;
  /** Stop timers and listeners for good (consent withdrawn: nothing may be written any more). */
  dispose?(): void;
}

/** The forwarder used when cloud mode is not configured: every call is logged as not delivered. */
export function createUnconfiguredForwarder(logger: Logger): Forwarder {
  return {
    forward(message, reason) {
      logger.warn(say('noCloudMode', describe(message.type), reason));
    },
    reset() {},
    // Only the type is ever used (in the log line): nothing to copy.
    keep: (message) => ({ type: message.type }),
  };
}
