/**
 * A short, safe text for a value in a log line: strings as they are (cut at 60 characters), anything
 * else by its kind. Never throws, even for symbols or objects whose `toString` throws.
 */
export function describe(value: unknown): string {
  if (typeof value === 'string') return value.length > 60 ? `${value.slice(0, 60)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
