import { say } from '../logger/say.js';
import { asObject } from './readFields.js';
import type { JsonObject, JsonValue } from './types.js';

/** Nesting deeper than this is cut (and reported): klaviyo.js and the data plane cap depth too. */
export const MAX_DEPTH = 20;
const UNSAFE_KEYS = ['__proto__', 'constructor', 'prototype'];

/**
 * A JSON-safe deep copy of `value`, never sharing an object with the input, so that later changes by
 * the host cannot reach what was queued. Drops (and reports in `warnings`) functions, symbols,
 * NaN/Infinity, invalid dates, circular references, `__proto__`/`constructor`/`prototype` keys,
 * throwing getters and anything nested deeper than {@link MAX_DEPTH}. BigInt becomes a string and a
 * Date an ISO string. Returns `undefined` when nothing can be kept.
 */
export function toJsonValue(value: unknown, path: string, warnings: string[]): JsonValue | undefined {
  return copy(value, path, warnings, []);
}

/** {@link toJsonValue} for something that should be an object: anything else gives `{}`. */
export function toJsonObject(value: unknown, path: string, warnings: string[]): JsonObject {
  if (value == null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    warnings.push(say('notObject', path, Array.isArray(value) ? 'array' : typeof value));
    return {};
  }
  return asObject(copy(value, path, warnings, [])) ?? {};
}

/** The copy; `stack` holds the objects being copied, outermost first (its length is the depth). */
function copy(value: unknown, path: string, warnings: string[], stack: object[]): JsonValue | undefined {
  const type = typeof value;
  if (type === 'string' || type === 'boolean' || value === null) return value as JsonValue;
  if (type === 'number') {
    if (Number.isFinite(value)) return (value as number) || 0; // -0 is 0 in JSON
    warnings.push(say('notFinite', path, value));
    return undefined;
  }
  if (type === 'bigint') {
    const text = String(value);
    warnings.push(say('bigint', path, text.slice(0, 40)));
    return text;
  }
  if (type !== 'object') {
    if (type !== 'undefined') warnings.push(say('badType', path, type));
    return undefined;
  }
  const obj = value as Record<string, unknown>;
  if (obj instanceof Date) {
    if (Number.isNaN(obj.getTime())) {
      warnings.push(say('badDate', path));
      return undefined;
    }
    return obj.toISOString();
  }
  if (stack.includes(obj)) {
    warnings.push(say('circular', path));
    return undefined;
  }
  if (stack.length >= MAX_DEPTH) {
    warnings.push(say('tooDeep', path, MAX_DEPTH));
    return undefined;
  }
  stack.push(obj);
  try {
    if (Array.isArray(obj)) {
      const out: JsonValue[] = [];
      for (let i = 0; i < obj.length; i++) {
        const item = copy(read(obj, i, path, warnings), `${path}[${i}]`, warnings, stack);
        if (item !== undefined) out.push(item);
      }
      return out;
    }
    let keys: string[];
    try {
      keys = Object.keys(obj);
    } catch {
      warnings.push(say('unreadable', path));
      return undefined;
    }
    const out: JsonObject = {};
    for (const key of keys) {
      if (UNSAFE_KEYS.includes(key)) {
        warnings.push(say('unsafeKey', path, key));
        continue;
      }
      const item = copy(read(obj, key, path, warnings), `${path}.${key}`, warnings, stack);
      if (item !== undefined) out[key] = item;
    }
    return out;
  } finally {
    stack.pop();
  }
}

/** Read a property, turning a throwing getter (or Proxy trap) into `undefined` plus a warning. */
function read(obj: Record<string | number, unknown>, key: string | number, path: string, warnings: string[]): unknown {
  try {
    return obj[key];
  } catch {
    warnings.push(say('getterThrew', path, key));
    return undefined;
  }
}
