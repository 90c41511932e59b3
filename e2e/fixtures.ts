import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import { createClientApiStandIn, type ClientApiStandIn } from './clientApiStandIn.mjs';
// @ts-expect-error plain ESM module without types
import { startDataPlane } from './dataPlane.mjs';

/** The local data plane's handle (e2e/dataPlane.mjs). */
export interface DataPlane {
  url: string;
  writeKey: string;
  received: Array<Record<string, any>>;
  requests: Array<{ path: string; status: number | string; at?: number }>;
  fail(
    mode: '500' | '503' | '429' | 'hang' | 'reset' | 'ok',
    times?: number,
    options?: { retryAfter?: string; delayMs?: number },
  ): void;
  close(): Promise<void>;
}

/**
 * Serve `html` from the local server itself (a page fulfilled by Playwright has no loopback address,
 * and Chromium then refuses its requests to the loopback data plane). Returns the page's path.
 */
export function servePage(name: string, html: string): string {
  const dir = new URL('./.generated/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`${name}.html`, dir), html);
  return `/e2e/.generated/${name}.html`;
}

/**
 * What each blocklist blocks, by the hosts the real lists name: uBlock Origin's default EasyPrivacy
 * blocks the tracking modules klaviyo.js fetches; Ghostery also klaviyo.js itself; AdGuard Tracking
 * Protection also the Client API host (third-party); DNS-level lists every Klaviyo host.
 */
export const BLOCKLISTS = {
  none: [],
  easyprivacy: ['https://static-tracking.klaviyo.com/**'],
  ghostery: ['https://static.klaviyo.com/onsite/js/**', 'https://static-tracking.klaviyo.com/**'],
  adguard: [
    'https://static.klaviyo.com/onsite/js/**',
    'https://static-tracking.klaviyo.com/**',
    'https://a.klaviyo.com/**',
  ],
  dns: ['https://static.klaviyo.com/**', 'https://static-tracking.klaviyo.com/**', 'https://a.klaviyo.com/**'],
} as const;
export type Blocklist = keyof typeof BLOCKLISTS;

/** Block what `list` blocks, the way an extension does (net::ERR_BLOCKED_BY_CLIENT). */
export async function applyBlocklist(context: BrowserContext, list: Blocklist): Promise<void> {
  for (const pattern of BLOCKLISTS[list]) {
    await context.unroute(pattern);
    await context.route(pattern, (route) => route.abort('blockedbyclient'));
  }
}

/**
 * The network is closed: every https host but Klaviyo's (played by the stand-ins) is refused, as the
 * real SDKs' own requests (their CDN, their config) would fail here anyway.
 */
export async function refuseOtherHosts(context: BrowserContext): Promise<void> {
  await context.route(/^https:\/\/(?!(static|static-tracking|a)\.klaviyo\.com)/, (route) => route.abort());
}

/** Block every Klaviyo host, as DNS-level lists do: only cloud mode can deliver. */
export async function blockKlaviyo(page: Page): Promise<void> {
  await applyBlocklist(page.context(), 'dns');
}

const LOADER = readFileSync(new URL('./fixtures/klaviyo-loader.js', import.meta.url), 'utf8');
const MODULE = readFileSync(new URL('./fixtures/klaviyo-tracking-module.js', import.meta.url), 'utf8');

/**
 * What the tracking module recorded in the page: the exact commands Klaviyo received, callbacks left
 * out, without the readiness probe (`isIdentified`) the integration sends at start.
 */
export async function klaviyoReceived(page: Page): Promise<unknown[]> {
  return page.evaluate(() =>
    ((window as any).__klaviyoStandIn?.commands ?? []).filter((c: unknown[]) => c[0] !== 'isIdentified'),
  );
}

/**
 * Answer klaviyo.js in `context` as Klaviyo ships it: the loader at https://static.klaviyo.com/**, its
 * tracking module at https://static-tracking.klaviyo.com/**, and the Client API at
 * https://a.klaviyo.com/** (`clientApi`). `seen` gets each klaviyo.js URL.
 */
export async function serveStandIn(
  context: BrowserContext,
  seen: (url: string) => void = () => {},
  clientApi: ClientApiStandIn = createClientApiStandIn(),
): Promise<void> {
  await context.route('https://static.klaviyo.com/**', (route) => {
    seen(route.request().url());
    return route.fulfill({ status: 200, contentType: 'text/javascript', body: LOADER });
  });
  await context.route('https://static-tracking.klaviyo.com/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/javascript', body: MODULE }),
  );
  await context.route('https://a.klaviyo.com/**', (route) => {
    const r = route.request();
    const a = clientApi.answer(r.method(), r.url(), r.headers(), r.postData());
    return route.fulfill({ status: a.status, headers: a.headers, body: a.body });
  });
}

/** The demo storefront's purchase journey: open it, add to cart, check out with an email, see the order. */
export async function demoPurchase(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.locator('#status')).toHaveText('(working)');
  await page.click('[data-call=add]');
  await page.click('[data-call=checkout]');
  await page.fill('#checkout-form input', 'ada@example.com');
  await page.click('#checkout-form button');
  await expect(page.locator('#order-id')).toContainText('Order order-');
}

/**
 * Every test gets https://static.klaviyo.com/** answered by the local klaviyo.js stand-in, and a
 * record of the klaviyo.js requests made. Tests that simulate an ad blocker re-route it.
 */
export const test = base.extend<{ klaviyoRequests: string[]; dataPlane: DataPlane; clientApi: ClientApiStandIn }>({
  /** The Client API stand-in answering https://a.klaviyo.com/** for this test. */
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  clientApi: async ({}, use) => {
    await use(createClientApiStandIn());
  },
  /** A local data plane of this test's own (see dataPlane.mjs). */
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  dataPlane: async ({}, use) => {
    const dp = await startDataPlane({ writeKey: 'e2e-write-key' });
    await use(dp);
    await dp.close();
  },
  klaviyoRequests: [
    async ({ context, clientApi }, use) => {
      const requests: string[] = [];
      await serveStandIn(context, (url) => requests.push(url), clientApi);
      await use(requests);
    },
    { auto: true },
  ],
});

export { expect };
