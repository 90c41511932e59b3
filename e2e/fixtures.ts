import { readFileSync } from 'node:fs';
import { test as base, expect, type Page } from '@playwright/test';

const STAND_IN = readFileSync(new URL('./fixtures/klaviyo-standin.js', import.meta.url), 'utf8');

/** What the klaviyo.js stand-in recorded in the page: the exact commands Klaviyo received. */
export async function klaviyoReceived(page: Page): Promise<unknown[]> {
  return page.evaluate(() => (window as any).__klaviyoStandIn?.commands ?? []);
}

/**
 * Every test gets https://static.klaviyo.com/** answered by the local klaviyo.js stand-in, and a
 * record of the klaviyo.js requests made. Tests that simulate an ad blocker re-route it.
 */
export const test = base.extend<{ klaviyoRequests: string[] }>({
  klaviyoRequests: [
    async ({ context }, use) => {
      const requests: string[] = [];
      await context.route('https://static.klaviyo.com/**', (route) => {
        requests.push(route.request().url());
        return route.fulfill({ status: 200, contentType: 'text/javascript', body: STAND_IN });
      });
      await use(requests);
    },
    { auto: true },
  ],
});

export { expect };
