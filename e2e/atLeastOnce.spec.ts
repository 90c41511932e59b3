import type { Page } from '@playwright/test';
import { BEACON_RETRY_MS } from '../src/cloud/cloudLimits.js';
import { blockKlaviyo, expect, servePage, test, type DataPlane } from './fixtures.js';

/**
 * The forwarder on bad days, in Chromium against the local data plane with injected faults: every
 * event must arrive at least once, and exactly once after de-duplication by `messageId` (what Klaviyo
 * does with `unique_id`). Every Klaviyo host is blocked, so cloud mode is the only way.
 */

const cloudPage = (dp: DataPlane, run: string) =>
  `/e2e/pages/cloud.html?dp=${encodeURIComponent(dp.url)}&wk=${dp.writeKey}&run=${run}`;

async function send(page: Page, run: string, count: number, from = 1): Promise<string[]> {
  await page.evaluate(
    ({ count, from }) => {
      for (let i = 0; i < count; i++) {
        (window as any).send('track', { event: `E${from + i}`, properties: { i: from + i } });
      }
    },
    { count, from },
  );
  // cloud.html numbers messages per page; ids are `${run}-${n}`.
  return Array.from({ length: count }, (_, i) => `${run}-${i + 1}`);
}

/** How often each messageId reached the data plane. */
const arrivals = (dp: DataPlane) =>
  dp.received.reduce<Record<string, number>>((acc, m) => ({ ...acc, [m.messageId]: (acc[m.messageId] ?? 0) + 1 }), {});

async function expectEach(dp: DataPlane, ids: string[], timeout = 20_000): Promise<void> {
  await expect.poll(() => ids.filter((id) => arrivals(dp)[id]).length, { timeout }).toBe(ids.length);
  const extra = Object.keys(arrivals(dp)).filter((id) => !ids.includes(id));
  expect(extra).toEqual([]); // nothing that was not sent
}

test.beforeEach(async ({ page }) => {
  await blockKlaviyo(page);
});

test('a 500 that takes 1.5 s, and the shopper navigates meanwhile: nothing lost', async ({ page, dataPlane }) => {
  test.setTimeout(BEACON_RETRY_MS + 40_000);
  dataPlane.fail('500', Infinity, { delayMs: 1500 });
  await page.goto(cloudPage(dataPlane, 'slow'));
  const ids = await send(page, 'slow', 16);
  // The batch is under way (sent about 1 s after the calls, once the blocked Client API refused them),
  // its 500 not yet back (1.5 s later): the shopper navigates then.
  await expect.poll(() => dataPlane.arrived.filter((r) => r.path === '/v1/batch').length, { intervals: [20] }).toBe(1);
  await page.waitForTimeout(200);
  await page.goto(cloudPage(dataPlane, 'slow-next'));
  dataPlane.fail('ok');
  // The batch under way stayed stored: the next page sends it again at once.
  const underWay = dataPlane.arrived.find((r) => r.path === '/v1/batch')!.ids;
  expect(underWay.length).toBeGreaterThan(0);
  await expect
    .poll(() => underWay.filter((id) => arrivals(dataPlane)[id]).length, { timeout: 20_000 })
    .toBe(underWay.length);
  // On a busy machine some calls reach cloud mode after that batch left. Still waiting at page leave,
  // they were beaconed into the failing endpoint; the next page sends them once the beacon's retry is due.
  const beaconed = ids.filter((id) => !underWay.includes(id));
  await expectEach(dataPlane, ids, beaconed.length ? BEACON_RETRY_MS + 20_000 : 20_000);
  console.log(
    `at-least-once: slow 500 + navigation: 16 sent (${underWay.length} under way, ${beaconed.length} beaconed), ${Object.keys(arrivals(dataPlane)).length} distinct arrived, ${dataPlane.received.length} deliveries`,
  );
});

test('the data plane hangs; the shopper moves on after 2 s: the next page delivers', async ({ page, dataPlane }) => {
  dataPlane.fail('hang');
  await page.goto(cloudPage(dataPlane, 'hang'));
  const ids = await send(page, 'hang', 7);
  await page.waitForTimeout(2000);
  dataPlane.fail('ok');
  await page.goto(cloudPage(dataPlane, 'hang-next'));
  await expectEach(dataPlane, ids);
  console.log(`at-least-once: hang + navigation: 7 sent, ${Object.keys(arrivals(dataPlane)).length} distinct arrived`);
});

test('429 with Retry-After: 5: no request of this write key inside the window, even across a reload', async ({
  page,
  dataPlane,
}) => {
  dataPlane.fail('429', 1, { retryAfter: '5' });
  await page.goto(cloudPage(dataPlane, 'ra'));
  const ids = await send(page, 'ra', 3);
  await expect.poll(() => dataPlane.requests.filter((r) => r.status === 429).length, { intervals: [20] }).toBe(1);
  const limitedAt = dataPlane.requests.find((r) => r.status === 429)!.at!;
  await page.reload(); // a page load is not a retry, and the Retry-After holds for the next page too
  await expectEach(dataPlane, ids);
  const inside = dataPlane.requests.filter((r) => r.at! > limitedAt && r.at! < limitedAt + 4_900);
  expect(inside).toEqual([]);
  console.log(`at-least-once: 429 Retry-After 5 s: ${dataPlane.requests.length} requests, none inside the window`);
});

test('a hostile page: Array.prototype.toJSON (Prototype.js 1.6) and a fetch wrapper that rejects', async ({
  page,
  dataPlane,
}) => {
  await page.addInitScript(() => {
    (Array.prototype as any).toJSON = function () {
      return `[${this.map((v: unknown) => JSON.stringify(v)).join(',')}]`;
    };
    window.fetch = () => Promise.reject(new TypeError('a wrapper that rejects'));
  });
  await page.goto(cloudPage(dataPlane, 'hostile'));
  const ids = await send(page, 'hostile', 5);
  await expectEach(dataPlane, ids);
  expect(dataPlane.received.every((m) => m.properties && typeof m.properties.i === 'number')).toBe(true);
});

test('two tabs, one closed in the middle of an outage: the other delivers its events', async ({
  context,
  page,
  dataPlane,
}) => {
  dataPlane.fail('500');
  await page.goto(cloudPage(dataPlane, 'tab1'));
  const other = await context.newPage();
  await other.goto(cloudPage(dataPlane, 'tab2'));
  const ids = [...(await send(page, 'tab1', 4)), ...(await send(other, 'tab2', 4))];
  await expect.poll(() => dataPlane.requests.length, { intervals: [50] }).toBeGreaterThan(1);
  await page.close({ runBeforeUnload: true });
  dataPlane.fail('ok');
  await expectEach(dataPlane, ids);
  console.log(
    `at-least-once: two tabs, one closed mid-outage: 8 sent, ${Object.keys(arrivals(dataPlane)).length} distinct arrived`,
  );
});

test('an outage while the shopper browses 8 pages: every event of every page arrives once it ends', async ({
  page,
  dataPlane,
}) => {
  dataPlane.fail('500');
  const ids: string[] = [];
  for (let n = 1; n <= 8; n++) {
    await page.goto(cloudPage(dataPlane, `p${n}`));
    ids.push(...(await send(page, `p${n}`, 3)));
    await page.waitForTimeout(1200); // each page spends an attempt of its own events; none is given up
  }
  dataPlane.fail('ok');
  await expectEach(dataPlane, ids);
  console.log(
    `at-least-once: outage over 8 pages: 24 sent, ${Object.keys(arrivals(dataPlane)).length} distinct arrived`,
  );
});

test('storage unusable (Safari private mode) and a failure just before the page leaves: the memory queue is beaconed', async ({
  page,
  dataPlane,
}) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, 'localStorage', {
      get() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    });
  });
  dataPlane.fail('500', 1);
  await page.goto(cloudPage(dataPlane, 'mem'));
  const ids = await send(page, 'mem', 6);
  await expect.poll(() => dataPlane.requests.filter((r) => r.status === 500).length, { intervals: [20] }).toBe(1);
  await page.goto('/e2e/pages/blank.html'); // before the retry: only the page-leave beacon can carry them
  await expectEach(dataPlane, ids);
  expect(dataPlane.received.every((m) => m.via === 'beacon')).toBe(true);
});

test('consent in Chromium: nothing stored before consent; denyConsent removes every key we wrote', async ({
  page,
  dataPlane,
}) => {
  const html = `<!doctype html><html><head><meta charset="utf-8">
    <script src="/dist/klaviyo-device-mode.iife.js" data-public-api-key="AbC123" data-require-consent="true"
      data-data-plane-url="${dataPlane.url}" data-write-key="${dataPlane.writeKey}"></script>
    </head><body><script>
      klaviyoDeviceMode.identify('u1', { email: 'ada@example.com' });
      klaviyoDeviceMode.track('Before consent', {});
    </script></body></html>`;
  await page.goto(servePage('consent-storage', html));
  await page.waitForTimeout(2500); // heartbeats and sweeps would have run by now
  const ours = () =>
    page.evaluate(() => ({
      keys: Object.keys(localStorage).filter((k) => k.startsWith('kdm')),
      cookies: document.cookie,
    }));
  expect(await ours()).toEqual({ keys: [], cookies: '' });
  await page.evaluate(() => (window as any).klaviyoDeviceMode.grantConsent());
  await expect.poll(async () => (await ours()).keys.length).toBeGreaterThan(2);
  await page.evaluate(() => (window as any).klaviyoDeviceMode.denyConsent());
  expect((await ours()).keys).toEqual([]);
  await page.waitForTimeout(2500);
  expect((await ours()).keys).toEqual([]); // and nothing written after
});
