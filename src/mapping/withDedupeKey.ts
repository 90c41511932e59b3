import type { KlaviyoCommand } from './types.js';

/**
 * The commands with a dedupe key on every track: the `$event_id` the mapping set (an order id, an
 * order id + line id), else `key` (the message's `messageId`). The same key goes to klaviyo.js
 * (`$event_id`), the Client API (`unique_id`) and the cloud endpoint (`messageId`), so an event that
 * reaches Klaviyo twice counts once. Pure: the input commands are not changed.
 */
export function withDedupeKey(commands: KlaviyoCommand[], key: string): KlaviyoCommand[] {
  return commands.map((command) =>
    command[0] === 'track' && command[2].$event_id === undefined
      ? ['track', command[1], { ...command[2], $event_id: key }]
      : command,
  );
}
