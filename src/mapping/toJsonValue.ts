import type { JsonObject, JsonValue } from './types.js';

/** Nesting deeper than this is cut (and reported): klaviyo.js and the data plane cap depth too. */
export const MAX_DEPTH = 20;
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A JSON-safe deep copy of `value`, never sharing an object with the input, so that later changes by
 * the host cannot reach what was queued. Drops (and reports in `warnings`) functions, symbols,
 * NaN/Infinity, invalid dates, circular references, `__proto__`/`constructor`/`prototype` keys,
 * throwing getters and anything nested deeper than {@link MAX_DEPTH}. BigInt becomes a string and a
 * Date an ISO string. Returns `undefined` when nothing can be kept.
 */
export function toJsonValue(value: unknown, path: string, warnings: string[]): JsonValue | undefined {
  return copy(value, path, warnings, 0, []);
}

/** {@link toJsonValue} for something that should be an object: anything else gives `{}`. */
export function toJsonObject(value: unknown, path: string, warnings: string[]): JsonObject {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    warnings.push(`${path} is not an object (${Array.isArray(value) ? 'array' : typeof value}); ignored.`);
    return {};
  }
  const out = copy(value, path, warnings, 0, []);
  return out !== undefined && out !== null && typeof out === 'object' && !Array.isArray(out) ? out : {};
}

function copy(value: unknown, path: string, warnings: string[], depth: number, stack: object[]): JsonValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value)) return value === 0 ? 0 : value; // -0 is 0 in JSON
      warnings.push(`${path} is ${String(value)}, not a finite number; dropped.`);
      return undefined;
    case 'bigint':
      warnings.push(`${path} is a BigInt; sent as the string '${value.toString().slice(0, 40)}'.`);
      return value.toString();
    case 'undefined':
      return undefined;
    case 'function':
    case 'symbol':
      warnings.push(`${path} is a ${typeof value}; dropped.`);
      return undefined;
  }
  if (value === null) return null;
  const obj = value as object;
  if (obj instanceof Date) {
    if (Number.isNaN(obj.getTime())) {
      warnings.push(`${path} is an invalid date; dropped.`);
      return undefined;
    }
    return obj.toISOString();
  }
  if (stack.includes(obj)) {
    warnings.push(`${path} is a circular reference; dropped.`);
    return undefined;
  }
  if (depth >= MAX_DEPTH) {
    warnings.push(`${path} is nested deeper than ${MAX_DEPTH} levels; dropped.`);
    return undefined;
  }
  stack.push(obj);
  try {
    if (Array.isArray(obj)) {
      const out: JsonValue[] = [];
      for (let i = 0; i < obj.length; i++) {
        const item = copy(read(obj, i, path, warnings), `${path}[${i}]`, warnings, depth + 1, stack);
        if (item !== undefined) out.push(item);
      }
      return out;
    }
    const out: JsonObject = {};
    let keys: string[];
    try {
      keys = Object.keys(obj);
    } catch {
      warnings.push(`${path} cannot be read; dropped.`);
      return undefined;
    }
    for (const key of keys) {
      if (UNSAFE_KEYS.has(key)) {
        warnings.push(`${path}.${key} is an unsafe key; dropped.`);
        continue;
      }
      const item = copy(read(obj, key, path, warnings), `${path}.${key}`, warnings, depth + 1, stack);
      if (item !== undefined) out[key] = item;
    }
    return out;
  } finally {
    stack.pop();
  }
}

/** Read a property, turning a throwing getter (or Proxy trap) into `undefined` plus a warning. */
function read(obj: object, key: string | number, path: string, warnings: string[]): unknown {
  try {
    return (obj as Record<string | number, unknown>)[key];
  } catch {
    warnings.push(`${path}.${key} threw when read; dropped.`);
    return undefined;
  }
}
