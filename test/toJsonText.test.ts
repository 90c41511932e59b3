import { afterEach, describe, expect, it } from 'vitest';
import { toJsonText } from '../src/util/toJsonText.js';

const proto = Array.prototype as unknown as { toJSON?: () => string };
afterEach(() => {
  delete proto.toJSON;
});

describe('toJsonText', () => {
  it('writes what JSON.stringify writes for JSON values, escapes included', () => {
    const value = {
      a: [1, 'two', null, true, { 'k"ey': 'line\nbreak\u2028\u0001\\' }],
      n: -0.5,
      e: 1e21,
      u: undefined,
    };
    expect(toJsonText(value)).toBe(JSON.stringify(value));
    expect(JSON.parse(toJsonText(value))).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it('a wrapped JSON.stringify (not the browser’s own) is not used', () => {
    const original = JSON.stringify;
    JSON.stringify = ((v: unknown) => `wrapped:${original(v)}`) as typeof JSON.stringify;
    try {
      expect(toJsonText({ a: [1] })).toBe('{"a":[1]}');
    } finally {
      JSON.stringify = original;
    }
  });

  it('a value JSON cannot hold (BigInt) still gives JSON text', () => {
    expect(toJsonText({ a: 1n, b: 2 })).toBe('{"a":null,"b":2}');
  });

  it('ignores a page’s Array.prototype.toJSON (Prototype.js 1.6), which double-encodes JSON.stringify', () => {
    proto.toJSON = function (this: unknown[]) {
      return `[${this.map((v) => JSON.stringify(v)).join(',')}]`; // what Prototype.js 1.6 does
    };
    const body = { batch: [{ type: 'track' }] };
    expect(JSON.parse(JSON.stringify(body)).batch).toBe('[{"type":"track"}]'); // the hostile page's result
    expect(JSON.parse(toJsonText(body))).toEqual(body);
  });
});
