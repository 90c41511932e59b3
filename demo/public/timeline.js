// The demo's inspector: one row per call the shop made, with what Klaviyo gets from it, which rung of
// the delivery ladder took it and its state, from the integration's onDelivery reports. It keeps this
// browser session's rows only (sessionStorage), newest first; Clear empties it.
(function () {
  var KEY = 'demo.timeline';
  var TIERS = {
    'klaviyo.js': ['klaviyo.js', 't-klaviyo'],
    'client-api': ['Client API', 't-client'],
    cloud: ['cloud endpoint', 't-cloud'],
  };
  var rows = [];
  var byId = {};
  var current = null;
  var pending = false;

  try {
    rows = JSON.parse(sessionStorage.getItem(KEY)) || [];
  } catch {
    rows = [];
  }
  rows.forEach(function (row) {
    row.ids.forEach(function (id) {
      byId[id] = row;
    });
  });

  function save() {
    try {
      sessionStorage.setItem(KEY, JSON.stringify(rows));
    } catch {
      // a full or refused sessionStorage only loses the history
    }
    if (!pending) {
      pending = true;
      setTimeout(render, 0);
    }
  }

  /** Whether our endpoint said it took the row's calls (undefined while it has not said, or for a data plane). */
  function endpointTook(row) {
    return row.endpoint ? /^taken/.test(row.endpoint) : undefined;
  }

  function stateText(event, row) {
    var text;
    if (event.state === 'held') text = 'held until the shopper is known';
    else if (event.state === 'queued') {
      text = event.tier === 'klaviyo.js' ? 'waiting for an answer' : event.tier === 'cloud' ? 'queued' : 'sending';
    } else if (event.state === 'delivered' && event.tier === 'cloud') {
      // The endpoint answered; whether Klaviyo took it is what it said (skipped or refused is not received).
      var took = endpointTook(row);
      text = took === undefined ? 'received by the endpoint' : took ? 'taken by Klaviyo' : 'not taken: ' + row.endpoint;
    } else if (event.state === 'delivered') {
      text = event.tier === 'klaviyo.js' ? 'acknowledged' : 'delivered';
    } else text = event.state + (event.reason ? ': ' + event.reason : '');
    return event.wasHeld && event.state !== 'held' ? text + ' (held until the shopper was known)' : text;
  }

  function stateClass(event, row) {
    return event.tier === 'cloud' && event.state === 'delivered' && endpointTook(row) === false
      ? 's-lost'
      : 's-' + event.state;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function render() {
    pending = false;
    var list = document.getElementById('timeline');
    if (!list) return;
    list.textContent = '';
    document.getElementById('empty').hidden = rows.length > 0;
    rows
      .slice()
      .reverse()
      .forEach(function (row) {
        var events = Object.keys(row.events);
        var last = row.last ? row.events[row.last] : undefined;
        var refused = row.endpoint && !/^taken/.test(row.endpoint);
        var item = el('li', 'row ' + (refused ? 's-lost' : last ? 's-' + last.state : 's-none'));
        var head = el('div', 'row-head');
        head.appendChild(el('time', '', new Date(row.at).toLocaleTimeString()));
        head.appendChild(el('code', 'call', row.call));
        item.appendChild(head);
        var lines = el('ul', 'events');
        events.forEach(function (what) {
          var event = row.events[what];
          var line = el('li', stateClass(event, row));
          line.appendChild(el('span', 'what', what));
          line.appendChild(el('span', 'tier ' + TIERS[event.tier][1], TIERS[event.tier][0]));
          line.appendChild(el('span', 'state', stateText(event, row)));
          lines.appendChild(line);
        });
        if (!events.length) {
          var note = /^page/.test(row.call)
            ? 'nothing to send: klaviyo.js records page views itself'
            : 'nothing new for Klaviyo';
          lines.appendChild(el('li', 'note', note));
        }
        item.appendChild(lines);
        if (row.endpoint) item.appendChild(el('p', 'endpoint', 'cloud endpoint → ' + row.endpoint));
        list.appendChild(item);
      });
  }

  /** Where the cloud endpoint's answer is still unknown, ask the demo server what it did. */
  function pollEndpoint() {
    var open = rows.filter(function (row) {
      return (
        !row.endpoint &&
        Object.keys(row.events).some(function (w) {
          return row.events[w].tier === 'cloud' && row.events[w].state === 'delivered';
        })
      );
    });
    if (!open.length || !window.demo || !window.demo.ourEndpoint) return;
    fetch('/__endpoint')
      .then(function (r) {
        return r.json();
      })
      .then(function (outcomes) {
        open.forEach(function (row) {
          row.ids.forEach(function (id) {
            if (outcomes[id]) row.endpoint = outcomes[id];
          });
        });
        save();
      })
      .catch(function () {});
  }
  setInterval(pollEndpoint, 1000);

  window.demoTimeline = {
    /** Run the shop's call `fn`, labelled `label`: the reports it causes go to this row. */
    calling: function (label, fn) {
      current = { at: Date.now(), call: label, ids: [], events: {} };
      rows.push(current);
      try {
        fn();
      } finally {
        current = null;
        save();
      }
    },
    /**
     * Watch the integration's core: each message a labelled call hands it belongs to that call's row,
     * however late its reports come (a call may wait for klaviyo.js's answer about the shopper).
     */
    watch: function (core) {
      var handle = core.handle.bind(core);
      core.handle = function (message) {
        if (current && message && typeof message.messageId === 'string') {
          current.ids.push(message.messageId);
          byId[message.messageId] = current;
        }
        return handle(message);
      };
    },
    /** The integration's onDelivery listener. */
    report: function (r) {
      var row = byId[r.messageId];
      if (!row) {
        row = current;
        if (!row) {
          row = { at: Date.now(), call: r.type + ' ' + r.what, ids: [], events: {} };
          rows.push(row);
        }
        row.ids.push(r.messageId);
        byId[r.messageId] = row;
      }
      var wasHeld = !!(row.events[r.what] && row.events[r.what].wasHeld) || (row.events[r.what] || {}).state === 'held';
      if (r.tier === 'cloud') {
        // It went down the ladder: the rungs above are no longer where it stands.
        Object.keys(row.events).forEach(function (what) {
          var e = row.events[what];
          if (e.tier !== 'cloud' && (e.state === 'queued' || e.state === 'held')) {
            wasHeld = wasHeld || e.state === 'held' || !!e.wasHeld;
            delete row.events[what];
          }
        });
      }
      row.events[r.what] = { tier: r.tier, state: r.state, reason: r.reason, wasHeld: wasHeld };
      row.last = r.what;
      save();
    },
    clear: function () {
      rows = [];
      byId = {};
      save();
    },
  };
  document.addEventListener('DOMContentLoaded', function () {
    document.getElementById('clear').addEventListener('click', window.demoTimeline.clear);
    var profile = new URLSearchParams(location.search).get('blocklist') || 'none';
    var link = document.querySelector('[data-blocklist="' + profile + '"]');
    if (link) link.setAttribute('aria-current', 'true');
    render();
  });
})();
