// Wires the demo page: the RudderStack-slot class with messages shaped like the SDK's.
const config = await (await fetch('/demo/config.json')).json();
const { localDataPlane, standIn, ...options } = config;
const blocked = new URLSearchParams(location.search).has('block');
if (blocked) {
  // Simulate an ad blocker: klaviyo.js fails to load, so identify/track go to the data plane.
  options.prepareScript = (script) => {
    script.src = '/blocked-by-the-demo/klaviyo.js';
  };
} else if (standIn) {
  // No network: point the klaviyo.js <script> at the local stand-in (prepareScript may rewrite src).
  options.prepareScript = (script) => {
    script.src = `/e2e/fixtures/klaviyo-standin.js?company_id=${config.publicApiKey}`;
  };
}
const integration = new window.Klaviyo_RS.Klaviyo(options, {}, {});
integration.init();

const anonymousId = 'demo-anon';
const product = { product_id: 'pooh-1', sku: 'WINNIEPOOH', name: 'Winnie the Pooh', price: 9.99, quantity: 1, categories: ['Fiction', 'Children'], url: location.origin + '/pooh', image_url: location.origin + '/pooh.png' };
const message = (type, fields) => ({ type, anonymousId, messageId: crypto.randomUUID(), originalTimestamp: new Date().toISOString(), context: { traits: {} }, ...fields });
const calls = {
  viewed: () => integration.track({ message: message('track', { event: 'Product Viewed', properties: product }) }),
  added: () => integration.track({ message: message('track', { event: 'Product Added', properties: { ...product, value: 9.99, products: [product] } }) }),
  checkout: () => integration.track({ message: message('track', { event: 'Checkout Started', properties: { order_id: 'cart-1', value: 9.99, products: [product] } }) }),
  newsletter: () => integration.group({ message: message('group', { groupId: 'NEWS01', traits: { subscribe: true, email: 'ada@example.com' } }) }),
  order: () => integration.track({ message: message('track', { event: 'Order Completed', properties: { order_id: 'order-1', revenue: 9.99, products: [product] } }) }),
};
document.querySelectorAll('[data-call]').forEach((b) => b.addEventListener('click', () => calls[b.dataset.call]()));
document.getElementById('signup').addEventListener('submit', (e) => {
  e.preventDefault();
  const email = new FormData(e.target).get('email');
  integration.identify({ message: message('identify', { userId: null, context: { traits: { email } } }) });
});
integration.page({ message: message('page', { name: 'Home', properties: { name: 'Home', path: location.pathname } }) });

const forwardedPanel = document.getElementById('forwarded');
const renderForwarded = async () => {
  if (!localDataPlane) return void (forwardedPanel.textContent = 'real data plane: see its live events');
  const received = await (await fetch(`${config.cloudMode.dataPlaneUrl}/__received`)).json();
  forwardedPanel.textContent = received.map((m) => JSON.stringify([m.type, m.event ?? m.name ?? m.groupId ?? null, m.via])).join('\n');
};
setInterval(renderForwarded, 500);
const panel = document.getElementById('klaviyo');
const status = document.getElementById('status');
const render = () => {
  status.textContent = `(${integration.core.status})`;
  const commands = window.__klaviyoStandIn?.commands;
  panel.textContent = commands ? commands.map((c) => JSON.stringify(c)).join('\n') : 'real klaviyo.js: see its network requests';
};
window.addEventListener('klaviyo-standin:command', render);
setInterval(render, 500);
render();
