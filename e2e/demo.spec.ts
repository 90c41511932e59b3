import { demoPurchase, expect, test } from './fixtures.js';

const lines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

test('demo storefront: a click-through shows, live, what Klaviyo received', async ({ page }) => {
  await demoPurchase(page);
  await expect
    .poll(async () =>
      lines(await page.locator('#klaviyo').innerText()).map((c) =>
        c.slice(0, 2).map((x: unknown) => (typeof x === 'string' ? x : Object.keys(x as object)[0])),
      ),
    )
    .toEqual([
      ['track', 'Viewed Product'],
      ['trackViewedItem', 'Title'],
      ['track', 'Added to Cart'],
      ['track', 'Started Checkout'],
      ['identify', '$email'],
      ['track', 'Placed Order'],
      ['track', 'Ordered Product'],
    ]);
});

test('demo storefront: the sign-up form subscribes through our cloud endpoint', async ({ page }) => {
  await page.goto('/#signup');
  await page.fill('#signup-form input', 'newsletter@example.com');
  await page.click('#signup-form button');
  await expect(page.locator('#forwarded')).toContainText('subscribe newsletter@example.com to DemoList');
});

test('demo storefront with klaviyo.js blocked: the order reaches Klaviyo through our endpoint, and the console says why in full', async ({
  page,
}) => {
  const warnings: string[] = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  await page.goto('/?block');
  await expect(page.locator('#status')).toHaveText('(blocked)');
  expect(warnings).toContain(
    '[klaviyo-device-mode] klaviyo.js failed to load (blocked by an ad blocker, a CSP or the network); calls go down the delivery ladder.',
  );
  await page.click('[data-call=add]');
  await page.click('[data-call=checkout]');
  await page.fill('#checkout-form input', 'blocked@example.com');
  await page.click('#checkout-form button');
  const orderId = (await page.locator('#order-id').innerText()).replace('Order ', '');
  await expect(page.locator('#forwarded')).toContainText(`event Placed Order (${orderId}) blocked@example.com`);
  await expect(page.locator('#forwarded')).toContainText('profile blocked@example.com');
});
