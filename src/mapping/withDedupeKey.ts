import type { KlaviyoCommand } from './types.js';

/**
 * Give every track of `commands` a dedupe key: the `$event_id` the mapping set (an order id, an order
 * id + line id), else `key` (the message's `messageId`). The same key goes to klaviyo.js
 * (`$event_id`), the Client API (`unique_id`) and the cloud endpoint (`messageId`), so an event that
 * reaches Klaviyo twice counts once. The key is set in place, without a copy: the commands must be
 * the mapping's own, fresh from `mapMessage` (never a caller's objects). Returns `commands`.
 */
export function withDedupeKey(commands: KlaviyoCommand[], key: string): KlaviyoCommand[] {
  for (const command of commands)
    if (command[0] === 'track' && command[2].$event_id === undefined) command[2].$event_id = key;
  return commands;
}
