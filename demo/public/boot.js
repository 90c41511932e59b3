// Starts the demo: the service worker first (it plays Klaviyo's hosts and the chosen blocklist), then
// the script tag as a storefront writes it, then the shop's own code.
(function () {
  var demo = window.demo;
  function add(src, attributes, then) {
    var s = document.createElement('script');
    s.src = src;
    for (var name in attributes) s.setAttribute(name, attributes[name]);
    s.onload = then || null;
    document.head.appendChild(s);
  }
  function start() {
    window.klaviyoDeviceModeOptions = { onDelivery: window.demoTimeline.report };
    add('/dist/klaviyo-device-mode.iife.js', demo.dataAttributes, function () {
      add('/demo/public/demo.js');
    });
  }
  if (!('serviceWorker' in navigator)) return start();
  navigator.serviceWorker
    .register('/sw.js?standIn=' + (demo.standIn ? 1 : 0))
    .then(function () {
      if (navigator.serviceWorker.controller) start();
      else navigator.serviceWorker.addEventListener('controllerchange', start, { once: true });
    })
    .catch(start);
})();
