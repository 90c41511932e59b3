/** The last value {@link toE164} was given, and its result: a page's calls carry the same phone number. */
let lastValue: unknown;
let lastResult: string | undefined;

/**
 * A phone number in E.164 (`+` and 8 to 15 digits), or `undefined` when it cannot be made one.
 * Spaces, dots, dashes and brackets are removed and a leading international `00` becomes `+`.
 * A number without a country code is not guessed at: Klaviyo rejects what is not E.164.
 */
export function toE164(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  if (value !== lastValue) {
    lastValue = value;
    let s = String(value)
      .trim()
      .replace(/[\s().\-\u00a0]/g, '');
    if (s.startsWith('00')) s = `+${s.slice(2)}`;
    lastResult = /^\+[1-9]\d{7,14}$/.test(s) ? s : undefined;
  }
  return lastResult;
}
