import { expect, klaviyoReceived, test } from './fixtures.js';

test.describe('Klaviyo.min.js in Chromium', () => {
  test('defines window.Klaviyo_RS.Klaviyo and pushes the exact commands to klaviyo.js', async ({
    page,
    klaviyoRequests,
  }) => {
    await page.goto('/e2e/pages/rudderstack-slot.html');
    await page.evaluate(() => {
      const K = (window as any).Klaviyo_RS.Klaviyo;
      const integration = new K({ publicApiKey: 'AbC123' }, { logLevel: 'ERROR' }, { destinationId: 'd1' });
      integration.init();
      (window as any).ready = integration.isReady();
      integration.identify({
        message: {
          type: 'identify',
          anonymousId: 'a1',
          userId: 'u1',
          context: { traits: { email: 'ada@example.com' } },
        },
      });
      integration.track({
        message: {
          type: 'track',
          anonymousId: 'a1',
          event: 'Product Viewed',
          properties: { name: 'Pooh', product_id: 'p1', price: '9.99' },
        },
      });
    });
    expect(await page.evaluate(() => (window as any).ready)).toBe(true);
    await expect
      .poll(() => klaviyoReceived(page))
      .toEqual([
        ['identify', { $email: 'ada@example.com', $id: 'u1' }],
        [
          'track',
          'Viewed Product',
          { ProductName: 'Pooh', ProductID: 'p1', Price: 9.99, $event_id: expect.any(String) },
        ],
        ['trackViewedItem', { Title: 'Pooh', ItemId: 'p1', Metadata: { Price: 9.99 } }],
      ]);
    expect(klaviyoRequests).toEqual(['https://static.klaviyo.com/onsite/js/klaviyo.js?company_id=AbC123']);
    expect(await page.locator('script[src*="klaviyo.js"]').count()).toBe(1);
  });

  for (const withTexts of [false, true]) {
    test(`an ad blocker (ERR_BLOCKED_BY_CLIENT) moves it to blocked, and the reason is logged ${withTexts ? 'in full with the messages script' : 'by its key'}`, async ({
      page,
      context,
    }) => {
      await context.unroute('https://static.klaviyo.com/**');
      await context.route('https://static.klaviyo.com/**', (route) => route.abort('blockedbyclient'));
      const warnings: string[] = [];
      page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
      await page.goto('/e2e/pages/rudderstack-slot.html');
      if (withTexts) await page.addScriptTag({ url: '/dist/klaviyo-device-mode.messages.js' });
      await page.evaluate(() => {
        const integration = new (window as any).Klaviyo_RS.Klaviyo({ publicApiKey: 'AbC123' });
        integration.init();
        (window as any).integration = integration;
      });
      await expect.poll(() => page.evaluate(() => (window as any).integration.core.status)).toBe('blocked');
      expect(warnings).toEqual([
        withTexts
          ? '[klaviyo-device-mode] klaviyo.js failed to load (blocked by an ad blocker, a CSP or the network); calls go down the delivery ladder.'
          : '[klaviyo-device-mode] blocked (what it means: npmjs.com/package/klaviyo-device-mode#log-messages)',
      ]);
    });
  }
});
