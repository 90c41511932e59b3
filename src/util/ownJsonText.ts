/**
 * A `JSON.stringify` replacer that undoes every `toJSON` (a page's `Array.prototype.toJSON`, as
 * Prototype.js 1.6 defines, would double-encode arrays): the holder still has the value as it was.
 */
function ownValue(this: Record<string, unknown>, key: string): unknown {
  return this[key];
}

/**
 * JSON text of the core's own JSON-safe copies (what it stores for a later page), immune to a page's
 * `toJSON`. Costs about 30 B where our full JSON writer (`toJsonText`) would cost 359 B on the
 * critical path.
 */
export function ownJsonText(value: unknown): string {
  return JSON.stringify(value, ownValue);
}
