import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
// @ts-expect-error plain ESM module without types
import { startDataPlane } from './dataPlane.mjs';

/** The local data plane's handle (e2e/dataPlane.mjs). */
export interface DataPlane {
  url: string;
  writeKey: string;
  received: Array<Record<string, any>>;
  requests: Array<{ path: string; status: number | string }>;
  fail(mode: '500' | '429' | 'hang' | 'reset' | 'ok', times?: number): void;
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

/** Block klaviyo.js the way an ad blocker does (net::ERR_BLOCKED_BY_CLIENT). */
export async function blockKlaviyo(page: Page): Promise<void> {
  await page.context().unroute('https://static.klaviyo.com/**');
  await page.context().route('https://static.klaviyo.com/**', (route) => route.abort('blockedbyclient'));
}

const STAND_IN = readFileSync(new URL('./fixtures/klaviyo-standin.js', import.meta.url), 'utf8');

/** What the klaviyo.js stand-in recorded in the page: the exact commands Klaviyo received. */
export async function klaviyoReceived(page: Page): Promise<unknown[]> {
  return page.evaluate(() => (window as any).__klaviyoStandIn?.commands ?? []);
}

/** Answer https://static.klaviyo.com/** in `context` with the local klaviyo.js stand-in; `seen` gets each URL. */
export async function serveStandIn(context: BrowserContext, seen: (url: string) => void = () => {}): Promise<void> {
  await context.route('https://static.klaviyo.com/**', (route) => {
    seen(route.request().url());
    return route.fulfill({ status: 200, contentType: 'text/javascript', body: STAND_IN });
  });
}

/** The demo storefront's purchase journey: open it, add to cart, check out with an email, see the order. */
export async function demoPurchase(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.locator('#status')).toHaveText('(ready)');
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
export const test = base.extend<{ klaviyoRequests: string[]; dataPlane: DataPlane }>({
  /** A local data plane of this test's own (see dataPlane.mjs). */
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  dataPlane: async ({}, use) => {
    const dp = await startDataPlane({ writeKey: 'e2e-write-key' });
    await use(dp);
    await dp.close();
  },
  klaviyoRequests: [
    async ({ context }, use) => {
      const requests: string[] = [];
      await serveStandIn(context, (url) => requests.push(url));
      await use(requests);
    },
    { auto: true },
  ],
});

export { expect };
