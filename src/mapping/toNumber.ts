const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A finite number from a number or a numeric string (`"12.50"`, `" 3 "`, `"$9.99"`), else `undefined`.
 * Thousands separators are not guessed: `"1,000"` is ambiguous across locales and gives `undefined`.
 */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const s = value.trim().replace(/^[$€£¥]\s*/, '');
  return NUMERIC.test(s) ? Number(s) : undefined;
}
