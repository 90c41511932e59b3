import { readFileSync } from 'node:fs';
import { applyBlocklist, expect, klaviyoReceived, refuseOtherHosts, servePage, test } from './fixtures.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const README_BUNDLE_URL = 'https://your.cdn/klaviyo-device-mode.iife.js';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The script-tag example of the README, as a storefront engineer would paste it. */
function readmeSnippet(): string {
  const block = /<!-- snippet:start -->\s*```html\n([\s\S]*?)```\s*<!-- snippet:end -->/.exec(README);
  if (!block) throw new Error('README has no snippet block');
  return block[1];
}

const product = {
  product_id: 'p1',
  sku: 'POOH',
  name: 'Pooh',
  price: 9.99,
  category: 'Books',
  url: 'https://shop.example.com/p1',
  image_url: 'https://shop.example.com/p1.png',
};
const line = { product_id: 'p1', sku: 'POOH', name: 'Pooh', price: 9.99, quantity: 1 };
/** A dedupe key the host made (the message's messageId). */
const KEY = expect.any(String);
const item = { ProductID: 'p1', SKU: 'POOH', ProductName: 'Pooh', Quantity: 1, ItemPrice: 9.99, RowTotal: 9.99 };
const JOURNEY = [
  ['identify', { $email: 'ada@example.com', $first_name: 'Ada', $id: 'u1' }],
  [
    'track',
    'Viewed Product',
    {
      ProductName: 'Pooh',
      ProductID: 'p1',
      SKU: 'POOH',
      ImageURL: 'https://shop.example.com/p1.png',
      URL: 'https://shop.example.com/p1',
      Price: 9.99,
      Categories: ['Books'],
      $event_id: KEY,
    },
  ],
  [
    'trackViewedItem',
    {
      Title: 'Pooh',
      ItemId: 'p1',
      Categories: ['Books'],
      ImageUrl: 'https://shop.example.com/p1.png',
      Url: 'https://shop.example.com/p1',
      Metadata: { Price: 9.99 },
    },
  ],
  [
    'track',
    'Added to Cart',
    {
      $value: 9.99,
      AddedItemProductName: 'Pooh',
      AddedItemProductID: 'p1',
      AddedItemSKU: 'POOH',
      AddedItemImageURL: 'https://shop.example.com/p1.png',
      AddedItemURL: 'https://shop.example.com/p1',
      AddedItemPrice: 9.99,
      AddedItemQuantity: 1,
      AddedItemCategories: ['Books'],
      $event_id: KEY,
    },
  ],
  ['track', 'Started Checkout', { $event_id: 'c1', $value: 9.99, ItemNames: ['Pooh'], Items: [item] }],
  ['track', 'Placed Order', { $event_id: 'o1', OrderId: 'o1', $value: 9.99, ItemNames: ['Pooh'], Items: [item] }],
  ['track', 'Ordered Product', { ...item, OrderId: 'o1', $event_id: 'o1_p1', $value: 9.99 }],
];
/**
 * A page sent as a track before the shopper identified: held until they did (then it goes, with its
 * capture time, right after the identify).
 */
const HELD_PAGE = ['track', 'Viewed Shop Home page', { $event_id: KEY, time: expect.any(String) }];
const journeyCalls = (api: string) => `
  ${api}.identify('u1', { email: 'ada@example.com', firstName: 'Ada' });
  ${api}.track('Product Viewed', ${JSON.stringify(product)});
  ${api}.track('Product Added', ${JSON.stringify({ ...product, quantity: 1, value: 9.99 })});
  ${api}.track('Checkout Started', ${JSON.stringify({ order_id: 'c1', value: 9.99, products: [line] })});
  ${api}.track('Order Completed', ${JSON.stringify({ order_id: 'o1', revenue: 9.99, products: [line] })});`;

test('the README snippet is the built dist/snippet.min.js', () => {
  const built = readFileSync(new URL('../dist/snippet.min.js', import.meta.url), 'utf8')
    .trim()
    .replace('BUNDLE_URL', README_BUNDLE_URL);
  expect(readmeSnippet()).toContain(built);
  expect(Buffer.byteLength(built)).toBeLessThanOrEqual(1024);
});

test('script tag via the README snippet: a storefront journey, with calls made before the bundle and before klaviyo.js, all delivered in order', async ({
  page,
  context,
  dataPlane,
  clientApi,
}) => {
  // Slow network: the bundle and klaviyo.js both arrive late.
  await page.route('**/dist/klaviyo-device-mode.iife.js', async (route) => {
    await sleep(400);
    await route.continue();
  });
  await context.route('https://static.klaviyo.com/onsite/js/klaviyo.js**', async (route) => {
    await sleep(400);
    await route.fallback(); // the stand-in, late
  });
  const snippet = readmeSnippet()
    .replace(README_BUNDLE_URL, '/dist/klaviyo-device-mode.iife.js')
    .replace("dataPlaneUrl: 'https://dp.example.com'", `dataPlaneUrl: '${dataPlane.url}'`)
    .replace("writeKey: 'FORWARDING_SOURCE_KEY'", `writeKey: '${dataPlane.writeKey}'`);
  const html = `<!doctype html><html><head><meta charset="utf-8">${snippet}</head><body><script>
    window.queuedBeforeBundle = Array.isArray(klaviyoDeviceMode);
    ${journeyCalls('klaviyoDeviceMode')}
    klaviyoDeviceMode.group('NEWS01', { subscribe: true, email: 'ada@example.com' });
  </script></body></html>`;
  await page.goto(servePage('readme-snippet', html));
  expect(await page.evaluate(() => (window as any).queuedBeforeBundle)).toBe(true);
  await expect.poll(() => klaviyoReceived(page), { timeout: 10_000 }).toEqual(JOURNEY);
  // The list subscription needs no server: Klaviyo's Client API takes it; nothing is forwarded.
  await expect
    .poll(() =>
      clientApi
        .taken('subscriptions')
        .map((b) => [b.data.relationships.list.data.id, b.data.attributes.profile.data.attributes.email]),
    )
    .toEqual([['NEWS01', 'ada@example.com']]);
  expect(dataPlane.received).toEqual([]);
});

test('script tag with data-* attributes starts itself', async ({ page }) => {
  const html = `<!doctype html><html><head><meta charset="utf-8">
    <script src="/dist/klaviyo-device-mode.iife.js" data-public-api-key="AbC123" data-send-page-as-track="true"></script>
    </head><body><script>klaviyoDeviceMode.page('Shop', 'Home'); ${journeyCalls('klaviyoDeviceMode')}</script></body></html>`;
  await page.route('**/e2e/pages/data-attributes.html', (route) =>
    route.fulfill({ contentType: 'text/html', body: html }),
  );
  await page.goto('/e2e/pages/data-attributes.html');
  await expect.poll(() => klaviyoReceived(page)).toEqual([JOURNEY[0], HELD_PAGE, ...JOURNEY.slice(1)]);
});

test('the real @rudderstack/analytics-js loads our Klaviyo.min.js through destSDKBaseURL', async ({
  page,
  context,
  dataPlane,
}) => {
  const integrationRequests: string[] = [];
  page.on('request', (r) => r.url().endsWith('/Klaviyo.min.js') && integrationRequests.push(new URL(r.url()).pathname));
  await refuseOtherHosts(context);
  await page.goto(`/e2e/pages/rudderstack-sdk.html?dp=${encodeURIComponent(dataPlane.url)}&wk=${dataPlane.writeKey}`);
  await page.evaluate(() => {
    const r = (window as any).rudder;
    r.identify('u1', { email: 'ada@example.com', firstName: 'Ada' });
    r.track('Product Viewed', { product_id: 'p1', name: 'Pooh', price: 9.99 });
    r.track('Checked Out', { revenue: 9.99 });
    r.page('Shop', 'Home');
  });
  await expect
    .poll(() => klaviyoReceived(page), { timeout: 15_000 })
    .toEqual([
      ['identify', { $email: 'ada@example.com', $first_name: 'Ada', $id: 'u1' }],
      ['track', 'Viewed Product', { ProductName: 'Pooh', ProductID: 'p1', Price: 9.99, $event_id: KEY }],
      ['trackViewedItem', { Title: 'Pooh', ItemId: 'p1', Metadata: { Price: 9.99 } }],
      ['track', 'Checked Out', { $value: 9.99, $event_id: KEY }],
      ['track', 'Viewed Shop Home page', { $event_id: KEY }],
    ]);
  expect(integrationRequests).toEqual(['/dist/Klaviyo.min.js']);
  // The SDK's own cloud events reach its data plane, untouched by us (revenue is still revenue).
  await expect
    .poll(() => dataPlane.received.find((m) => m.event === 'Checked Out')?.properties)
    .toEqual({ revenue: 9.99 });
});

test('the real @rudderstack/analytics-js, klaviyo.js blocked: our Klaviyo.min.js loads its lower tiers chunk from destSDKBaseURL and the Client API takes the calls', async ({
  page,
  context,
  dataPlane,
  clientApi,
}) => {
  const files: string[] = [];
  page.on('request', (r) => new URL(r.url()).pathname.startsWith('/dist/') && files.push(new URL(r.url()).pathname));
  await refuseOtherHosts(context);
  await applyBlocklist(context, 'ghostery'); // klaviyo.js blocked: every call needs the chunk
  await page.goto(`/e2e/pages/rudderstack-sdk.html?dp=${encodeURIComponent(dataPlane.url)}&wk=${dataPlane.writeKey}`);
  await page.evaluate(() => {
    const r = (window as any).rudder;
    r.identify('u1', { email: 'ada@example.com' });
    r.track('Order Completed', { order_id: 'o-rs', revenue: 9.99, products: [{ product_id: 'p1', price: 9.99 }] });
  });
  await expect
    .poll(() => clientApi.taken('events').map((b) => b.data.attributes.unique_id), { timeout: 15_000 })
    .toEqual(['o-rs', 'o-rs_p1']);
  expect(clientApi.taken('profiles')).toHaveLength(1);
  // The SDK loaded our bundle from destSDKBaseURL; the bundle loaded its chunk from beside itself.
  expect(files.filter((f) => f.endsWith('.js'))).toEqual([
    '/dist/Klaviyo.min.js',
    '/dist/klaviyo-device-mode.tiers.js',
  ]);
});

test('the real @segment/analytics-next with our destination plugin registered', async ({ page, context }) => {
  await context.route(/^https:\/\/(?!(static|static-tracking|a)\.klaviyo\.com)/, (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: '{}' }),
  );
  await page.goto('/e2e/pages/segment.html');
  await page.waitForFunction(() => (window as any).analytics);
  await page.evaluate(async () => {
    const a = (window as any).analytics;
    await a.identify('u1', { email: 'ada@example.com' });
    await a.track('Order Completed', {
      order_id: 'o1',
      revenue: 9.99,
      products: [{ product_id: 'p1', name: 'Pooh', price: 9.99, quantity: 1 }],
    });
    await a.track('Skipped', {}, { integrations: { Klaviyo: false } });
  });
  const item = { ProductID: 'p1', ProductName: 'Pooh', Quantity: 1, ItemPrice: 9.99, RowTotal: 9.99 };
  await expect
    .poll(() => klaviyoReceived(page), { timeout: 10_000 })
    .toEqual([
      ['identify', { $email: 'ada@example.com', $id: 'u1' }],
      ['track', 'Placed Order', { $event_id: 'o1', OrderId: 'o1', $value: 9.99, ItemNames: ['Pooh'], Items: [item] }],
      ['track', 'Ordered Product', { ...item, OrderId: 'o1', $event_id: 'o1_p1', $value: 9.99 }],
    ]);
});

test('a page that already has klaviyo.js: it is reused, never injected twice', async ({ page, klaviyoRequests }) => {
  await page.goto('/e2e/pages/existing-klaviyo.html');
  await page.evaluate(() => {
    const k = (window as any).klaviyoDeviceMode;
    k.identify('u1', { email: 'ada@example.com' });
    k.track('Signed Up', { plan: 'pro' });
  });
  await expect
    .poll(() => klaviyoReceived(page))
    .toEqual([
      ['identify', { $email: 'ada@example.com', $id: 'u1' }],
      ['track', 'Signed Up', { plan: 'pro', $event_id: KEY }],
    ]);
  expect(klaviyoRequests).toEqual(['https://static.klaviyo.com/onsite/js/AbC123/klaviyo.js']);
  expect(await page.locator('script[src*="klaviyo.js"]').count()).toBe(1);
  expect(await page.evaluate(() => (window as any).__klaviyoStandIn.loads)).toBe(1);
});

test('a strict CSP page with a nonce: klaviyo.js gets the nonce and loads', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (m) => /Content Security Policy/.test(m.text()) && violations.push(m.text()));
  await page.route('**/e2e/pages/csp.html', async (route) => {
    const response = await route.fetch();
    await route.fulfill({
      response,
      headers: { ...response.headers(), 'content-security-policy': "script-src 'nonce-r4nd0m'" },
    });
  });
  await page.goto('/e2e/pages/csp.html');
  await expect.poll(() => page.evaluate(() => (window as any).kdmStatus)).toBe('working');
  expect(await klaviyoReceived(page)).toEqual([['identify', { $email: 'ada@example.com', $id: 'u1' }]]);
  expect(violations).toEqual([]);
});

test('the shipped bundles contain no eval, Function constructor, innerHTML or document.write', () => {
  for (const file of [
    'Klaviyo.min.js',
    'klaviyo-device-mode.iife.js',
    'klaviyo-device-mode.messages.js',
    'snippet.min.js',
  ]) {
    const text = readFileSync(new URL(`../dist/${file}`, import.meta.url), 'utf8');
    for (const pattern of [
      /\beval\s*\(/,
      /new\s+Function\s*\(/,
      /innerHTML/,
      /outerHTML/,
      /insertAdjacentHTML/,
      /document\.write/,
    ]) {
      expect(pattern.test(text), `${file} matches ${pattern}`).toBe(false);
    }
  }
});

for (const via of ['script', 'npm'] as const) {
  test(`the real @rudderstack/analytics-js with our custom integration (addCustomIntegration, ${via === 'script' ? 'Klaviyo.min.js tag' : 'ES module'}), no destSDKBaseURL`, async ({
    page,
    context,
    dataPlane,
  }) => {
    const integrationFiles: string[] = [];
    page.on('request', (r) => r.url().endsWith('.min.js') && integrationFiles.push(new URL(r.url()).pathname));
    await refuseOtherHosts(context);
    await page.goto(
      `/e2e/pages/rudderstack-custom.html?dp=${encodeURIComponent(dataPlane.url)}&wk=${dataPlane.writeKey}&via=${via}`,
    );
    await page.waitForFunction(() => (window as any).rudder);
    await page.evaluate(() => {
      const r = (window as any).rudder;
      r.identify('u1', { email: 'ada@example.com' });
      r.track('Order Completed', { order_id: 'o1', revenue: 9.99, products: [{ product_id: 'p1', price: 9.99 }] });
      r.page('Shop', 'Home');
    });
    await expect
      .poll(() => klaviyoReceived(page), { timeout: 15_000 })
      .toEqual([
        ['identify', { $email: 'ada@example.com', $id: 'u1' }],
        ['track', 'Placed Order', expect.objectContaining({ OrderId: 'o1', $value: 9.99, $event_id: 'o1' })],
        ['track', 'Ordered Product', expect.objectContaining({ ProductID: 'p1', $event_id: 'o1_p1' })],
        ['track', 'Viewed Shop Home page', { $event_id: KEY }],
      ]);
    // Integration files (`<Name>.min.js`): only the page's own tag; the SDK loaded none from a destSDKBaseURL.
    expect(integrationFiles).toEqual(via === 'script' ? ['/dist/Klaviyo.min.js'] : []);
    await expect.poll(() => dataPlane.received.some((m) => m.event === 'Order Completed')).toBe(true);
    // identifyFromForms: a Klaviyo form submission becomes the SDK's own identify, sent to its data plane.
    // Its listener comes with the lower tiers chunk, milliseconds after start: the form is submitted
    // again until it is there, and the same identity is identified once however often it is submitted.
    const formsIdentified = () =>
      dataPlane.received.filter((m) => m.type === 'identify' && m.context.traits.email === 'form@example.com');
    await expect
      .poll(async () => {
        await page.evaluate(() =>
          window.dispatchEvent(
            new CustomEvent('klaviyoForms', { detail: { type: 'submit', metaData: { $email: 'form@example.com' } } }),
          ),
        );
        return formsIdentified().length;
      })
      .toBeGreaterThan(0);
    await page.waitForTimeout(500);
    expect(formsIdentified()).toHaveLength(1);
  });
}

test("script tag with data-* attributes and the README's one-line queue: inline calls made before the async bundle are delivered in order", async ({
  page,
}) => {
  const queue = /<!-- queue:start -->\s*```html\n([\s\S]*?)```\s*<!-- queue:end -->/.exec(README)?.[1];
  if (!queue) throw new Error('README has no queue block');
  await page.route('**/dist/klaviyo-device-mode.iife.js', async (route) => {
    await sleep(400); // the bundle arrives after the inline code ran
    await route.continue();
  });
  const html = `<!doctype html><html><head><meta charset="utf-8">${queue}
    <script async src="/dist/klaviyo-device-mode.iife.js" data-public-api-key="AbC123" data-send-page-as-track="true"></script>
    </head><body><script>
      window.queuedBeforeBundle = Array.isArray(klaviyoDeviceMode);
      klaviyoDeviceMode.page('Shop', 'Home');
      ${journeyCalls('klaviyoDeviceMode')}
    </script></body></html>`;
  await page.goto(servePage('readme-queue', html));
  expect(await page.evaluate(() => (window as any).queuedBeforeBundle)).toBe(true);
  await expect
    .poll(() => klaviyoReceived(page), { timeout: 10_000 })
    .toEqual([JOURNEY[0], HELD_PAGE, ...JOURNEY.slice(1)]);
  expect(await page.evaluate(() => typeof (window as any).klaviyoDeviceMode.core)).toBe('object');
});

test('a misspelt data-api-key: the minified bundle says in full sentences what is wrong and which attribute was meant', async ({
  page,
}) => {
  const lines: string[] = [];
  const chunks: string[] = [];
  page.on('console', (m) => lines.push(`${m.type()}: ${m.text()}`));
  page.on('request', (r) => r.url().includes('.tiers.js') && chunks.push(new URL(r.url()).pathname));
  const html = `<!doctype html><html><head><meta charset="utf-8">
    <script src="/dist/klaviyo-device-mode.iife.js" data-api-key="AbC123"></script>
    </head><body><script>klaviyoDeviceMode.track('Signed Up');</script></body></html>`;
  await page.goto(servePage('misspelt-attribute', html));
  await expect.poll(() => lines.length).toBeGreaterThanOrEqual(3);
  // The sentences come with the lower tiers chunk, beside the bundle: logged once it is here, in their
  // order, before or after the call made meanwhile. Other lines stay keyed, each saying where its text is.
  expect(lines.filter((l) => !l.includes(' inert track '))).toEqual([
    'error: [klaviyo-device-mode] The Klaviyo public API key is missing: set publicApiKey (script tag: data-public-api-key) to your 6-character public API key, from Klaviyo, Settings > API keys. Nothing is sent until then.',
    'warning: [klaviyo-device-mode] The script tag attribute data-api-key is not an option of klaviyo-device-mode and is ignored. Did you mean data-public-api-key?',
  ]);
  expect(lines).toContain(
    'warning: [klaviyo-device-mode] inert track (what it means: npmjs.com/package/klaviyo-device-mode#log-messages)',
  );
  expect(chunks).toEqual(['/dist/klaviyo-device-mode.tiers.js']); // beside the bundle, once for both lines
});

for (const chunk of ['as built', 'tampered'] as const) {
  test(`a bundle pinned with Subresource Integrity pins its lower tiers chunk too (chunk ${chunk})`, async ({
    page,
    context,
    clientApi,
  }) => {
    const sri = JSON.parse(readFileSync(new URL('../dist/sri.json', import.meta.url), 'utf8'));
    const warnings: string[] = [];
    page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    // Ghostery's list: klaviyo.js blocked, so every call needs the chunk (the Client API rung).
    await applyBlocklist(context, 'ghostery');
    if (chunk === 'tampered') {
      await context.route('**/dist/klaviyo-device-mode.tiers.js', async (route) => {
        const body = (await (await route.fetch()).text()).replace('a.klaviyo.com/client', 'evil.example/client');
        await route.fulfill({ contentType: 'text/javascript', body });
      });
    }
    const html = `<!doctype html><html><head><meta charset="utf-8">
      <script src="/dist/klaviyo-device-mode.iife.js" integrity="${sri['klaviyo-device-mode.iife.js']}"
        crossorigin="anonymous" data-public-api-key="AbC123"></script>
      </head><body><script>klaviyoDeviceMode.identify('u1', { email: 'ada@example.com' });</script></body></html>`;
    await page.goto(servePage(`sri-${chunk}`, html));
    if (chunk === 'as built') {
      await expect.poll(() => clientApi.taken('profiles').length, { timeout: 10_000 }).toBe(1);
    } else {
      await expect.poll(() => warnings.join('\n'), { timeout: 10_000 }).toContain('tiersFailed');
      expect(clientApi.requests).toEqual([]);
    }
  });
}
