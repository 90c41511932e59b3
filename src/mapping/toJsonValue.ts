import { say } from '../logger/say.js';
import { asObject } from './readFields.js';
import type { JsonObject, JsonValue } from './types.js';

/** Nesting deeper than this is cut (and reported): klaviyo.js and the data plane cap depth too. */
export const MAX_DEPTH = 20;
const UNSAFE_KEYS = ['__proto__', 'constructor', 'prototype'];

/**
 * Where a value sits: the root's name, then the keys (`string`) and indices (`number`) down to it.
 * Kept as a list and only formatted for a warning, so that a clean copy builds no path strings.
 */
type Trail = Array<string | number>;

/** `properties.items[2].name` from `['properties', 'items', 2, 'name']`. */
function where(trail: Trail): string {
  let path = String(trail[0]);
  for (let i = 1; i < trail.length; i++) path += typeof trail[i] === 'number' ? `[${trail[i]}]` : `.${trail[i]}`;
  return path;
}

/**
 * A JSON-safe deep copy of `value`, never sharing an object with the input, so that later changes by
 * the host cannot reach what was queued. Drops (and reports in `warnings`) functions, symbols,
 * NaN/Infinity, invalid dates, circular references, `__proto__`/`constructor`/`prototype` keys,
 * throwing getters and anything nested deeper than {@link MAX_DEPTH}. BigInt becomes a string and a
 * Date an ISO string. Returns `undefined` when nothing can be kept.
 */
export function toJsonValue(value: unknown, path: string, warnings: string[]): JsonValue | undefined {
  return copy(value, [path], warnings, []);
}

/** {@link toJsonValue} for something that should be an object: anything else gives `{}`. */
export function toJsonObject(value: unknown, path: string, warnings: string[]): JsonObject {
  if (value == null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    warnings.push(say('notObject', path, Array.isArray(value) ? 'array' : typeof value));
    return {};
  }
  return asObject(copy(value, [path], warnings, [])) ?? {};
}

/** The copy; `stack` holds the objects being copied, outermost first (its length is the depth). */
function copy(value: unknown, trail: Trail, warnings: string[], stack: object[]): JsonValue | undefined {
  const type = typeof value;
  if (type === 'string' || type === 'boolean' || value === null) return value as JsonValue;
  if (type === 'number') {
    if (Number.isFinite(value)) return (value as number) || 0; // -0 is 0 in JSON
    warnings.push(say('notFinite', where(trail), value));
    return undefined;
  }
  if (type === 'bigint') {
    const text = String(value);
    warnings.push(say('bigint', where(trail), text.slice(0, 40)));
    return text;
  }
  if (type !== 'object') {
    if (type !== 'undefined') warnings.push(say('badType', where(trail), type));
    return undefined;
  }
  const obj = value as Record<string, unknown>;
  if (obj instanceof Date) {
    if (Number.isNaN(obj.getTime())) {
      warnings.push(say('badDate', where(trail)));
      return undefined;
    }
    return obj.toISOString();
  }
  if (stack.includes(obj)) {
    warnings.push(say('circular', where(trail)));
    return undefined;
  }
  if (stack.length >= MAX_DEPTH) {
    warnings.push(say('tooDeep', where(trail), MAX_DEPTH));
    return undefined;
  }
  stack.push(obj);
  try {
    if (Array.isArray(obj)) {
      const out: JsonValue[] = [];
      for (let i = 0; i < obj.length; i++) {
        const item = child(obj, i, trail, warnings, stack);
        if (item !== undefined) out.push(item);
      }
      return out;
    }
    let keys: string[];
    try {
      keys = Object.keys(obj);
    } catch {
      warnings.push(say('unreadable', where(trail)));
      return undefined;
    }
    const out: JsonObject = {};
    for (const key of keys) {
      if (UNSAFE_KEYS.includes(key)) {
        warnings.push(say('unsafeKey', where(trail), key));
        continue;
      }
      const item = child(obj, key, trail, warnings, stack);
      if (item !== undefined) out[key] = item;
    }
    return out;
  } finally {
    stack.pop();
  }
}

/**
 * The copy of `obj[key]`: a throwing getter (or Proxy trap) gives `undefined` plus a warning.
 * `key` stays on `trail` only while its value is copied.
 */
function child(obj: Record<string | number, unknown>, key: string | number, trail: Trail, warnings: string[], stack: object[]): JsonValue | undefined {
  let value: unknown;
  try {
    value = obj[key];
  } catch {
    warnings.push(say('getterThrew', where(trail), key));
    return undefined;
  }
  trail.push(key);
  try {
    return copy(value, trail, warnings, stack);
  } finally {
    trail.pop();
  }
}
