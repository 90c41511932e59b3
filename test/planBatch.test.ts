// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { RudderMessage } from '../src/mapping/types.js';
import { planBatch, type PlanConfig } from '../src/server/planBatch.js';

const CONFIG: PlanConfig = {
  listId: undefined,
  consent: ['email'],
  smsConsent: false,
  currency: undefined,
  eventNames: {},
  enforceEmailAsPrimary: false,
};
const AT = '2026-11-23T10:00:00.000Z';
const base = (m: Partial<RudderMessage>): RudderMessage => ({
  anonymousId: 'anon-1',
  messageId: 'm1',
  originalTimestamp: AT,
  context: { traits: { email: 'ada@example.com' } },
  ...m,
});
const metric = (name: string) => ({ data: { type: 'metric', attributes: { name } } });

describe('planBatch: gateway messages → Klaviyo server-API work', () => {
  it.each<[string, Partial<RudderMessage>, Partial<PlanConfig>, unknown[]]>([
    [
      'custom track: name kept, messageId as unique_id, capture time',
      { type: 'track', event: 'Signed Up', properties: { plan: 'pro' } },
      {},
      [{ metric: metric('Signed Up'), properties: { plan: 'pro' }, unique_id: 'm1', time: AT }],
    ],
    [
      'value with the event currency',
      {
        type: 'track',
        event: 'Product Viewed',
        properties: { product_id: 'P1', name: 'Hat', revenue: 20, currency: 'EUR' },
      },
      { currency: 'USD' },
      [
        {
          metric: metric('Viewed Product'),
          properties: { ProductID: 'P1', ProductName: 'Hat', currency: 'EUR' },
          value: 20,
          value_currency: 'EUR',
          unique_id: 'm1',
          time: AT,
        },
      ],
    ],
    [
      'value with the option currency when the event has none',
      { type: 'track', event: 'Product Viewed', properties: { product_id: 'P1', revenue: 20 } },
      { currency: 'USD' },
      [
        {
          metric: metric('Viewed Product'),
          properties: { ProductID: 'P1' },
          value: 20,
          value_currency: 'USD',
          unique_id: 'm1',
          time: AT,
        },
      ],
    ],
    [
      'renamed metric (eventNames)',
      { type: 'track', event: 'Checkout Started', properties: { order_id: 'O1', value: 5 } },
      { eventNames: { 'Started Checkout': 'Checkout (shop)' } },
      [expect.objectContaining({ metric: metric('Checkout (shop)'), value: 5 })],
    ],
    [
      'screen: an event named after the screen',
      { type: 'screen', name: 'Home', properties: { tab: 'new' } },
      {},
      [{ metric: metric('Home'), properties: { tab: 'new' }, unique_id: 'm1', time: AT }],
    ],
    [
      'unreadable capture time left out (Klaviyo uses the time it receives it)',
      { type: 'track', event: 'X', properties: {}, originalTimestamp: 'yesterday' },
      {},
      [{ metric: metric('X'), properties: {}, unique_id: 'm1' }],
    ],
  ])('%s', (_, message, config, events) => {
    const plan = planBatch([base(message)], { ...CONFIG, ...config });
    expect(plan.events.map((e) => e.attributes)).toEqual(events);
    expect(plan.events.every((e) => e.profile.email === 'ada@example.com')).toBe(true);
    expect(plan.skipped).toEqual([]);
  });

  it('Order Completed → Placed Order keyed by the order id and one Ordered Product per line', () => {
    const plan = planBatch(
      [
        base({
          type: 'track',
          event: 'Order Completed',
          userId: 'u1',
          properties: {
            order_id: 'O-7',
            total: 30,
            currency: 'EUR',
            products: [
              { product_id: 'A', name: 'Hat', price: 10, quantity: 1 },
              { product_id: 'B', name: 'Scarf', price: 20, quantity: 1 },
            ],
          },
        }),
      ],
      CONFIG,
    );
    const summary = plan.events.map((e) => [
      (e.attributes.metric as any).data.attributes.name,
      e.attributes.unique_id,
      e.attributes.value,
      e.attributes.value_currency,
    ]);
    expect(summary).toEqual([
      ['Placed Order', 'O-7', 30, 'EUR'],
      ['Ordered Product', 'O-7_A', 10, 'EUR'],
      ['Ordered Product', 'O-7_B', 20, 'EUR'],
    ]);
    expect(plan.events[0].profile).toEqual({ email: 'ada@example.com', external_id: 'u1' });
  });

  it('identify → one upsert per profile; calls of one profile in a batch merge in order', () => {
    const plan = planBatch(
      [
        base({
          type: 'identify',
          userId: 'u1',
          context: { traits: { email: 'a@x.co', firstName: 'Ada', plan: 'free' } },
        }),
        base({
          type: 'identify',
          userId: 'u1',
          messageId: 'm2',
          context: { traits: { email: 'a@x.co', plan: 'pro', city: 'Oslo' } },
        }),
        base({ type: 'identify', messageId: 'm3', anonymousId: 'anon-9', context: { traits: { email: 'b@x.co' } } }),
      ],
      CONFIG,
    );
    expect(plan.upserts).toEqual([
      {
        profile: JSON.stringify(['a@x.co', undefined, 'u1', undefined]),
        attributes: {
          email: 'a@x.co',
          external_id: 'u1',
          first_name: 'Ada',
          properties: { plan: 'pro' },
          location: { city: 'Oslo' },
        },
        messageIds: ['m1', 'm2'],
      },
      {
        profile: JSON.stringify(['b@x.co', undefined, undefined, undefined]),
        attributes: { email: 'b@x.co' },
        messageIds: ['m3'],
      },
    ]);
  });

  it('enforceEmailAsPrimary: the userId is a property, never external_id', () => {
    const plan = planBatch(
      [
        base({ type: 'identify', userId: 'u1', context: { traits: { email: 'a@x.co' } } }),
        base({ type: 'track', userId: 'u1', event: 'X', messageId: 'm2' }),
      ],
      { ...CONFIG, enforceEmailAsPrimary: true },
    );
    expect(plan.upserts[0].attributes).toEqual({ email: 'a@x.co', properties: { _id: 'u1' } });
    expect(plan.events[0].profile).toEqual({ email: 'ada@example.com' });
  });

  it.each<[string, Partial<RudderMessage>, Partial<PlanConfig>, unknown[]]>([
    [
      'identify with list data',
      { type: 'identify', context: { traits: { email: 'a@x.co', properties: { listId: 'L1', subscribe: true } } } },
      {},
      [
        {
          listId: 'L1',
          profile: { email: 'a@x.co', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } },
        },
      ],
    ],
    [
      'identify with subscribe and the default list, email and SMS',
      {
        type: 'identify',
        userId: 'u1',
        context: { traits: { email: 'a@x.co', phone: '+15005550006', properties: { subscribe: true } } },
      },
      { listId: 'DEF', consent: ['email', 'sms'] },
      [
        {
          listId: 'DEF',
          profile: {
            email: 'a@x.co',
            phone_number: '+15005550006',
            subscriptions: {
              email: { marketing: { consent: 'SUBSCRIBED' } },
              sms: { marketing: { consent: 'SUBSCRIBED' } },
            },
          },
        },
      ],
    ],
    [
      'group with traits.subscribe',
      { type: 'group', groupId: 'L2', traits: { subscribe: true }, context: { traits: { email: 'a@x.co' } } },
      {},
      [
        {
          listId: 'L2',
          profile: { email: 'a@x.co', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } },
        },
      ],
    ],
  ])('subscription: %s', (_, message, config, subscriptions) => {
    const plan = planBatch([base(message)], { ...CONFIG, ...config });
    expect(plan.subscriptions.map(({ listId, profile }) => ({ listId, profile }))).toEqual(subscriptions);
    expect(plan.skipped).toEqual([]);
  });

  it.each<[string, Partial<RudderMessage>, RegExp]>([
    [
      'track with no identifier (anonymousId is never one)',
      { type: 'track', event: 'X', context: {} },
      /no email, phone/,
    ],
    [
      'identify with no identifier',
      { type: 'identify', context: { traits: { firstName: 'A' } } },
      /noIdentity|identif/i,
    ],
    ['track with no event name', { type: 'track', event: '' }, /event name/i],
    ['group without subscribe', { type: 'group', groupId: 'L2', traits: {} }, /no list subscription/],
    ['unknown type', { type: 'purchase' }, /not one of/],
  ])('skipped with a reason: %s', (_, message, reason) => {
    const plan = planBatch([base(message)], CONFIG);
    expect(plan.events).toEqual([]);
    expect(plan.skipped).toEqual([{ messageId: 'm1', reason: expect.stringMatching(reason) }]);
  });

  it('page and alias are ignored', () => {
    const plan = planBatch([base({ type: 'page' }), base({ type: 'alias' })], CONFIG);
    expect(plan).toEqual({ upserts: [], events: [], subscriptions: [], skipped: [], ignored: 2 });
  });

  it('never mutates the messages', () => {
    const messages = [
      base({ type: 'track', event: 'Order Completed', properties: { order_id: 'O', products: [{ product_id: 'A' }] } }),
    ];
    const copy = structuredClone(messages);
    planBatch(messages, CONFIG);
    expect(messages).toEqual(copy);
  });
});
