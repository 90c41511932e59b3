// `npm start`: the demo storefront on 127.0.0.1, with our own cloud endpoint beside it.
// By default nothing leaves this machine: a service worker (demo/public/sw.js) plays Klaviyo's hosts
// and the blocklists, klaviyo.js and Klaviyo's Client API are local stand-ins, and the endpoint
// delivers to a local stand-in of Klaviyo's server API. Optional, from the environment:
//   KLAVIYO_PUBLIC_KEY         a real 6-character public key: the real klaviyo.js and Client API
//   KLAVIYO_PRIVATE_API_KEY    a real private key (pk_...): the endpoint delivers to the real Klaviyo
//   DATA_PLANE_URL, WRITE_KEY  forward to a RudderStack data plane instead of our endpoint
//   PORT (8080; the endpoint takes the next one, or ENDPOINT_PORT)
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createClientApiStandIn } from '../e2e/clientApiStandIn.mjs';
import { startKlaviyoServerApi } from '../e2e/klaviyoServerApi.mjs';
import { startStaticServer } from '../e2e/staticServer.mjs';
import { createCloudEndpoint } from '../dist/esm/server/index.js';
import { nodeListener } from '../dist/esm/server/nodeListener.js';

const PORT = Number(process.env.PORT ?? 8080);
const ENDPOINT_PORT = Number(process.env.ENDPOINT_PORT ?? PORT + 1);
const WRITE_KEY = 'demo-write-key';
const realKey = process.env.KLAVIYO_PUBLIC_KEY;
const privateKey = process.env.KLAVIYO_PRIVATE_API_KEY;
/** What the endpoint answered, per forwarded message: the page's timeline shows it. */
const endpointOutcomes = {};

/** Our endpoint on ENDPOINT_PORT, delivering to Klaviyo (or its server-API stand-in). */
async function startEndpoint() {
  const standIn = privateKey ? undefined : await startKlaviyoServerApi();
  const handle = createCloudEndpoint({
    privateApiKey: privateKey ?? standIn.privateApiKey,
    writeKeys: [WRITE_KEY],
    klaviyoBaseUrl: standIn?.url,
    allowedOrigins: [`http://127.0.0.1:${PORT}`, `http://localhost:${PORT}`],
    listId: 'DemoList',
    logLevel: 'info',
  });
  const recording = async (request) => {
    const text = request.method === 'POST' ? await request.clone().text() : '';
    const response = await handle(request);
    if (text) record(text, response.status, response.status === 200 ? await response.clone().json() : undefined);
    return response;
  };
  const server = createServer(nodeListener(recording));
  await new Promise((done) => server.listen(ENDPOINT_PORT, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${ENDPOINT_PORT}`, writeKey: WRITE_KEY };
}

function record(text, status, answer) {
  let batch;
  try {
    const body = JSON.parse(text);
    batch = Array.isArray(body.batch) ? body.batch : [body];
  } catch {
    return;
  }
  const skipped = new Map((answer?.skipped ?? []).map((s) => [s.messageId, s.reason]));
  const refused = new Map((answer?.refused ?? []).map((s) => [s.messageId, s.reason]));
  for (const { messageId } of batch) {
    if (typeof messageId !== 'string') continue;
    endpointOutcomes[messageId] =
      status !== 200
        ? `HTTP ${status}`
        : skipped.has(messageId)
          ? `skipped: ${skipped.get(messageId)}`
          : refused.has(messageId)
            ? `refused: ${refused.get(messageId)}`
            : 'taken by Klaviyo';
  }
}

const cloud = process.env.DATA_PLANE_URL
  ? { url: process.env.DATA_PLANE_URL, writeKey: process.env.WRITE_KEY ?? '' }
  : await startEndpoint();
const clientApi = createClientApiStandIn();
const demo = {
  standIn: !realKey,
  ourEndpoint: !process.env.DATA_PLANE_URL,
  listId: 'DemoList',
  dataAttributes: {
    'data-public-api-key': realKey ?? 'DeMo01',
    'data-data-plane-url': cloud.url,
    'data-write-key': cloud.writeKey,
    'data-list-id': 'DemoList',
    'data-log-level': 'debug',
  },
};

const page = async () =>
  (await readFile(new URL('./public/index.html', import.meta.url), 'utf8')).replace(
    '/*DEMO*/',
    `window.demo = ${JSON.stringify(demo).replace(/</g, '\\u003c')};`,
  );

const server = await startStaticServer(PORT, '127.0.0.1', async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const send = (status, type, body, extra = {}) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...extra }).end(body);
    return true;
  };
  if (url.pathname === '/' || url.pathname === '/index.html')
    return send(200, 'text/html; charset=utf-8', await page());
  if (url.pathname === '/sw.js') {
    return send(200, 'text/javascript', await readFile(new URL('./public/sw.js', import.meta.url)));
  }
  if (url.pathname === '/favicon.ico') {
    return send(200, 'image/svg+xml', await readFile(new URL('./public/favicon.svg', import.meta.url)));
  }
  if (url.pathname === '/__endpoint') return send(200, 'application/json', JSON.stringify(endpointOutcomes));
  if (url.pathname.startsWith('/__client-api/')) {
    // Klaviyo's Client API, as the service worker hands it over (stand-in mode only).
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const target = `https://a.klaviyo.com${url.pathname.slice('/__client-api'.length)}${url.search}`;
    const a = clientApi.answer(req.method ?? 'GET', target, req.headers, Buffer.concat(chunks).toString('utf8'));
    return send(a.status, a.headers['content-type'] ?? 'text/plain', a.body, a.headers);
  }
  return false;
});
const { port } = server.address();
console.log(`Demo storefront: http://127.0.0.1:${port}/`);
console.log(`  klaviyo.js and Client API: ${realKey ? `Klaviyo's, public key ${realKey}` : 'local stand-ins'}`);
console.log(
  `  cloud mode: ${process.env.DATA_PLANE_URL ? `the RudderStack data plane ${cloud.url}` : `our endpoint ${cloud.url} → ${privateKey ? 'Klaviyo' : "a local stand-in of Klaviyo's server API"}`}`,
);
