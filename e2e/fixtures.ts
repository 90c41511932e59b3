import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { test as base, expect, type BrowserContext, type Page, type Route } from '@playwright/test';
import { createClientApiStandIn, type ClientApiStandIn } from './clientApiStandIn.mjs';
import { createKlaviyoAccount, type KlaviyoAccount } from './klaviyoAccount.mjs';
// @ts-expect-error plain ESM module without types
import { startDataPlane } from './dataPlane.mjs';
import { STAND_IN_PRIVATE_KEY } from './klaviyoServerApi.mjs';
import { createCloudEndpoint } from '../src/server/index.js';
import { nodeListener } from '../src/server/nodeListener.js';

/** The local data plane's handle (e2e/dataPlane.mjs). */
export interface DataPlane {
  url: string;
  writeKey: string;
  received: Array<Record<string, any>>;
  requests: Array<{ path: string; status: number | string; at?: number }>;
  /** Every request as it arrived, before it was answered, with the messageIds it carried. */
  arrived: Array<{ path: string; at: number; ids: string[] }>;
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
 * A shop's page with the script tag as a storefront writes it (the messages file, then the bundle with
 * its acknowledgement timeout and, when given, cloud mode), then `script`: the page's own code, which
 * may wrap `klaviyoDeviceMode.core.handle` to record what the host hands the core. Returns its path.
 */
export function scriptTagStorefront(
  name: string,
  { ackTimeoutMs, cloud, script }: { ackTimeoutMs: number; cloud?: { url: string; writeKey: string }; script: string },
): string {
  const cloudAttributes = cloud ? `data-data-plane-url="${cloud.url}" data-write-key="${cloud.writeKey}"` : '';
  return servePage(
    name,
    `<!doctype html><html><head><meta charset="utf-8">
    <script src="/dist/klaviyo-device-mode.messages.js"></script>
    <script src="/dist/klaviyo-device-mode.iife.js" data-public-api-key="AbC123"
      data-load-timeout-ms="${ackTimeoutMs}" ${cloudAttributes}></script>
    <script>${script}</script></head><body><h1>Shop</h1></body></html>`,
  );
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

/** The klaviyo.js stand-in (fixtures/klaviyo-js/README.md), by the URL each part is served at. */
const STAND_IN: Array<[RegExp, string]> = [
  [/^https:\/\/static\.klaviyo\.com\/onsite\/js\/sharedUtils/, 'sharedUtils.js'],
  [/^https:\/\/static-tracking\.klaviyo\.com\/onsite\/js\/fender_analytics/, 'fender_analytics.js'],
  [/^https:\/\/static-tracking\.klaviyo\.com\/onsite\/js\/post_identification_sync/, 'post_identification_sync.js'],
  [/^https:\/\/static\.klaviyo\.com\/onsite\/js\/(.+\/)?klaviyo\.js/, 'klaviyo.js'],
];
const STAND_IN_CODE = new Map(
  STAND_IN.map(([, file]) => [file, readFileSync(new URL(`./fixtures/klaviyo-js/${file}`, import.meta.url), 'utf8')]),
);

/**
 * What the tracker ran in the page: the exact commands Klaviyo's code received, callbacks left out,
 * without the question (`isIdentified`) the integration asks at start.
 */
export async function klaviyoReceived(page: Page): Promise<unknown[]> {
  return page.evaluate(() =>
    ((window as any).__klaviyoStandIn?.commands ?? []).filter((c: unknown[]) => c[0] !== 'isIdentified'),
  );
}

/**
 * Answer Klaviyo's hosts in `context` as Klaviyo ships them: klaviyo.js and its modules at
 * https://static.klaviyo.com/** and https://static-tracking.klaviyo.com/** (served with CORS: the
 * loader asks for its modules with `crossorigin`), and the Client API at https://a.klaviyo.com/**
 * (`clientApi`, whose account records what klaviyo.js and our Client API rung sent). `seen` gets each
 * klaviyo.js URL.
 */
export async function serveStandIn(
  context: BrowserContext,
  seen: (url: string) => void = () => {},
  clientApi: ClientApiStandIn = createClientApiStandIn(),
): Promise<void> {
  const serve = (route: Route) => {
    const url = route.request().url();
    const file = STAND_IN.find(([pattern]) => pattern.test(url))?.[1];
    if (!file) return route.fulfill({ status: 404, body: '' });
    if (file === 'klaviyo.js') seen(url);
    return route.fulfill({
      status: 200,
      contentType: 'text/javascript',
      headers: { 'access-control-allow-origin': '*' },
      body: STAND_IN_CODE.get(file),
    });
  };
  await context.route('https://static.klaviyo.com/**', serve);
  await context.route('https://static-tracking.klaviyo.com/**', serve);
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
export const test = base.extend<{
  klaviyoRequests: string[];
  dataPlane: DataPlane;
  account: KlaviyoAccount;
  clientApi: ClientApiStandIn;
}>({
  /** The Klaviyo account this test's stand-ins share: where each event landed, whichever path brought it. */
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  account: async ({}, use) => {
    await use(createKlaviyoAccount());
  },
  /** The Client API stand-in answering https://a.klaviyo.com/** for this test. */
  clientApi: async ({ account }, use) => {
    await use(createClientApiStandIn({ account }));
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

/** Our endpoint on node:http on a free port, delivering to `klaviyoBaseUrl` (a server-API stand-in). */
export async function serveEndpoint(
  klaviyoBaseUrl: string,
  writeKey: string,
  origin: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const handler = createCloudEndpoint({
    privateApiKey: STAND_IN_PRIVATE_KEY,
    writeKeys: [writeKey],
    klaviyoBaseUrl,
    allowedOrigins: [origin],
    logLevel: 'none',
  });
  const server = createServer(nodeListener(handler));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

export { expect };
