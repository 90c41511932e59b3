import type { MessageKey } from './messages.js';
import { MESSAGES_GLOBAL } from './messagesGlobal.js';

/** Ends every keyed line: where the key's text is. */
const KEY_POINTER = ' (what it means: npmjs.com/package/klaviyo-device-mode#log-messages)';

/**
 * The text of message `key` with `{0}`, `{1}`… filled from `args`, when the texts are installed
 * (`installMessages()` in `messages.ts`); otherwise the key and the arguments, which the README's message table
 * explains, and where to find that table. Never throws, whatever the arguments (symbols included).
 */
export function say(key: MessageKey, ...args: unknown[]): string {
  const texts = (globalThis as Record<string, unknown>)[MESSAGES_GLOBAL] as Record<string, string> | undefined;
  const text = texts?.[key];
  return typeof text === 'string'
    ? text.replace(/\{(\d)\}/g, (_, i: string) => show(args[+i]))
    : [key, ...args].map(show).join(' ') + KEY_POINTER;
}

function show(value: unknown): string {
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}
