// `npm start`: serves the demo storefront on 127.0.0.1.
// By default klaviyo.js is the local stand-in (nothing leaves this machine). Set KLAVIYO_PUBLIC_KEY
// to a real 6-character public key to load the real klaviyo.js from static.klaviyo.com instead.
import { startStaticServer } from '../e2e/staticServer.mjs';

const PORT = Number(process.env.PORT ?? 8080);
const realKey = process.env.KLAVIYO_PUBLIC_KEY;

const config = {
  publicApiKey: realKey ?? 'DeMo01',
  standIn: !realKey,
  sendPageAsTrack: true,
  logLevel: 'debug',
};

const server = await startStaticServer(PORT, '127.0.0.1', async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (path === '/' || path === '/index.html') {
    res.writeHead(302, { location: '/demo/public/index.html' }).end();
    return true;
  }
  if (path === '/demo/config.json') {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(config));
    return true;
  }
  return false;
});
const { port } = server.address();
console.log(`Demo storefront: http://127.0.0.1:${port}/  (klaviyo.js: ${realKey ? 'real, key ' + realKey : 'local stand-in'})`);
