// `npm start`: serves the demo storefront on 127.0.0.1.
// By default klaviyo.js is the local stand-in (nothing leaves this machine). Set KLAVIYO_PUBLIC_KEY
// to a real 6-character public key to load the real klaviyo.js from static.klaviyo.com instead.
import { startDataPlane } from '../e2e/dataPlane.mjs';
import { startStaticServer } from '../e2e/staticServer.mjs';

const PORT = Number(process.env.PORT ?? 8080);
const realKey = process.env.KLAVIYO_PUBLIC_KEY;

// The local data plane (the real gateway's rules). DATA_PLANE_URL + WRITE_KEY point at a real one.
const dataPlane = process.env.DATA_PLANE_URL
  ? { url: process.env.DATA_PLANE_URL, writeKey: process.env.WRITE_KEY ?? '' }
  : await startDataPlane({ port: Number(process.env.DATA_PLANE_PORT ?? PORT + 1), writeKey: 'demo-write-key' });

const config = {
  cloudMode: { dataPlaneUrl: dataPlane.url, writeKey: dataPlane.writeKey },
  localDataPlane: !process.env.DATA_PLANE_URL,
  publicApiKey: realKey ?? 'DeMo01',
  standIn: !realKey,
  sendPageAsTrack: true,
  logLevel: 'debug',
};

const server = await startStaticServer(PORT, '127.0.0.1', async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (path === '/' || path === '/index.html') {
    const search = new URL(req.url ?? '/', 'http://x').search;
    res.writeHead(302, { location: `/demo/public/index.html${search}` }).end();
    return true;
  }
  if (path === '/demo/config.json') {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(config));
    return true;
  }
  return false;
});
const { port } = server.address();
console.log(`Demo storefront: http://127.0.0.1:${port}/  (klaviyo.js: ${realKey ? 'real, key ' + realKey : 'local stand-in'}; data plane: ${dataPlane.url})`);
console.log(`Simulate an ad blocker: http://127.0.0.1:${port}/?block`);
