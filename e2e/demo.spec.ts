import { expect, test } from './fixtures.js';

test('demo storefront: a click-through shows what Klaviyo received in the panel', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('#status')).toHaveText('(ready)');
  await page.fill('input[name=email]', 'ada@example.com');
  await page.click('#signup button');
  await page.click('[data-call=viewed]');
  await page.click('[data-call=added]');
  await page.click('[data-call=checkout]');
  await page.click('[data-call=order]');
  const lines = () => page.locator('#klaviyo').innerText().then((t) => t.split('\n').map((l) => JSON.parse(l).slice(0, 2)));
  await expect.poll(lines).toEqual([
    ['track', 'Viewed Home page'],
    ['identify', { $email: 'ada@example.com' }],
    ['track', 'Viewed Product'],
    ['trackViewedItem', expect.objectContaining({ Title: 'Winnie the Pooh' })],
    ['track', 'Added to Cart'],
    ['track', 'Started Checkout'],
    ['track', 'Placed Order'],
    ['track', 'Ordered Product'],
  ]);
});

test('demo storefront with klaviyo.js blocked: the panel shows what went to the local data plane', async ({ page }) => {
  await page.goto('/?block');
  await expect(page.locator('#status')).toHaveText('(failed)');
  await page.click('[data-call=added]');
  await page.click('[data-call=newsletter]');
  await expect(page.locator('#forwarded')).toContainText('["track","Product Added","batch"]');
  await expect(page.locator('#forwarded')).toContainText('["group","NEWS01","batch"]');
});
