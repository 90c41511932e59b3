import fc from 'fast-check';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 60_000 });
import { CloudForwarder } from '../src/cloud/CloudForwarder.js';
import { DeviceMode } from '../src/core/DeviceMode.js';
import { createLogger } from '../src/logger/createLogger.js';
import { mapIdentify } from '../src/mapping/mapIdentify.js';
import { mapPage } from '../src/mapping/mapPage.js';
import { mapTrack } from '../src/mapping/mapTrack.js';
import type { KlaviyoCommand } from '../src/mapping/types.js';
import { cleanPage, serveKlaviyo } from './helpers/klaviyoScript.js';
import { recordingSink } from './helpers/harness.js';

/** Bounded, seeded, reproducible: a failure prints the seed and path to replay it. */
const RUNS = { numRuns: 250, seed: 20261123 };

const HUGE = 'x'.repeat(1024 * 1024);
const SPECIAL_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'revenue',
  'value',
  'total',
  '$value',
  'products',
  'items',
  'email',
  'phone',
  'properties',
  'name',
  'price',
  'quantity',
  'order_id',
  'product_id',
  'address',
  'company',
  'categories',
  'listId',
  'subscribe',
];

/** An object with exactly these own keys, even `__proto__` (plain assignment would set the prototype). */
function ownObject(entries: Array<[string, unknown]>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries)
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

function deep(levels: number): unknown {
  let v: unknown = { leaf: 1 };
  for (let i = 0; i < levels; i++) v = { next: v };
  return v;
}

const leaf = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    NaN,
    Infinity,
    -Infinity,
    0,
    -0,
    '',
    ' ',
    '12.50',
    '$9.99',
    'abc',
    '+15005550006',
    true,
    false,
  ),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.date({ noInvalidDate: false }),
  fc.bigInt(),
  fc.func(fc.anything()),
  fc.constant(Symbol('s')),
  fc.constant(HUGE),
);

const { value: jsonLike } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    tie('array'),
    tie('object'),
    fc.constant(deep(60)),
  ),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...SPECIAL_KEYS), fc.string({ maxLength: 6 })), tie('value')), {
      maxLength: 6,
    })
    .chain((entries) =>
      fc.boolean().map((circular) => {
        const o = ownObject(entries);
        if (circular) o.self = o;
        return o;
      }),
    ),
}));

const eventName = fc.oneof(
  fc.constantFrom(
    'Product Viewed',
    'product_clicked',
    ' PRODUCT ADDED ',
    'Checkout Started',
    'Order Completed',
    'Signed Up',
    '',
    null,
    undefined,
    42,
    {},
  ),
  fc.string(),
);

const message = fc.record(
  {
    type: fc.oneof(fc.constantFrom('identify', 'track', 'page', 'group', 'screen', 'alias', 'reset', ''), jsonLike),
    event: eventName,
    name: jsonLike,
    category: jsonLike,
    userId: fc.oneof(fc.string(), fc.integer(), jsonLike),
    anonymousId: fc.oneof(fc.string(), jsonLike),
    groupId: jsonLike,
    properties: jsonLike,
    traits: jsonLike,
    context: fc.oneof(
      jsonLike,
      jsonLike.map((traits) => ({ traits })),
    ),
    messageId: jsonLike,
    originalTimestamp: jsonLike,
  },
  { requiredKeys: [] },
);

/** Freeze everything reachable: any mutation of the caller's data by the code under test then throws. */
function deepFreeze(value: unknown, seen = new Set<unknown>()): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) return value;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) {
    const d = Object.getOwnPropertyDescriptor(value, key);
    if (d && 'value' in d) deepFreeze(d.value, seen);
  }
  return Object.freeze(value);
}

function checkCommands(commands: KlaviyoCommand[]): void {
  const text = JSON.stringify(commands);
  expect(JSON.parse(text)).toEqual(commands); // nothing JSON would silently drop or change
  for (const command of commands) {
    const props = command[command.length - 1] as Record<string, unknown>;
    if (command[0] === 'track' && '$value' in props) expect(Number.isFinite(props.$value)).toBe(true);
    if (command[0] === 'track') expect(typeof command[1]).toBe('string');
  }
}

const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();
const before = prototypeKeys();
afterAll(() => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(prototypeKeys()).toEqual(before);
});

describe('property-based: the mapping', () => {
  it('never throws, never mutates, never pollutes; output is JSON, $value finite or absent', () => {
    fc.assert(
      fc.property(message, fc.boolean(), fc.boolean(), (m, enforceEmailAsPrimary, additionalPageInfo) => {
        deepFreeze(m);
        for (const result of [
          mapIdentify(m, { enforceEmailAsPrimary }),
          mapTrack(m, {}),
          mapPage(m, { sendPageAsTrack: true, additionalPageInfo }),
        ]) {
          checkCommands(result.commands);
          expect(result.warnings.every((w) => typeof w === 'string' && w.length > 0)).toBe(true);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      RUNS,
    );
  });

  it('a custom track keeps every property or says why it did not', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => s.trim() !== '' && !/product|checkout|order/i.test(s)),
        jsonLike,
        (event, properties) => {
          const { commands, warnings } = mapTrack({ type: 'track', event, properties });
          if (properties === null || properties === undefined) return;
          const isObject = typeof properties === 'object' && !Array.isArray(properties);
          if (!isObject) {
            expect(warnings.some((w) => w.startsWith('properties is not an object'))).toBe(true);
            return;
          }
          const out = commands[0][2] as Record<string, unknown>;
          for (const key of Object.keys(properties)) {
            if ((properties as Record<string, unknown>)[key] === undefined) continue; // not a value: JSON has no undefined
            const accounted =
              key in out ||
              (key === 'revenue' && '$value' in out) ||
              warnings.some((w) => w.includes(`properties.${key}`));
            expect(accounted, `property ${JSON.stringify(key)}`).toBe(true);
          }
        },
      ),
      RUNS,
    );
  });

  it('pollution attempts through JSON payloads change no prototype', () => {
    const payload = JSON.parse(
      '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "a": {"__proto__": {"polluted": "yes"}}}',
    );
    for (const map of [mapIdentify, mapTrack, mapPage]) {
      const { commands, warnings } = map(
        {
          type: 'track',
          event: 'E',
          properties: payload,
          context: { traits: { ...payload, email: 'a@b.co' } },
        },
        { sendPageAsTrack: true, additionalPageInfo: true },
      );
      expect(JSON.stringify(commands)).not.toContain('polluted');
      expect(warnings.some((w) => w.includes('__proto__ is an unsafe key; dropped.'))).toBe(true);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('property-based: the core and the forwarder', () => {
  beforeEach(() => {
    cleanPage();
    localStorage.clear();
  });

  it('DeviceMode.handle never throws and never hits its internal-error guard, whatever klaviyo.js does', () => {
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 5 }),
        fc.constantFrom<'load' | 'error'>('load', 'error'),
        (messages, outcome) => {
          cleanPage();
          serveKlaviyo(outcome);
          const log = recordingSink();
          const core = new DeviceMode({ publicApiKey: 'AbC123', sendPageAsTrack: true }, { logSink: log.sink });
          core.start();
          for (const m of messages) {
            deepFreeze(m);
            expect(() => core.handle(m)).not.toThrow();
          }
          expect(log.lines.filter(([, l]) => l.includes('internal error'))).toEqual([]);
          vi.restoreAllMocks();
        },
      ),
      { ...RUNS, numRuns: 100 },
    );
  });

  it('the forwarder queues each call as a valid data-plane message or says why not', () => {
    vi.useFakeTimers();
    try {
      fc.assert(
        fc.property(
          message,
          fc.constantFrom('list subscription', 'group', 'screen', 'klaviyo.js failed'),
          (m, reason) => {
            deepFreeze(m);
            const log = recordingSink();
            const f = new CloudForwarder(
              {
                cloudMode: { dataPlaneUrl: 'https://dp.example.com', writeKey: 'wk' },
                listId: undefined,
                consent: ['email'],
                smsConsent: false,
              },
              createLogger('debug', log.sink),
              window,
              {
                transport: async () => 200,
                beacon: () => true,
              },
            );
            try {
              expect(() => f.forward(m as never, reason as never)).not.toThrow();
              const queued = f.queued();
              if (queued.length === 0)
                expect(log.lines.some(([level, line]) => level === 'warn' && line.includes('not forwarded'))).toBe(
                  true,
                );
              for (const q of queued) {
                expect(JSON.parse(JSON.stringify(q))).toEqual(q);
                expect(typeof q.anonymousId === 'string' && q.anonymousId.trim() !== '').toBe(true);
                expect(q.integrations).toEqual({ All: false, Klaviyo: true });
                expect(JSON.stringify(q).length).toBeLessThanOrEqual(32 * 1024);
              }
            } finally {
              f.dispose();
            }
          },
        ),
        RUNS,
      );
    } finally {
      vi.useRealTimers();
    }
  });
});
