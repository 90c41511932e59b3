import type { ConfigProblem } from '../logger/configMessages.js';

/** Klaviyo public API keys ("site IDs") are exactly six letters or digits. */
const PUBLIC_KEY_PATTERN = /^[A-Za-z0-9]{6}$/;

/**
 * Why `value` cannot be used as a Klaviyo public API key, or `undefined` when it can.
 * The key itself never appears in the reason: a private key must not end up in logs either.
 */
export function validatePublicKey(value: unknown): ConfigProblem | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    return ['keyMissing'];
  }
  const key = value.trim();
  if (/^pk_/i.test(key)) return ['keyPrivate'];
  if (!PUBLIC_KEY_PATTERN.test(key)) {
    if (key.length !== 6) return ['keyShape', key.length];
    const at = [...key].findIndex((c) => !/[A-Za-z0-9]/.test(c));
    const c = key[at];
    return ['keyChar', at + 1, c === ' ' ? 'a space' : `'${c}'`];
  }
  return undefined;
}
