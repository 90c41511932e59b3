// The storefront's own code: it only calls the rudderanalytics-style global of the script tag, each
// call labelled for the inspector (demoTimeline.calling).
(function () {
  var kdm = window.klaviyoDeviceMode;
  window.demoTimeline.watch(kdm.core);
  var call = function (label, fn) {
    window.demoTimeline.calling(label, fn);
  };
  var product = {
    product_id: 'pooh-1',
    sku: 'WINNIEPOOH',
    name: 'Winnie the Pooh',
    price: 9.99,
    brand: 'Kids Books',
    categories: ['Fiction', 'Children'],
    url: location.origin + '/#product',
    image_url: location.origin + '/demo/public/pooh.svg',
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
    var name = id.charAt(0).toUpperCase() + id.slice(1);
    call("page('Shop', '" + name + "')", function () {
      kdm.page('Shop', name);
    });
    if (id === 'product') {
      call("track('Product Viewed')", function () {
        kdm.track('Product Viewed', product);
      });
    }
    if (id === 'cart')
      document.getElementById('cart-lines').textContent = cart.length ? cart.length + ' × ' + product.name : 'Empty';
  }
  window.addEventListener('hashchange', function () {
    show(location.hash.slice(1) || 'product');
  });

  document.querySelector('[data-call=add]').addEventListener('click', function () {
    cart.push(line());
    call("track('Product Added')", function () {
      kdm.track(
        'Product Added',
        Object.assign({}, product, {
          quantity: 1,
          value: total(),
          products: cart,
          checkout_url: location.origin + '/#checkout',
        }),
      );
    });
    location.hash = 'cart';
  });
  document.querySelector('[data-call=checkout]').addEventListener('click', function () {
    call("track('Checkout Started')", function () {
      kdm.track('Checkout Started', {
        order_id: 'cart-' + Date.now(),
        value: total(),
        products: cart,
        checkout_url: location.origin + '/#checkout',
      });
    });
    location.hash = 'checkout';
  });
  document.getElementById('checkout-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var email = new FormData(e.target).get('email');
    var orderId = 'order-' + Date.now();
    call("identify({ email: '" + email + "' })", function () {
      kdm.identify({ email: email });
    });
    call("track('Order Completed', { order_id: '" + orderId + "' })", function () {
      kdm.track('Order Completed', { order_id: orderId, revenue: total(), products: cart.length ? cart : [line()] });
    });
    cart = [];
    document.getElementById('order-id').textContent = 'Order ' + orderId;
    location.hash = 'confirmation';
  });
  document.getElementById('signup-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var email = new FormData(e.target).get('email');
    call("identify({ email: '" + email + "', subscribe to " + window.demo.listId + ' })', function () {
      kdm.identify({ email: email, properties: { listId: window.demo.listId, subscribe: true, consent: ['email'] } });
    });
  });

  var status = document.getElementById('status');
  var showStatus = function () {
    status.textContent = '(' + kdm.core.status + ')';
    status.className = 'status ' + kdm.core.status;
  };
  kdm.ready(showStatus);
  setInterval(showStatus, 500);
  showStatus();
  show(location.hash.slice(1) || 'product');
})();
