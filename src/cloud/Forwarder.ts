import type { Logger } from '../logger/createLogger.js';
import { describe } from '../logger/describe.js';
import { say } from '../logger/say.js';
import type { RudderMessage } from '../mapping/types.js';

/** Why a call goes to cloud mode (SPEC §4). */
export type ForwardReason = 'list subscription' | 'group' | 'screen' | 'klaviyo.js failed';

/** Hands calls that device mode cannot serve to a RudderStack data plane. */
export interface Forwarder {
  /** Queue `message` for delivery. Never throws; never keeps a reference to `message`. */
  forward(message: RudderMessage, reason: ForwardReason): void;
  /** Drop queued events and identity: they hold personal data (logout, consent withdrawn). */
  reset(): void;
  /**
   * False when a forwarded call is only logged as lost (from its `type`): callers then need not copy
   * a call they may forward later. @default true
   */
  readonly delivers?: boolean;
}

/** The forwarder used when cloud mode is not configured: every call is logged as not delivered. */
export function createUnconfiguredForwarder(logger: Logger): Forwarder {
  return {
    forward(message, reason) {
      logger.warn(say('noCloudMode', describe(message.type), reason));
    },
    reset() {},
    delivers: false,
  };
}
