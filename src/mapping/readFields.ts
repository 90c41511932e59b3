import type { JsonObject, JsonValue } from './types.js';

/** A value counts as present unless it is `undefined`, `null` or an all-blank string. */
export function isPresent(value: JsonValue | undefined): value is JsonValue {
  return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

/** `value` when it is a plain JSON object, else `undefined`. */
export function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

/**
 * Reads fields out of a JSON object and remembers which ones were used, so that the rest can be
 * passed through without repeating a mapped field. The source is never changed (and never has keys
 * deleted, which would put V8 objects in slow dictionary mode).
 */
export class FieldReader {
  private readonly used = new Set<string>();

  constructor(private readonly source: JsonObject) {}

  /** The value of `key` if it has not been used yet (without using it). */
  peek(key: string): JsonValue | undefined {
    return this.used.has(key) ? undefined : this.source[key];
  }

  /** The first present value among `keys` (in priority order); every one of `keys` counts as used. */
  take(...keys: string[]): JsonValue | undefined {
    let found: JsonValue | undefined;
    for (const key of keys) {
      if (this.used.has(key)) continue;
      const value = this.source[key];
      if (found === undefined && isPresent(value)) found = value;
      this.used.add(key);
    }
    return found;
  }

  /** Like {@link take}, but only the key that supplied the value counts as used. */
  takeFirst(...keys: string[]): JsonValue | undefined {
    for (const key of keys) {
      const value = this.peek(key);
      if (isPresent(value)) {
        this.used.add(key);
        return value;
      }
    }
    return undefined;
  }

  /** The fields not used so far, as a new object. */
  remaining(): JsonObject {
    const rest: JsonObject = {};
    for (const key of Object.keys(this.source)) if (!this.used.has(key)) rest[key] = this.source[key];
    return rest;
  }
}

/** `value` as a trimmed string when it is a non-blank string or a finite number, else `undefined`. */
export function asText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return undefined;
}

/** A list of strings from an array or a single string (`'Books'` → `['Books']`). */
export function asStringList(value: JsonValue | undefined): string[] | undefined {
  if (Array.isArray(value)) {
    const list = value.map(asText).filter((v): v is string => v !== undefined);
    return list.length ? list : undefined;
  }
  const one = asText(value);
  return one === undefined ? undefined : [one];
}

/** Copy `extra` into `target` without replacing a key `target` already has; returns clashing keys. */
export function mergeWithoutOverwrite(target: JsonObject, extra: JsonObject): string[] {
  const clashes: string[] = [];
  for (const [key, value] of Object.entries(extra)) {
    if (key in target) clashes.push(key);
    else target[key] = value;
  }
  return clashes;
}

/** Set `key` only when `value` is present. */
export function setPresent(target: JsonObject, key: string, value: JsonValue | undefined): void {
  if (isPresent(value)) target[key] = value;
}

/** `message[key]`, or `undefined` when `message` is not an object or the read throws. */
export function field(message: unknown, key: string): unknown {
  if (message === null || typeof message !== 'object') return undefined;
  try {
    return (message as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}
