// `npm start`: serves the demo storefront on 127.0.0.1 with our own cloud endpoint beside it.
// By default nothing leaves this machine: klaviyo.js is the local stand-in, and the endpoint delivers to
// a local stand-in of Klaviyo's server API. Optional, from the environment:
//   KLAVIYO_PUBLIC_KEY       a real 6-character public key: load the real klaviyo.js
//   KLAVIYO_PRIVATE_API_KEY  a real private key (pk_...): the endpoint delivers to the real Klaviyo
//   DATA_PLANE_URL, WRITE_KEY  forward to a RudderStack data plane instead of our endpoint
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { startKlaviyoServerApi } from '../e2e/klaviyoServerApi.mjs';
import { startStaticServer } from '../e2e/staticServer.mjs';
import { createCloudEndpoint } from '../dist/esm/server/index.js';
import { nodeListener } from '../dist/esm/server/nodeListener.js';

const PORT = Number(process.env.PORT ?? 8080);
const ENDPOINT_PORT = Number(process.env.ENDPOINT_PORT ?? PORT + 1);
const WRITE_KEY = 'demo-write-key';
const realKey = process.env.KLAVIYO_PUBLIC_KEY;
const privateKey = process.env.KLAVIYO_PRIVATE_API_KEY;

/** Our endpoint on ENDPOINT_PORT, delivering to Klaviyo (or its stand-in, whose calls the page shows). */
async function startEndpoint() {
  const standIn = privateKey ? undefined : await startKlaviyoServerApi();
  const handler = createCloudEndpoint({
    privateApiKey: privateKey ?? standIn.privateApiKey,
    writeKeys: [WRITE_KEY],
    klaviyoBaseUrl: standIn?.url,
    allowedOrigins: [`http://127.0.0.1:${PORT}`, `http://localhost:${PORT}`],
    listId: 'DemoList',
    logLevel: 'info',
  });
  const server = createServer(nodeListener(handler));
  await new Promise((done) => server.listen(ENDPOINT_PORT, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${ENDPOINT_PORT}`, writeKey: WRITE_KEY, standIn };
}

const cloud = process.env.DATA_PLANE_URL
  ? { url: process.env.DATA_PLANE_URL, writeKey: process.env.WRITE_KEY ?? '' }
  : await startEndpoint();
const publicApiKey = realKey ?? 'DeMo01';
const demo = {
  standIn: !realKey,
  /** The page can list what reached Klaviyo's server API: only with the local stand-in. */
  serverApiStandIn: !!cloud.standIn,
  cloudUrl: cloud.url,
  listId: 'DemoList',
};
const attr = (s) => String(s).replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The storefront page with this run's options; `?block` simulates an ad blocker. */
async function renderPage(search) {
  const blocked = new URLSearchParams(search).has('block');
  const klaviyoSrc = blocked
    ? '/blocked-by-the-demo/klaviyo.js'
    : demo.standIn
      ? `/e2e/fixtures/klaviyo-loader.js?company_id=${publicApiKey}`
      : undefined;
  // With the stand-in, the loader fetches its tracking module from this server, and there is no
  // Client API to reach (nothing leaves the machine): the ladder goes from klaviyo.js to the data plane.
  const options = [
    `window.demo = ${JSON.stringify(demo)};`,
    demo.standIn ? `window.__klaviyoStandInModuleUrl = '/e2e/fixtures/klaviyo-tracking-module.js';` : '',
    klaviyoSrc
      ? `window.klaviyoDeviceModeOptions = { clientApi: ${!demo.standIn}, prepareScript: function (s) { s.src = ${JSON.stringify(klaviyoSrc)}; } };`
      : '',
  ].join('\n');
  const dataAttributes = [
    `data-public-api-key="${attr(publicApiKey)}"`,
    `data-data-plane-url="${attr(cloud.url)}"`,
    `data-write-key="${attr(cloud.writeKey)}"`,
    `data-list-id="DemoList"`,
    `data-log-level="debug"`,
  ].join(' ');
  const html = await readFile(new URL('./public/index.html', import.meta.url), 'utf8');
  return html.replace('/*DEMO_OPTIONS*/', options).replace('/*DEMO_DATA_ATTRIBUTES*/', dataAttributes);
}

const server = await startStaticServer(PORT, '127.0.0.1', async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/__delivered') {
    // What the endpoint sent to the Klaviyo server-API stand-in, for the page's panel.
    const calls = (cloud.standIn?.requests ?? []).map((r) => ({ path: r.path, status: r.status, body: r.body }));
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(calls));
    return true;
  }
  if (url.pathname !== '/' && url.pathname !== '/index.html') return false;
  res
    .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
    .end(await renderPage(url.search));
  return true;
});
const { port } = server.address();
console.log(
  `Demo storefront: http://127.0.0.1:${port}/  (klaviyo.js: ${realKey ? 'real, key ' + realKey : 'local stand-in'}; cloud mode: ${cloud.url}, ${process.env.DATA_PLANE_URL ? 'a RudderStack data plane' : `our endpoint → ${privateKey ? 'Klaviyo' : 'a local Klaviyo server-API stand-in'}`})`,
);
console.log(`Simulate an ad blocker: http://127.0.0.1:${port}/?block`);
