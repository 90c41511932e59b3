import { say } from '../logger/say.js';
import type { MessageKey } from '../logger/messages.js';
import { asObject } from './readFields.js';
import type { JsonObject, JsonValue } from './types.js';

/** Nesting deeper than this is cut (and reported): klaviyo.js and the data plane cap depth too. */
export const MAX_DEPTH = 20;
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

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

/** Report why the value at `trail` is dropped or altered; gives `undefined`, the dropped value. */
function warn(warnings: string[], key: MessageKey, trail: Trail, ...args: unknown[]): undefined {
  warnings.push(say(key, where(trail), ...args));
  return undefined;
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
    return Number.isFinite(value) ? (value as number) || 0 : warn(warnings, 'notFinite', trail, value); // -0 is 0 in JSON
  }
  if (type === 'bigint') {
    const text = (value as bigint).toString();
    warn(warnings, 'bigint', trail, text.slice(0, 40));
    return text;
  }
  if (type !== 'object') return type === 'undefined' ? undefined : warn(warnings, 'badType', trail, type);
  const obj = value as Record<string, unknown>;
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? warn(warnings, 'badDate', trail) : obj.toISOString();
  if (stack.includes(obj)) return warn(warnings, 'circular', trail);
  if (stack.length >= MAX_DEPTH) return warn(warnings, 'tooDeep', trail, MAX_DEPTH);
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
      return warn(warnings, 'unreadable', trail);
    }
    const out: JsonObject = {};
    for (const key of keys) {
      const item = UNSAFE_KEYS.has(key)
        ? warn(warnings, 'unsafeKey', trail, key)
        : child(obj, key, trail, warnings, stack);
      if (item !== undefined) out[key] = item;
    }
    return out;
  } finally {
    stack.pop();
  }
}

/**
 * The copy of `obj[key]`: a throwing getter (or Proxy trap) gives `undefined` plus a warning.
 * `key` is on `trail` while its value is copied (after a throw, the whole copy is abandoned).
 */
function child(
  obj: Record<string | number, unknown>,
  key: string | number,
  trail: Trail,
  warnings: string[],
  stack: object[],
): JsonValue | undefined {
  let value: unknown;
  try {
    value = obj[key];
  } catch {
    return warn(warnings, 'getterThrew', trail, key);
  }
  // Most values are leaves that copy as they are: no trail, no recursion.
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value || 0; // -0 is 0 in JSON
  trail.push(key);
  const item = copy(value, trail, warnings, stack);
  trail.pop();
  return item;
}
