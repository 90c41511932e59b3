// `npm start`: serves the demo storefront on 127.0.0.1 with a local data plane.
// By default klaviyo.js is the local stand-in (nothing leaves this machine). Set KLAVIYO_PUBLIC_KEY
// to a real 6-character public key to load the real klaviyo.js from static.klaviyo.com instead, and
// DATA_PLANE_URL + WRITE_KEY to forward to a real RudderStack data plane.
import { readFile } from 'node:fs/promises';
import { startDataPlane } from '../e2e/dataPlane.mjs';
import { startStaticServer } from '../e2e/staticServer.mjs';

const PORT = Number(process.env.PORT ?? 8080);
const realKey = process.env.KLAVIYO_PUBLIC_KEY;
const dataPlane = process.env.DATA_PLANE_URL
  ? { url: process.env.DATA_PLANE_URL, writeKey: process.env.WRITE_KEY ?? '' }
  : await startDataPlane({ port: Number(process.env.DATA_PLANE_PORT ?? PORT + 1), writeKey: 'demo-write-key' });
const publicApiKey = realKey ?? 'DeMo01';
const demo = {
  standIn: !realKey,
  localDataPlane: !process.env.DATA_PLANE_URL,
  dataPlaneUrl: dataPlane.url,
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
    `data-data-plane-url="${attr(dataPlane.url)}"`,
    `data-write-key="${attr(dataPlane.writeKey)}"`,
    `data-list-id="DemoList"`,
    `data-log-level="debug"`,
  ].join(' ');
  const html = await readFile(new URL('./public/index.html', import.meta.url), 'utf8');
  return html.replace('/*DEMO_OPTIONS*/', options).replace('/*DEMO_DATA_ATTRIBUTES*/', dataAttributes);
}

const server = await startStaticServer(PORT, '127.0.0.1', async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname !== '/' && url.pathname !== '/index.html') return false;
  res
    .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
    .end(await renderPage(url.search));
  return true;
});
const { port } = server.address();
console.log(
  `Demo storefront: http://127.0.0.1:${port}/  (klaviyo.js: ${realKey ? 'real, key ' + realKey : 'local stand-in'}; data plane: ${dataPlane.url})`,
);
console.log(`Simulate an ad blocker: http://127.0.0.1:${port}/?block`);
