import type { DeliveryReport } from '../config/KlaviyoOptions.js';
import type { KlaviyoCommand } from '../mapping/types.js';
import { report } from '../util/report.js';

/**
 * Tell `onDelivery` where a call stands on one rung. What Klaviyo gets is named by the command: the
 * metric of a track (`Placed Order`), else its method (`identify`); or given as a name (`subscription`).
 */
export function reportCall(
  onDelivery: ((report: DeliveryReport) => void) | undefined,
  call: { messageId: string; type: string },
  what: KlaviyoCommand | string,
  tier: DeliveryReport['tier'],
  state: DeliveryReport['state'],
  reason?: string,
): void {
  if (!onDelivery) return; // nobody listens: no report is built
  const name = typeof what === 'string' ? what : what[0] === 'track' ? what[1] : what[0];
  report(onDelivery, { messageId: call.messageId, type: call.type, what: name, tier, state, reason });
}
