// The storefront's own code: it only calls the rudderanalytics-style global of the script tag.
(function () {
  var kdm = window.klaviyoDeviceMode;
  var product = {
    product_id: 'pooh-1',
    sku: 'WINNIEPOOH',
    name: 'Winnie the Pooh',
    price: 9.99,
    brand: 'Kids Books',
    categories: ['Fiction', 'Children'],
    url: location.origin + '/#product',
    image_url: location.origin + '/pooh.png',
  };
  var cart = [];
  var line = function () {
    return { product_id: product.product_id, sku: product.sku, name: product.name, price: product.price, quantity: 1 };
  };
  var total = function () {
    return Math.round(cart.length * product.price * 100) / 100;
  };

  function show(id) {
    document.querySelectorAll('main section').forEach(function (s) {
      s.hidden = s.id !== id;
    });
    kdm.page('Shop', id.charAt(0).toUpperCase() + id.slice(1));
    if (id === 'product') kdm.track('Product Viewed', product);
    if (id === 'cart')
      document.getElementById('cart-lines').textContent = cart.length ? cart.length + ' × ' + product.name : 'Empty';
  }
  window.addEventListener('hashchange', function () {
    show(location.hash.slice(1) || 'product');
  });

  document.querySelector('[data-call=add]').addEventListener('click', function () {
    cart.push(line());
    kdm.track(
      'Product Added',
      Object.assign({}, product, {
        quantity: 1,
        value: total(),
        products: cart,
        checkout_url: location.origin + '/#checkout',
      }),
    );
    location.hash = 'cart';
  });
  document.querySelector('[data-call=checkout]').addEventListener('click', function () {
    kdm.track('Checkout Started', {
      order_id: 'cart-' + Date.now(),
      value: total(),
      products: cart,
      checkout_url: location.origin + '/#checkout',
    });
    location.hash = 'checkout';
  });
  document.getElementById('checkout-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var email = new FormData(e.target).get('email');
    var orderId = 'order-' + Date.now();
    kdm.identify({ email: email });
    kdm.track('Order Completed', { order_id: orderId, revenue: total(), products: cart.length ? cart : [line()] });
    cart = [];
    document.getElementById('order-id').textContent = 'Order ' + orderId;
    location.hash = 'confirmation';
  });
  document.getElementById('signup-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var email = new FormData(e.target).get('email');
    kdm.identify({ email: email, properties: { listId: window.demo.listId, subscribe: true, consent: ['email'] } });
  });

  // The live panels.
  var panel = document.getElementById('klaviyo');
  var forwarded = document.getElementById('forwarded');
  var status = document.getElementById('status');
  function render() {
    status.textContent = '(' + kdm.core.status + ')';
    var commands = window.__klaviyoStandIn && window.__klaviyoStandIn.commands;
    panel.textContent = commands
      ? commands
          .filter(function (c) {
            return c[0] !== 'isIdentified'; // the integration's readiness probe
          })
          .map(function (c) {
            return JSON.stringify(c);
          })
          .join('\n')
      : window.demo.standIn
        ? ''
        : 'real klaviyo.js: see its network requests';
    if (!window.demo.serverApiStandIn) {
      forwarded.textContent =
        'forwarded to ' + window.demo.cloudUrl + ': see Klaviyo (or your data plane) for the events';
      return;
    }
    fetch('/__delivered')
      .then(function (r) {
        return r.json();
      })
      .then(function (calls) {
        forwarded.textContent = calls.map(describeCall).join('\n');
      })
      .catch(function () {});
  }
  // One line per thing Klaviyo's server API was asked to do: `event Placed Order (order-1) ada@example.com`.
  function describeCall(call) {
    var data = (call.body && call.body.data) || {};
    var a = data.attributes || {};
    var failed = call.status >= 300 ? ' → HTTP ' + call.status : '';
    if (call.path === '/api/profile-import') return 'profile ' + (a.email || a.phone_number || a.external_id) + failed;
    if (call.path === '/api/profile-subscription-bulk-create-jobs') {
      var who = (a.profiles.data || []).map(function (p) {
        return p.attributes.email || p.attributes.phone_number;
      });
      return 'subscribe ' + who.join(', ') + ' to ' + data.relationships.list.data.id + failed;
    }
    var lines = [];
    (a['events-bulk-create'] ? a['events-bulk-create'].data : []).forEach(function (entry) {
      var p = entry.attributes.profile.data.attributes;
      entry.attributes.events.data.forEach(function (e) {
        var ev = e.attributes;
        lines.push(
          'event ' + ev.metric.data.attributes.name + ' (' + ev.unique_id + ') ' + (p.email || p.external_id) + failed,
        );
      });
    });
    return lines.join('\n') || call.path + failed;
  }
  window.addEventListener('klaviyo-standin:command', render);
  setInterval(render, 500);
  show(location.hash.slice(1) || 'product');
  render();
})();
