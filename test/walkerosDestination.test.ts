// @vitest-environment node
import { startFlow } from '@walkeros/collector';
import { getEvent, type Mapping as WalkerMapping, type WalkerOS } from '@walkeros/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startKlaviyoServerApi, STAND_IN_PRIVATE_KEY, type KlaviyoServerApiStandIn } from '../e2e/klaviyoServerApi.mjs';
import destinationDefault, { destinationKlaviyo, type Settings } from '../src/server/walkeros/index.js';

/**
 * The walkerOS destination through the real collector (`startFlow`), against the Klaviyo server-API
 * stand-in: walkerOS's own destination's seven doc examples, counted in the Klaviyo account by
 * `unique_id`, then what we add (order lines, identify per profile, batches, partial failures).
 */

let klaviyo: KlaviyoServerApiStandIn;
beforeAll(async () => {
  klaviyo = await startKlaviyoServerApi();
});
afterEach(() => {
  klaviyo.reset();
  klaviyo.account?.reset();
  klaviyo.fail(0, 0);
});
afterAll(() => klaviyo.close());

/** A collector with our destination; log lines at warn and above are recorded. */
async function flow(
  settings: Partial<Settings> = {},
  mapping?: WalkerMapping.Rules<WalkerMapping.Rule>,
  more: Record<string, unknown> = {},
) {
  const logs: string[] = [];
  const { collector, elb } = await startFlow({
    logger: { level: 'WARN', handler: (level, message) => void logs.push(`${String(level)} ${message}`) },
    destinations: {
      klaviyo: {
        code: destinationKlaviyo,
        config: {
          settings: {
            apiKey: STAND_IN_PRIVATE_KEY,
            klaviyoBaseUrl: klaviyo.url,
            email: 'user.email',
            externalId: 'user.id',
            ...settings,
          },
          mapping,
          ...more,
        },
      },
    },
  });
  return { collector, elb, logs };
}

/** The events Klaviyo took, as [metric, unique_id, the profile's identifiers]. */
const taken = () =>
  klaviyo.account!.kept().map((e) => {
    const p = klaviyo.account!.profiles.find((x) => x.id === e.profileId)!;
    return [e.metric, e.uniqueId, p.email ?? p.external_id];
  });
const bodies = (path: string) => klaviyo.requests.filter((r) => r.path === path).map((r) => r.body);
/** The profile entries of the event jobs, and the event attributes under each. */
const jobEntries = () =>
  bodies('/api/event-bulk-create-jobs').flatMap((b) =>
    b.data.attributes['events-bulk-create'].data.map((e: any) => ({
      profile: e.attributes.profile.data.attributes,
      events: e.attributes.events.data.map((v: any) => v.attributes),
    })),
  );

describe("walkerOS's seven examples, through the real collector", () => {
  it('default event: the event as its metric, the profile from user.email and user.id, keyed by the event id', async () => {
    const { elb } = await flow();
    await elb(
      getEvent('product view', {
        id: 'a1b2c3d4e5f60100',
        timestamp: 1700000100,
        user: { id: 'us3r', email: 'user@example.com' },
      }),
    );
    expect(jobEntries()).toEqual([
      {
        profile: { email: 'user@example.com', external_id: 'us3r' },
        events: [
          {
            metric: { data: { type: 'metric', attributes: { name: 'product view' } } },
            properties: {},
            time: new Date(1700000100).toISOString(),
            unique_id: 'a1b2c3d4e5f60100',
          },
        ],
      },
    ]);
    expect(taken()).toEqual([['product view', 'a1b2c3d4e5f60100', 'user@example.com']]);
  });

  it('destination identify: the profile is upserted with the mapped first name, on the event’s own job', async () => {
    const { elb } = await flow({ identify: { map: { firstName: 'user.firstName' } } });
    await elb(
      getEvent('page view', {
        id: 'a1b2c3d4e5f60104',
        timestamp: 1700000104,
        user: { id: 'us3r', email: 'user@example.com', firstName: 'Jane' },
      }),
    );
    const [entry] = jobEntries();
    expect(entry.profile).toEqual({ email: 'user@example.com', external_id: 'us3r', first_name: 'Jane' });
    expect(entry.events.map((e: any) => [e.metric.data.attributes.name, e.unique_id])).toEqual([
      ['page view', 'a1b2c3d4e5f60104'],
    ]);
    expect(bodies('/api/profile-bulk-import-jobs')).toEqual([]);
    expect(taken()).toEqual([['page view', 'a1b2c3d4e5f60104', 'user@example.com']]);
  });

  it('email only: externalId unset falls back to user.id, which this event lacks: the email alone', async () => {
    const { elb } = await flow({ externalId: undefined });
    await elb(
      getEvent('newsletter signup', {
        id: 'a1b2c3d4e5f60105',
        timestamp: 1700000105,
        user: { email: 'subscriber@example.com' },
      }),
    );
    expect(jobEntries().map((e) => e.profile)).toEqual([{ email: 'subscriber@example.com' }]);
    expect(taken()).toEqual([['newsletter signup', 'a1b2c3d4e5f60105', 'subscriber@example.com']]);
  });

  it('mapped event name: product view as Viewed Product, with the mapped properties', async () => {
    const { elb } = await flow(
      {},
      {
        product: {
          view: {
            name: 'Viewed Product',
            data: { map: { ProductName: 'data.name', ProductID: 'data.id', Price: 'data.price' } },
          },
        },
      },
    );
    await elb(
      getEvent('product view', {
        id: 'a1b2c3d4e5f60101',
        timestamp: 1700000101,
        user: { id: 'us3r', email: 'user@example.com' },
        data: { name: 'USB Cable', id: 'PROD-1', price: 9.99 },
      }),
    );
    expect(jobEntries()[0].events[0].properties).toEqual({
      ProductName: 'USB Cable',
      ProductID: 'PROD-1',
      Price: 9.99,
    });
    expect(taken()).toEqual([['Viewed Product', 'a1b2c3d4e5f60101', 'user@example.com']]);
  });

  it('revenue event: Placed Order with value and currency, keyed by the order id, and one Ordered Product per line', async () => {
    const { elb } = await flow(
      { currency: 'EUR' },
      {
        order: {
          complete: {
            name: 'Placed Order',
            data: { map: { OrderId: 'data.id', ItemNames: 'data.itemNames' } },
            settings: { value: 'data.total' },
          },
        },
      },
    );
    await elb(
      getEvent('order complete', {
        id: 'a1b2c3d4e5f60102',
        timestamp: 1700000102,
        user: { id: 'us3r', email: 'user@example.com' },
        data: { id: 'ORD-123', total: 99.99, itemNames: ['Widget A', 'Widget B'] },
      }),
    );
    const [placed, ...lines] = jobEntries()[0].events;
    expect(placed).toMatchObject({
      value: 99.99,
      value_currency: 'EUR',
      unique_id: 'ORD-123',
      properties: { OrderId: 'ORD-123', ItemNames: ['Widget A', 'Widget B'] },
    });
    expect(placed.properties.Items.map((i: any) => i.ProductID)).toEqual(['ers', 'cc']);
    expect(lines.map((l: any) => [l.value, l.value_currency, l.properties.ProductName])).toEqual([
      [420, 'EUR', 'Everyday Ruck Snack'],
      [42, 'EUR', 'Cool Cap'],
    ]);
    expect(taken()).toEqual([
      ['Placed Order', 'ORD-123', 'user@example.com'],
      ['Ordered Product', 'ORD-123_ers', 'user@example.com'],
      ['Ordered Product', 'ORD-123_cc', 'user@example.com'],
    ]);
  });

  it.each(['silent', 'skip'])('user login identify (%s: true): the profile upserted, no event', async (flag) => {
    const { elb } = await flow(
      {},
      {
        user: {
          login: {
            [flag]: true,
            settings: {
              identify: {
                map: {
                  firstName: 'data.firstName',
                  lastName: 'data.lastName',
                  organization: 'data.company',
                  properties: { map: { plan: 'data.plan' } },
                },
              },
            },
          } as WalkerMapping.Rule,
        },
      },
    );
    await elb(
      getEvent('user login', {
        id: 'a1b2c3d4e5f60103',
        timestamp: 1700000103,
        user: { id: 'us3r', email: 'user@acme.com' },
        data: { firstName: 'Jane', lastName: 'Doe', company: 'Acme Corp', plan: 'premium' },
      }),
    );
    expect(bodies('/api/profile-bulk-import-jobs').map((b) => b.data.attributes.profiles.data)).toEqual([
      [
        {
          type: 'profile',
          attributes: {
            email: 'user@acme.com',
            external_id: 'us3r',
            first_name: 'Jane',
            last_name: 'Doe',
            organization: 'Acme Corp',
            properties: { plan: 'premium' },
          },
        },
      ],
    ]);
    expect(klaviyo.account!.events()).toEqual([]);
    expect(klaviyo.account!.profiles.map((p) => p.email)).toEqual(['user@acme.com']);
  });

  it('wildcard ignored: nothing reaches Klaviyo for an ignored event; a rule of its own still sends', async () => {
    const { elb } = await flow({}, { '*': { '*': { ignore: true } }, order: { complete: { name: 'Placed Order' } } });
    const user = { id: 'us3r', email: 'user@example.com' };
    await elb(getEvent('debug noise', { id: 'a1b2c3d4e5f60106', timestamp: 1700000106, user }));
    expect(klaviyo.requests).toEqual([]);
    await elb(getEvent('order complete', { id: 'e2', user, data: { id: 'ORD-9' } }));
    expect(taken().map((t) => t[1])).toEqual(['ORD-9', 'ORD-9_ers', 'ORD-9_cc']);
  });
});

describe('what we add to walkerOS’s destination', () => {
  it('is the default export too, as walkerOS destination packages are', () => {
    expect(destinationDefault).toBe(destinationKlaviyo);
  });

  it('an event without email, E.164 phone or external id is skipped with a warning that says why', async () => {
    const { elb, logs } = await flow({ phoneNumber: 'data.phone' });
    await elb(getEvent('product view', { id: 'x1', user: {}, data: { phone: '0171 555' } }));
    expect(klaviyo.requests).toEqual([]);
    expect(logs.join('\n')).toMatch(
      /skipping the event: no email, E\.164 phone number or external id .*"product view"; the phone number "0171 555" is not E\.164/,
    );
  });

  it('identify per profile: each of two alternating shoppers is upserted once, and again when a value changes', async () => {
    const { elb } = await flow({ identify: { map: { firstName: 'user.firstName' } } });
    const ann = { id: 'ann', email: 'ann@x.co', firstName: 'Ann' } as WalkerOS.User;
    const bob = { id: 'bob', email: 'bob@x.co', firstName: 'Bob' } as WalkerOS.User;
    for (const [i, user] of [ann, bob, ann, bob, { ...ann, firstName: 'Anna' }].entries())
      await elb(getEvent('page view', { id: `pv${i}`, user }));
    const withName = jobEntries()
      .filter((e) => e.profile.first_name)
      .map((e) => e.profile.first_name);
    expect(withName).toEqual(['Ann', 'Bob', 'Anna']);
    expect(taken()).toHaveLength(5);
  });

  it('concurrent pushes leave in one bulk job', async () => {
    const { elb } = await flow();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        elb(getEvent('product view', { id: `c${i}`, user: { id: `u${i}`, email: `u${i}@x.co` } })),
      ),
    );
    expect(klaviyo.counts().byPath).toEqual({ '/api/event-bulk-create-jobs': 1 });
    expect(taken()).toHaveLength(20);
  });

  it('a push Klaviyo could not take yet fails (the collector keeps it), and is kept once when pushed again', async () => {
    const { collector, elb } = await flow();
    klaviyo.fail(503, 1);
    const event = getEvent('product view', { id: 'r1', user: { id: 'u1', email: 'u1@x.co' } });
    await elb(event);
    expect(collector.status.destinations['klaviyo'].failed).toBe(1);
    expect(taken()).toEqual([]);
    await elb(event);
    await elb(event);
    expect(taken()).toEqual([['product view', 'r1', 'u1@x.co']]);
  });

  it('pushBatch: a batch is one bulk job; only the entries Klaviyo did not take are reported failed', async () => {
    const { collector, elb } = await flow(
      {},
      { user: { login: { silent: true, settings: { identify: { map: { firstName: 'data.firstName' } } } } } },
      { batch: { wait: 50 } },
    );
    const id = 'klaviyo';
    klaviyo.fail(503, 1, undefined, '/api/profile-bulk-import-jobs');
    await Promise.all([
      ...Array.from({ length: 5 }, (_, i) =>
        elb(getEvent('product view', { id: `b${i}`, user: { id: `u${i}`, email: `u${i}@x.co` } })),
      ),
      elb(getEvent('user login', { id: 'login', user: { email: 'z@x.co' }, data: { firstName: 'Zoe' } })),
    ]);
    await collector.destinations[id].batches?.[Object.keys(collector.destinations[id].batches ?? {})[0]]?.flush();
    await until(() => collector.status.destinations[id].inFlightBatch === 0);
    expect(klaviyo.counts().byPath['/api/event-bulk-create-jobs']).toBe(1);
    expect(taken().map((t) => t[1])).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
    expect(collector.destinations[id].dlq?.map(([event]) => event.id)).toEqual(['login']);
    expect(collector.status.destinations[id].failed).toBe(1);
  });

  it('init refuses a missing or malformed key with walkerOS’s words and ours', async () => {
    for (const [apiKey, text] of [
      [undefined, /Config settings apiKey missing: settings\.apiKey is missing: pass your Klaviyo private API key/],
      ['abc', /settings\.apiKey does not look like a Klaviyo private API key/],
    ] as const) {
      const logs: string[] = [];
      const { collector, elb } = await startFlow({
        logger: { level: 'ERROR', handler: (_l, message) => void logs.push(message) },
      });
      await elb('walker destination', { code: destinationKlaviyo, config: { settings: { apiKey } } });
      await elb(getEvent('product view', { id: 'k', user: { email: 'a@x.co' } }));
      expect(logs.join('\n')).toMatch(text);
      expect(Object.values(collector.status.destinations).every((d) => d.count === 0)).toBe(true);
    }
    expect(klaviyo.requests).toEqual([]);
  });
});

async function until(ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
