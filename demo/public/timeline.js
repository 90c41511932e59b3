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

  function stateText(event) {
    if (event.state === 'queued') {
      return event.tier === 'klaviyo.js' ? 'waiting for an answer' : event.tier === 'cloud' ? 'queued' : 'sending';
    }
    if (event.state === 'delivered') {
      return event.tier === 'klaviyo.js' ? 'acknowledged' : event.tier === 'cloud' ? 'received' : 'delivered';
    }
    return event.state + (event.reason ? ': ' + event.reason : '');
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
          var line = el('li', 's-' + event.state);
          line.appendChild(el('span', 'what', what));
          line.appendChild(el('span', 'tier ' + TIERS[event.tier][1], TIERS[event.tier][0]));
          line.appendChild(el('span', 'state', stateText(event)));
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
      if (r.tier === 'cloud') {
        // It went down the ladder: the rungs above are no longer where it stands.
        Object.keys(row.events).forEach(function (what) {
          if (row.events[what].tier !== 'cloud' && row.events[what].state === 'queued') delete row.events[what];
        });
      }
      row.events[r.what] = { tier: r.tier, state: r.state, reason: r.reason };
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
