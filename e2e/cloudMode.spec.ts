import { blockKlaviyo, expect, klaviyoReceived, test } from './fixtures.js';

const cloudPage = (dp: { url: string; writeKey: string }, run: string) =>
  `/e2e/pages/cloud.html?dp=${encodeURIComponent(dp.url)}&wk=${dp.writeKey}&run=${run}`;
const counts = (ids: string[]) =>
  ids.reduce<Record<string, number>>((acc, id) => ({ ...acc, [id]: (acc[id] ?? 0) + 1 }), {});

test('ad blocker: identify and track reach the data plane instead, unmapped, with Klaviyo only', async ({
  page,
  dataPlane,
}) => {
  await blockKlaviyo(page);
  await page.goto(cloudPage(dataPlane, 'ab'));
  await page.evaluate(() => {
    (window as any).send('identify', { userId: 'u1', context: { traits: { email: 'ada@example.com' } } });
    (window as any).send('track', { event: 'Product Added', properties: { product_id: 'p1', value: 9.99 } });
    (window as any).send('page', { name: 'Home', properties: {} });
  });
  await expect
    .poll(() => dataPlane.received.map((m) => [m.type, m.event ?? null]))
    .toEqual([
      ['identify', null],
      ['track', 'Product Added'],
    ]);
  expect(dataPlane.received[1]).toMatchObject({
    messageId: 'ab-2',
    anonymousId: 'anon-e2e',
    properties: { product_id: 'p1', value: 9.99 },
    integrations: { All: false, Klaviyo: true },
    channel: 'web',
    via: 'batch',
  });
  expect(dataPlane.received[0].context.traits).toEqual({ email: 'ada@example.com' });
  expect(await klaviyoReceived(page)).toEqual([]);
});

test('data plane down, a reload, then up: every forwarded event arrives exactly once', async ({ page, dataPlane }) => {
  await blockKlaviyo(page);
  dataPlane.fail('500');
  await page.goto(cloudPage(dataPlane, 'rl'));
  await page.evaluate(() => {
    for (let i = 0; i < 3; i++) (window as any).send('track', { event: `E${i}`, properties: {} });
  });
  // Reload right after the first 500, before the retry (≥ 0.8 s later). A retry still under way at the
  // reload would keep its events stored and the next page would send them again (at least once; the
  // count below would then need de-duplication, which e2e/atLeastOnce.spec.ts covers).
  await expect
    .poll(() => dataPlane.requests.filter((r) => r.status === 500).length, { intervals: [20] })
    .toBeGreaterThan(0);
  dataPlane.fail('ok');
  await page.reload(); // the new page takes over the stored queue
  await expect.poll(() => dataPlane.received.length, { timeout: 10_000 }).toBe(3);
  await page.waitForTimeout(3000); // nothing arrives twice (retries of the old page, takeovers)
  expect(counts(dataPlane.received.map((m) => m.messageId))).toEqual({ 'rl-1': 1, 'rl-2': 1, 'rl-3': 1 });
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.endsWith('.items')))).toEqual([]);
});

test('page leave: sendBeacon carries the queue to /beacon/v1/batch', async ({ page, dataPlane }) => {
  await blockKlaviyo(page);
  await page.goto(cloudPage(dataPlane, 'bc'));
  // With cloud mode the lower tiers chunk comes at idle; the beacon is its own (the next test leaves sooner).
  await page.waitForFunction(() => (window as any).klaviyoDeviceModeTiers);
  await page.evaluate(() => {
    (window as any).send('track', { event: 'Leaving', properties: {} });
    (window as any).send('screen', { name: 'Checkout' });
  });
  await page.goto('/e2e/pages/blank.html'); // before the 1 s batching delay: only the beacon can carry them
  // The track tried the Client API first (blocked): the two may reach cloud mode in either order.
  await expect
    .poll(() => dataPlane.received.map((m) => [m.type, m.messageId, m.via]).sort())
    .toEqual([
      ['screen', 'bc-2', 'beacon'],
      ['track', 'bc-1', 'beacon'],
    ]);
});

test('page leave before the lower tiers chunk arrives: the next page of the shop sends the calls, once', async ({
  page,
  context,
  dataPlane,
}) => {
  await blockKlaviyo(page);
  let first = true;
  await context.route('**/dist/klaviyo-device-mode.tiers.js', async (route) => {
    if (!first) return route.fallback();
    first = false; // the first page never gets it
  });
  await page.goto(cloudPage(dataPlane, 'early'), { waitUntil: 'domcontentloaded' }); // the held chunk keeps 'load' from firing
  await page.evaluate(() => {
    (window as any).send('track', { event: 'Leaving', properties: {} });
    (window as any).send('screen', { name: 'Checkout' });
  });
  await page.goto(cloudPage(dataPlane, 'early-next'));
  await expect
    .poll(() => dataPlane.received.map((m) => [m.type, m.messageId]).sort(), { timeout: 10_000 })
    .toEqual([
      ['screen', 'early-2'],
      ['track', 'early-1'],
    ]);
  await page.waitForTimeout(2000); // nothing arrives twice
  expect(dataPlane.received.map((m) => m.messageId).sort()).toEqual(['early-1', 'early-2']);
});
