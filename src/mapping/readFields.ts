import { toNumber } from './toNumber.js';
import type { JsonObject, JsonValue } from './types.js';

/** A value counts as present unless it is `undefined`, `null` or an all-blank string. */
export function isPresent(value: unknown): value is JsonValue {
  return value != null && !(typeof value === 'string' && !value.trim());
}

/** `value` when it is a plain JSON object, else `undefined`. */
export function asObject(value: unknown): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

/** `value` as a trimmed string when it is a non-blank string or a finite number, else `undefined`. */
export function asText(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return text || undefined;
}

/** A list of strings from an array or a single string (`'Books'` → `['Books']`). */
export function asStringList(value: unknown): string[] | undefined {
  const list = (Array.isArray(value) ? value : [value]).map(asText).filter((v): v is string => !!v);
  return list.length ? list : undefined;
}

/** A number from `value` when it is numeric; otherwise `value` unchanged (nothing is lost). */
export function numberOrKeep(value: JsonValue | undefined): JsonValue | undefined {
  return toNumber(value) ?? value;
}

/** Set `key` only when `value` is present. */
export function setPresent(target: JsonObject, key: string, value: JsonValue | undefined): void {
  if (isPresent(value)) target[key] = value;
}

/** `message[key]`, or `undefined` when `message` is not an object or the read throws. */
export function field(message: unknown, key: string): unknown {
  try {
    return typeof message === 'object' ? (message as Record<string, unknown>)?.[key] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads fields out of a JSON object and remembers which ones were used, so that the rest can be
 * passed through without repeating a mapped field. The source is never changed.
 */
export interface Fields {
  /** The value of `key` if it has not been used yet (without using it). */
  peek(key: string): JsonValue | undefined;
  /**
   * The first present value among `keys` (in priority order); every one of `keys` counts as used
   * (an absent key is not recorded: it has nothing to pass through).
   */
  take(...keys: string[]): JsonValue | undefined;
  /** {@link Fields.take} with the keys as one list. */
  takeList(keys: string[]): JsonValue | undefined;
  /** Like {@link Fields.take}, but only the key that supplied the value counts as used. */
  first(...keys: string[]): JsonValue | undefined;
  /** The fields not used so far, as a new object (undefined values left out, as JSON would). */
  rest(): JsonObject;
}

/** {@link Fields} over `source`. */
export function readFields(source: JsonObject): Fields {
  return new Reader(source);
}

/** {@link Fields}: one object per read, its methods shared (the mapping's hot path). */
class Reader implements Fields {
  private readonly used = new Set<string>();

  constructor(private readonly source: JsonObject) {}

  peek(key: string): JsonValue | undefined {
    return this.used.has(key) ? undefined : this.source[key];
  }

  take(...keys: string[]): JsonValue | undefined {
    return this.takeList(keys);
  }

  takeList(keys: string[]): JsonValue | undefined {
    let found: JsonValue | undefined;
    for (const key of keys) {
      const value = this.peek(key);
      if (value === undefined) continue; // absent: nothing to mark as used
      if (found === undefined && isPresent(value)) found = value;
      this.used.add(key);
    }
    return found;
  }

  first(...keys: string[]): JsonValue | undefined {
    for (const key of keys) {
      const value = this.peek(key);
      if (isPresent(value)) {
        this.used.add(key);
        return value;
      }
    }
    return undefined;
  }

  rest(): JsonObject {
    const rest: JsonObject = {};
    for (const key of Object.keys(this.source))
      if (!this.used.has(key) && this.source[key] !== undefined) rest[key] = this.source[key];
    return rest;
  }
}

/** One row of a mapping table: the output key, the source keys in priority order, and a conversion. */
export type Rule = [out: string, keys: string[], kind: string];

/**
 * A mapping table from its compact text: space-separated `Out=key,key/kind` rows. `kind` is `t`
 * (text), `n` (number, else kept) or `l` (string list); none copies the value. `prefix` goes before
 * every output key.
 */
export function table(spec: string, prefix = ''): Rule[] {
  return spec.split(' ').map((row) => {
    const [out, from] = row.split('=');
    const [keys, kind = ''] = from.split('/');
    return [prefix + out, keys.split(','), kind];
  });
}

const KINDS: Record<string, (value: JsonValue | undefined) => JsonValue | undefined> = {
  t: asText,
  n: numberOrKeep,
  l: asStringList,
};

/** Fill `out` from `f` by the rows of `rules` (see {@link table}); absent values are left out. */
export function applyTable(out: JsonObject, f: Fields, rules: Rule[]): JsonObject {
  for (const [key, keys, kind] of rules) {
    const value = f.takeList(keys);
    setPresent(out, key, KINDS[kind] ? KINDS[kind](value) : value);
  }
  return out;
}

/** Copy `extra` into `target` without replacing a key `target` already has; returns clashing keys. */
export function mergeWithoutOverwrite(target: JsonObject, extra: JsonObject): string[] {
  const clashes: string[] = [];
  for (const key of Object.keys(extra)) {
    if (key in target) clashes.push(key);
    else target[key] = extra[key];
  }
  return clashes;
}
