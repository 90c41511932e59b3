import type { Page } from '@playwright/test';
import {
  applyBlocklist,
  BLOCKLISTS,
  type Blocklist,
  expect,
  serveEndpoint,
  scriptTagStorefront,
  test as base,
} from './fixtures.js';
import type { KlaviyoAccount, KlaviyoEvent } from './klaviyoAccount.mjs';
import { startKlaviyoServerApi } from './klaviyoServerApi.mjs';

/**
 * The shopper journeys Klaviyo's abandonment flows run on, in Chromium, with the klaviyo.js stand-in
 * that behaves as Klaviyo's shipped code, under each blocklist, with cloud mode (our endpoint) and
 * without. One Klaviyo account records what every path brought: klaviyo.js's own requests, our Client
 * API rung, our endpoint. Each event is counted by its dedupe key: Klaviyo keeps it exactly once, on
 * the shopper's profile, through the rung the blocklist leaves, never through klaviyo.js's
 * pre-identification upload (which drops the key), and a call made while the shopper was anonymous
 * keeps its original time. Without cloud mode and with every Klaviyo host blocked, each call is
 * logged as lost instead.
 */

const WRITE_KEY = 'e2e-journey-key';
const ORIGIN = `http://127.0.0.1:${process.env.E2E_PORT ?? 4173}`;
const ADA = 'ada@example.com';
/** How long the shopper stays on a page: past klaviyo.js's answer to an identify, or the 1 s patience when it is blocked. */
const DWELL_MS = 1_300;
const BOB = 'bob@example.com';

const test = base.extend<{ endpoint: string; sent: Array<Record<string, any>> }>({
  /** Our endpoint on node:http, delivering to the server-API stand-in of this test's account. */
  endpoint: async ({ account }, use) => {
    const api = await startKlaviyoServerApi({ account });
    const endpoint = await serveEndpoint(api.url, WRITE_KEY, ORIGIN);
    await use(endpoint.url);
    await endpoint.close();
    await api.close();
  },
  /** Every message the storefront's pages handed to the core, in order (this observes; it changes nothing). */
  sent: async ({ page }, use) => {
    const sent: Array<Record<string, any>> = [];
    await page.exposeBinding('__kdmRecord', (_, json: string) => void sent.push(JSON.parse(json)));
    await use(sent);
  },
});

/** The shop's page: the script tag as a storefront writes it, with or without cloud mode. */
function storefront(name: string, endpoint: string | undefined, patienceMs: number): string {
  return scriptTagStorefront(name, {
    ackTimeoutMs: patienceMs,
    cloud: endpoint ? { url: endpoint, writeKey: WRITE_KEY } : undefined,
    script: `
      const core = klaviyoDeviceMode.core;
      const handle = core.handle.bind(core);
      core.handle = (m) => { window.__kdmRecord(JSON.stringify(m)); handle(m); };
      // A cart line, for the journeys' steps.
      window.line = (id) => ({ product_id: id, name: 'Book ' + id, price: 9.99, quantity: 1 });`,
  });
}

/** The rung each profile leaves: klaviyo.js, our Client API rung, or cloud mode (our endpoint). */
const PATH: Record<Blocklist, KlaviyoEvent['via']> = {
  none: 'klaviyo.js',
  easyprivacy: 'client-api',
  ghostery: 'client-api',
  adguard: 'server',
  dns: 'server',
};

type Step = (k: any, arg: any) => void;
interface Journey {
  name: string;
  /** Set up the account (a profile that exists already); returns the query of the first page. */
  before?: (account: KlaviyoAccount) => string;
  /** The pages, each a function run in the page with the rudderanalytics-style global. */
  pages: Step[];
  /**
   * Run on a page once what the shopper did so far has reached Klaviyo (a logout a while after an order,
   * not within the same millisecond: reset() drops what still waits for cloud mode, as it must).
   */
  afterDelivery?: { page: number; step: Step };
  /** Paths other than the profile's that may carry an event (after a logout klaviyo.js is retired for that page). */
  alsoVia?: Partial<Record<Blocklist, Array<KlaviyoEvent['via']>>>;
}

/** A cart line (the storefront page defines the same `line` for the steps, which run in the page). */
declare const line: (id: string) => Record<string, unknown>;

const JOURNEYS: Journey[] = [
  {
    name: 'anonymous, then identified at checkout',
    pages: [
      (k, id) => {
        k.page();
        k.track('Product Viewed', { ...line('p1'), shopper: 'ada', anonymous: true, run: id });
      },
      (k, id) => {
        k.track('Product Added', { ...line('p1'), value: 9.99, shopper: 'ada', anonymous: true, run: id });
        k.track('Checkout Started', {
          order_id: `cart-${id}`,
          value: 9.99,
          products: [line('p1')],
          shopper: 'ada',
          anonymous: true,
        });
      },
      (k, id) => {
        k.identify({ email: 'ada@example.com', firstName: 'Ada' });
        k.track('Order Completed', {
          order_id: `o-${id}`,
          revenue: 19.98,
          products: [line('p1'), line('p2')],
          shopper: 'ada',
        });
      },
    ],
  },
  {
    name: 'known from the start',
    pages: [
      (k, id) => {
        k.identify('u-ada', { email: 'ada@example.com' });
        k.track('Product Viewed', { ...line('p1'), shopper: 'ada', run: id });
        k.track('Product Added', { ...line('p1'), value: 9.99, shopper: 'ada', run: id });
      },
      (k, id) => {
        k.track('Checkout Started', { order_id: `cart-${id}`, value: 9.99, products: [line('p1')], shopper: 'ada' });
        k.track('Order Completed', { order_id: `o-${id}`, revenue: 9.99, products: [line('p1')], shopper: 'ada' });
      },
    ],
  },
  {
    name: 'returning from a Klaviyo email (_kx on the URL)',
    before: (account) => `?_kx=${encodeURIComponent(account.exchangeIdFor(account.resolve({ email: ADA })!))}`,
    pages: [
      (k, id) => {
        k.track('Product Viewed', { ...line('p1'), shopper: 'ada', run: id });
        k.track('Product Added', { ...line('p1'), value: 9.99, shopper: 'ada', run: id });
      },
      (k, id) => {
        // No _kx here: known again only through klaviyo.js's cookie when it works, else at checkout.
        k.track('Checkout Started', { order_id: `cart-${id}`, value: 9.99, products: [line('p1')], shopper: 'ada' });
        k.identify({ email: 'ada@example.com' });
        k.track('Order Completed', { order_id: `o-${id}`, revenue: 9.99, products: [line('p1')], shopper: 'ada' });
      },
    ],
  },
  {
    name: 'a shared browser: a second shopper logs in after reset()',
    pages: [
      (k, id) => {
        k.identify('u-bob', { email: 'bob@example.com' });
        k.track('Product Added', { ...line('p9'), value: 9.99, shopper: 'bob', run: id });
        k.track('Order Completed', { order_id: `ob-${id}`, revenue: 9.99, products: [line('p9')], shopper: 'bob' });
      },
      (k, id) => {
        k.track('Product Viewed', { ...line('p1'), shopper: 'ada', run: id });
      },
    ],
    afterDelivery: {
      page: 0,
      step: (k, id) => {
        k.reset();
        k.track('Product Viewed', { ...line('p1'), shopper: 'ada', anonymous: true, run: id });
        k.identify('u-ada', { email: 'ada@example.com' });
        k.track('Order Completed', { order_id: `oa-${id}`, revenue: 9.99, products: [line('p1')], shopper: 'ada' });
      },
    },
    alsoVia: { none: ['client-api'] },
  },
];

/** The dedupe keys of a track as Klaviyo gets them: the order's own keys, else the messageId. */
function keysOf(message: Record<string, any>): string[] {
  const p = message.properties;
  if (message.event === 'Order Completed')
    return [p.order_id, ...p.products.map((l: any) => `${p.order_id}_${l.product_id}`)];
  if (message.event === 'Checkout Started') return [p.order_id];
  return [message.messageId];
}

/** Every event the host's tracks should become: its key, whose profile, its capture time, made while anonymous. */
function expected(sent: Array<Record<string, any>>) {
  return sent
    .filter((m) => m.type === 'track')
    .flatMap((m) =>
      keysOf(m).map((key) => ({
        key,
        shopper: m.properties.shopper as 'ada' | 'bob',
        time: m.originalTimestamp as string,
        anonymous: m.properties.anonymous === true,
      })),
    );
}

/** Klaviyo's events of this journey (its own `__activity__` left out). */
const ours = (account: KlaviyoAccount) => account.events().filter((e) => e.metric !== '__activity__');

async function run(page: Page, step: Step, id: string): Promise<void> {
  await page.evaluate(
    ({ code, id }) => new Function('k', 'id', `(${code})(k, id)`)((window as any).klaviyoDeviceMode, id),
    {
      code: step.toString(),
      id,
    },
  );
}

for (const journey of JOURNEYS) {
  for (const list of Object.keys(BLOCKLISTS) as Blocklist[]) {
    for (const withCloud of [true, false]) {
      const deliverable = PATH[list] !== 'server' || withCloud;
      test(`${journey.name} · ${list} · ${withCloud ? 'with' : 'without'} cloud mode`, async ({
        page,
        context,
        account,
        endpoint,
        sent,
      }) => {
        const warnings: string[] = [];
        page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
        await applyBlocklist(context, list);
        // Nothing blocked: klaviyo.js gets the default patience (3 s), so a slow machine cannot turn its late
        // answer into a Client API delivery. Blocked profiles wait 1 s to keep the suite short.
        const patience = list === 'none' ? 3000 : 1000;
        const id = `${journey.name.length}-${list}-${withCloud}`;
        const query = journey.before?.(account) ?? '';
        const url = storefront(`journey-${id}`, withCloud ? endpoint : undefined, patience);
        const keysSoFar = () => expected(sent).map((e) => e.key);
        const kept = () => ours(account).filter((e) => e.kept);
        const callsSoFar = () => sent.filter((m) => m.type === 'track' || m.type === 'identify').length;
        const lostLines = () => warnings.filter((w) => / not delivered \(klaviyo\.js failed\)/.test(w)).length;

        for (const [index, step] of journey.pages.entries()) {
          await page.goto(index === 0 ? `${url}${query}` : url);
          await run(page, step, id);
          if (journey.afterDelivery?.page === index) {
            if (deliverable) {
              await expect
                .poll(
                  () =>
                    kept()
                      .map((e) => e.dedupeKey)
                      .sort(),
                  { timeout: 15_000 },
                )
                .toEqual(keysSoFar().sort());
            } else {
              await expect.poll(lostLines, { timeout: 10_000 }).toBe(callsSoFar());
            }
            await run(page, journey.afterDelivery.step, id);
          }
          // The shopper reads the page. Long enough for its calls to leave it: Playwright's routing does not
          // see requests a page makes while it unloads (a real browser sends them: the Client API request is
          // keepalive), and the stand-ins behind those routes are how this test sees Klaviyo.
          await page.waitForTimeout(DWELL_MS);
        }
        const events = expected(sent);
        expect(events.length).toBeGreaterThan(3);

        if (!deliverable) {
          // Each call logged as lost once, with its reason.
          await expect.poll(lostLines, { timeout: 10_000 }).toBe(callsSoFar());
          expect(ours(account)).toEqual([]);
          return;
        }
        await expect
          .poll(() => [...new Set(kept().map((e) => e.dedupeKey))].sort(), { timeout: 15_000 })
          .toEqual(events.map((e) => e.key).sort());
        await page.waitForTimeout(patience + 1000); // late answers, retries: nothing may count twice
        const profiles = { ada: account.profileOf({ email: ADA })?.id, bob: account.profileOf({ email: BOB })?.id };
        const allowed = [PATH[list], ...(journey.alsoVia?.[list] ?? [])];
        for (const event of events) {
          const landed = kept().filter((e) => e.dedupeKey === event.key);
          // Exactly once: Klaviyo keeps one event for the key, on the shopper's profile, through the rung left.
          expect(landed.map((e) => [e.dedupeKey, e.profileId, allowed.includes(e.via)])).toEqual([
            [event.key, profiles[event.shopper], true],
          ]);
          // Never re-stamped: a call held while the shopper was anonymous keeps its capture time.
          if (event.anonymous || landed[0].time) expect([event.key, landed[0].time]).toEqual([event.key, event.time]);
        }
        // klaviyo.js's own pre-identification upload (which drops the key) carried nothing of ours, and
        // nothing else reached Klaviyo.
        expect(ours(account).filter((e) => e.path === 'event-bulk-create')).toEqual([]);
        expect(kept().length).toBe(events.length);
      });
    }
  }
}
