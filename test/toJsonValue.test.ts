import { describe, expect, it } from 'vitest';
import { toJsonObject, toJsonValue } from '../src/mapping/toJsonValue.js';

describe('toJsonValue', () => {
  it('names each dropped value by its full path: keys with dots, array indices in brackets', () => {
    const warnings: string[] = [];
    const looped: Record<string, unknown> = { ok: 1 };
    looped.self = looped;
    const value = {
      a: { b: [1, { c: NaN, d: 'kept' }] },
      e: [() => 1, 'kept'],
      f: Object.defineProperty({}, 'boom', {
        enumerable: true,
        get() {
          throw new Error('no');
        },
      }),
      g: looped,
      h: [[Symbol('s')]],
      i: { '0': undefined, '1': new Date(NaN) },
    };
    expect(toJsonObject(value, 'properties', warnings)).toEqual({
      a: { b: [1, { d: 'kept' }] },
      e: ['kept'],
      f: {},
      g: { ok: 1 },
      h: [[]],
      i: {},
    });
    expect(warnings).toEqual([
      'properties.a.b[1].c is NaN, not a finite number; dropped.',
      'properties.e[0] is a function; dropped.',
      'properties.f.boom threw when read; dropped.',
      'properties.g.self is a circular reference; dropped.',
      'properties.h[0][0] is a symbol; dropped.',
      'properties.i.1 is an invalid date; dropped.',
    ]);
  });

  it('cuts nesting past 20 levels and names where', () => {
    const warnings: string[] = [];
    let deep: Record<string, unknown> = { end: true };
    for (let i = 0; i < 21; i++) deep = { n: deep };
    toJsonValue([deep], 'traits', warnings);
    expect(warnings).toEqual([`traits[0]${'.n'.repeat(19)} is nested deeper than 20 levels; dropped.`]);
  });
});
