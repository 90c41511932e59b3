import type { Logger } from '../logger/createLogger.js';
import { describe } from '../logger/describe.js';
import { say } from '../logger/say.js';
import type { RudderMessage } from '../mapping/types.js';
import type { DeliveryReport } from '../config/KlaviyoOptions.js';
import { report } from '../util/report.js';

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
export function createUnconfiguredForwarder(logger: Logger, onDelivery?: (report: DeliveryReport) => void): Forwarder {
  return {
    forward(message, reason) {
      logger.warn(say('noCloudMode', describe(message.type), reason));
      reportForwarded(onDelivery, message, 'lost', `no cloud mode (${reason})`);
    },
    reset() {},
    // Only the type and the event name are ever used (the log line, the report): nothing else to copy.
    keep: (message) => ({ type: message.type, event: message.event }),
  };
}

/** Tell `onDelivery` where a call handed to cloud mode stands (its event name, else its type). */
export function reportForwarded(
  onDelivery: ((report: DeliveryReport) => void) | undefined,
  message: { type?: unknown; event?: unknown; messageId?: unknown },
  state: DeliveryReport['state'],
  reason?: string,
): void {
  const type = describe(message.type);
  const what = typeof message.event === 'string' ? message.event : type;
  const messageId = typeof message.messageId === 'string' ? message.messageId : '';
  report(onDelivery, { messageId, type, what, tier: 'cloud', state, reason });
}
