// For `npm run bench:vs-rudder`: a sketch of the least code a custom track can run and still keep
// what ours promises for it, to show how far per-call work can go before a promise has to give. It
// keeps four things and nothing else:
//   - the host's properties are copied (JSON-safe, depth-bounded), so later changes by the host and
//     klaviyo.js's own edits never cross;
//   - the copy carries the dedupe key (`$event_id` = messageId), revenue as `$value`;
//   - the shopper's identifiers are read from the message (shared while they stay the same), to
//     tell whether it names someone else;
//   - the command is pushed with a callback, so it counts as delivered only when Klaviyo answers.
// No consent, opt-out, anonymous hold, logging, cloud or Client API fallback: what it measures is a
// lower bound for ours, not an integration. Only the custom track is timed with it.

/* global window -- run in the page's realm, where window is klaviyo.js's */

/** Run in the page's realm (stringified); returns `{ Klaviyo }` shaped as RudderStack's integrations are. */
export function customTrackFloor() {
  const MAX_DEPTH = 20;
  const copy = (value, depth) => {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
    if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
    if (typeof value !== 'object' || depth > MAX_DEPTH) return undefined;
    if (Array.isArray(value)) return value.map((v) => copy(v, depth + 1) ?? null);
    const out = {};
    for (const key of Object.keys(value)) {
      const v = copy(value[key], depth + 1);
      if (v !== undefined) out[key] = v;
    }
    return out;
  };
  class Answer {
    constructor(owner) {
      this.owner = owner;
    }
    heard() {
      this.owner.delivered++;
    }
  }
  class Klaviyo {
    constructor() {
      this.delivered = 0;
      this.seen = '';
      this.named = {};
    }
    init() {}
    identifiers(message) {
      const traits = message.context?.traits ?? {};
      const seen = `${traits.email}\u0000${traits.phone}\u0000${message.userId}`;
      if (seen !== this.seen) {
        this.seen = seen;
        this.named = { email: traits.email, phone_number: traits.phone, external_id: message.userId };
      }
      return this.named;
    }
    track({ message }) {
      if (!message || typeof message.event !== 'string' || !message.event) return;
      const properties = copy(message.properties ?? {}, 0);
      if (typeof properties.revenue === 'number') {
        properties.$value = properties.revenue;
        delete properties.revenue;
      }
      properties.$event_id = message.messageId;
      this.identifiers(message);
      const answer = new Answer(this);
      window.klaviyo.push(['track', message.event, properties, () => answer.heard()]);
    }
  }
  return { Klaviyo };
}
