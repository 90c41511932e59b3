import { expect, test } from './fixtures.js';
import type { Page } from '@playwright/test';

/**
 * The demo storefront as a live inspector: for each blocklist switch, a purchase, then what the
 * timeline says of each call (which rung delivered it, and its state), with a screenshot of each main
 * state in test-results/.
 */
async function purchase(page: Page, blocklist: string, status: string): Promise<string> {
  await page.goto(`/?blocklist=${blocklist}`);
  await expect(page.locator('#status')).toHaveText(`(${status})`, { timeout: 10_000 });
  await page.click('[data-call=add]');
  await page.click('[data-call=checkout]');
  await page.fill('#checkout-form input', 'ada@example.com');
  await page.click('#checkout-form button');
  const text = await page.locator('#order-id').innerText();
  return text.replace('Order ', '');
}
const row = (page: Page, call: string) => page.locator('#timeline .row').filter({ hasText: call }).first();
const lines = async (page: Page, call: string) =>
  (await row(page, call).locator('.events li').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());

test('no ad blocker: every call is acknowledged by klaviyo.js; no 404, no page error', async ({ page }) => {
  const failures: string[] = [];
  page.on('response', (r) => r.status() >= 400 && failures.push(`${r.status()} ${r.url()}`));
  page.on('pageerror', (e) => failures.push(String(e)));
  const orderId = await purchase(page, 'none', 'working');
  await expect
    .poll(() => lines(page, `order_id: '${orderId}'`))
    .toEqual(['Placed Order klaviyo.js acknowledged', 'Ordered Product klaviyo.js acknowledged']);
  // Added to cart before the email: held until the shopper was known, then klaviyo.js took it.
  expect(await lines(page, "track('Product Added')")).toEqual([
    'Added to Cart klaviyo.js acknowledged (held until the shopper was known)',
  ]);
  expect(await lines(page, 'identify({')).toEqual(['identify klaviyo.js acknowledged']);
  expect(await lines(page, "page('Shop', 'Cart')")).toEqual(['nothing to send: klaviyo.js records page views itself']);
  await page.screenshot({ path: test.info().outputPath('demo-no-blocker.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: test.info().outputPath('demo-no-blocker-phone.png'), fullPage: true });
  expect(failures).toEqual([]);
});

test('EasyPrivacy (uBlock Origin): klaviyo.js loads but never answers; the Client API delivers the order', async ({
  page,
}) => {
  const orderId = await purchase(page, 'easyprivacy', 'blocked');
  await expect
    .poll(() => lines(page, `order_id: '${orderId}'`), { timeout: 10_000 })
    .toEqual(['Placed Order Client API delivered', 'Ordered Product Client API delivered']);
  await page.screenshot({ path: test.info().outputPath('demo-easyprivacy.png'), fullPage: true });
});

test('every Klaviyo host blocked (DNS-level): the order reaches Klaviyo through our cloud endpoint', async ({
  page,
}) => {
  const orderId = await purchase(page, 'dns', 'blocked');
  const order = row(page, `order_id: '${orderId}'`);
  await expect
    .poll(() => lines(page, `order_id: '${orderId}'`), { timeout: 10_000 })
    .toEqual(['Order Completed cloud endpoint taken by Klaviyo']);
  await expect(order.locator('.endpoint')).toHaveText('cloud endpoint → taken by Klaviyo', { timeout: 10_000 });
  // Before the email, the shopper was anonymous: held until they were known, then taken with their email.
  await expect
    .poll(() => lines(page, "track('Product Added')"), { timeout: 10_000 })
    .toEqual(['Product Added cloud endpoint taken by Klaviyo (held until the shopper was known)']);
  await page.screenshot({ path: test.info().outputPath('demo-dns-blocked.png'), fullPage: true });
});

test('newsletter sign-up: the list subscription goes through the Client API; Clear empties the timeline, which keeps only this session', async ({
  page,
  context,
}) => {
  await page.goto('/#signup');
  await expect(page.locator('#status')).toHaveText('(working)', { timeout: 10_000 });
  await page.fill('#signup-form input', 'newsletter@example.com');
  await page.click('#signup-form button');
  await expect
    .poll(() => lines(page, 'subscribe to DemoList'))
    .toEqual(['subscription Client API delivered', 'identify klaviyo.js acknowledged']);
  await page.reload();
  await expect(row(page, 'subscribe to DemoList')).toBeVisible();
  const other = await context.browser()!.newPage();
  await other.goto(page.url());
  await expect(other.locator('#status')).toHaveText('(working)', { timeout: 10_000 });
  await expect(row(other, 'subscribe to DemoList')).toHaveCount(0); // another session: only its own calls
  await other.close();
  await page.click('#clear');
  await expect(page.locator('#timeline .row')).toHaveCount(0);
  await expect(page.locator('#empty')).toBeVisible();
});
