import type { DeviceMode } from '../../core/DeviceMode.js';
import { describe } from '../../logger/describe.js';
import { say } from '../../logger/say.js';
import { field } from '../../mapping/readFields.js';
import { consentDenied } from './consentDenied.js';

/**
 * Hand a message from RudderStack's SDK to the core, unless the consent it carries rules out the
 * destination configured by `destination` (its consent settings). Never throws.
 */
export function handOver(core: DeviceMode, message: unknown, destination: Record<string, unknown>): void {
  try {
    if (consentDenied(message, destination)) {
      core.logger.info(say('consentDeniedHere', describe(field(message, 'type'))));
      return;
    }
  } catch {
    // unreadable consent data: the core decides as for any other message
  }
  core.handle(message);
}
