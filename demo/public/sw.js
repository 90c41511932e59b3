// The demo's service worker: it plays the network between the storefront and Klaviyo, offline.
// Each blocklist switch of the demo makes it refuse the Klaviyo hosts that list names (as an ad
// blocker does: the request fails). With the local stand-ins (the default), it answers klaviyo.js,
// the modules it loads and Klaviyo's Client API from the demo server; with a real public key it lets
// what is not blocked through to Klaviyo.
const STAND_IN = new URL(self.location.href).searchParams.get('standIn') === '1';
const KLAVIYO = /^https:\/\/(static|static-tracking|a)\.klaviyo\.com\//;
/** The klaviyo.js stand-in (e2e/fixtures/klaviyo-js/), by path. */
const STAND_IN_FILES = [
  [/\/sharedUtils/, 'sharedUtils.js'],
  [/\/fender_analytics/, 'fender_analytics.js'],
  [/\/post_identification_sync/, 'post_identification_sync.js'],
  [/\/klaviyo\.js$/, 'klaviyo.js'],
];

/** What each profile refuses, by the hosts and paths the real lists name. */
const BLOCKS = {
  none: () => false,
  easyprivacy: (host) => host === 'static-tracking',
  ghostery: (host, path) => host === 'static-tracking' || (host === 'static' && path.startsWith('/onsite/js/')),
  adguard: (host, path) =>
    host === 'static-tracking' || host === 'a' || (host === 'static' && path.startsWith('/onsite/js/')),
  dns: () => true,
};

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  const match = KLAVIYO.exec(event.request.url);
  if (match) event.respondWith(answer(event, match[1]));
});

async function answer(event, host) {
  const url = new URL(event.request.url);
  const client = event.clientId ? await self.clients.get(event.clientId) : undefined;
  const profile = new URL(client ? client.url : self.location.href).searchParams.get('blocklist') || 'none';
  if ((BLOCKS[profile] || BLOCKS.none)(host, url.pathname)) return Response.error();
  if (!STAND_IN) return fetch(event.request);
  if (host === 'static' || host === 'static-tracking') {
    // klaviyo.js and the modules it loads (with `crossorigin`: answered with CORS).
    const file = STAND_IN_FILES.find(([pattern]) => pattern.test(url.pathname));
    if (!file) return new Response('', { status: 404 });
    const code = await (await fetch(`/e2e/fixtures/klaviyo-js/${file[1]}`)).text();
    return new Response(code, {
      headers: { 'content-type': 'text/javascript', 'access-control-allow-origin': '*' },
    });
  }
  if (event.request.method === 'OPTIONS') return new Response(null, { status: 204 });
  return fetch(`/__client-api${url.pathname}${url.search}`, {
    method: event.request.method,
    headers: event.request.headers,
    body: event.request.method === 'POST' ? await event.request.text() : undefined,
  });
}
