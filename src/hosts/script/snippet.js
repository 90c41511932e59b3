/*
 * The inline snippet for the script-tag host (its minified form is dist/snippet.min.js and the README).
 * It defines window.klaviyoDeviceMode as a queue whose methods record calls, then loads the bundle
 * (async, with the snippet's own CSP nonce). The bundle replays the queue in order.
 * Replace BUNDLE_URL with where you host dist/klaviyo-device-mode.iife.js.
 */
(function (w, d, url) {
  var k = (w.klaviyoDeviceMode = w.klaviyoDeviceMode || []);
  if (!k.push || k.core) return;
  var methods = [
    'load',
    'page',
    'identify',
    'track',
    'group',
    'screen',
    'alias',
    'reset',
    'ready',
    'grantConsent',
    'denyConsent',
  ];
  for (var i = 0; i < methods.length; i++) {
    (function (m) {
      k[m] = function () {
        k.push([m].concat(Array.prototype.slice.call(arguments)));
      };
    })(methods[i]);
  }
  var s = d.createElement('script');
  s.async = true;
  s.src = url;
  var me = d.currentScript;
  if (me && me.nonce) s.nonce = me.nonce;
  var first = d.getElementsByTagName('script')[0];
  first.parentNode.insertBefore(s, first);
})(window, document, 'BUNDLE_URL');
