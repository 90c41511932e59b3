// One Klaviyo account as its stand-ins see it: profiles, the identifiers that find them, exchange ids
// (`_kx`), and the events Klaviyo keeps. The Client API stand-in (what klaviyo.js and our Client API
// rung send), the server-API stand-in (what our endpoint sends) and the tests share one account, so a
// test can ask where each event landed, whichever path brought it.
//
// Profile resolution follows what Klaviyo documents and what its public-key endpoints are known to do:
// an exchange id names one profile; otherwise the first profile found by email, phone number, external
// id or anonymous id, else a new profile. Identifiers a request carries are added to that profile when
// it has none of that kind; an existing identifier is never changed (a public-key request that tries
// is still answered 202: the failure is silent, as on Klaviyo). Events are kept one per profile, metric
// and `unique_id`; without a `unique_id` the key is the event's time to the second.

const LOOKUP = ['email', 'phone_number', 'external_id', 'anonymous_id'];

export function createKlaviyoAccount({ companyId = 'AbC123' } = {}) {
  const profiles = [];
  const byExchangeId = new Map();
  const events = [];
  const kept = new Set();
  /** Requests whose identifiers named another profile than the one they landed on. */
  const conflicts = [];

  const find = (attributes) => {
    const kx = attributes?._kx;
    if (typeof kx === 'string' && byExchangeId.has(kx)) return byExchangeId.get(kx);
    for (const key of LOOKUP) {
      const value = attributes?.[key];
      if (!value) continue;
      const found = profiles.find((p) => p[key] === value);
      if (found) return found;
    }
    return undefined;
  };

  const account = {
    companyId,
    profiles,
    conflicts,
    /** The profile these identifiers name (created when none does and `create` is not false). */
    resolve(attributes, { create = true } = {}) {
      let profile = find(attributes);
      if (!profile) {
        const hasIdentifier = LOOKUP.some((k) => attributes?.[k]);
        if (!create || !hasIdentifier) return undefined;
        profile = { id: `01PROFILE${profiles.length + 1}` };
        profiles.push(profile);
      }
      for (const key of LOOKUP) {
        const value = attributes?.[key];
        if (!value || profile[key] === value) continue;
        const owner = profiles.find((p) => p !== profile && p[key] === value);
        if (profile[key] === undefined && !owner) profile[key] = value;
        else conflicts.push({ profile: profile.id, key, value });
      }
      return profile;
    },
    /** The profile of an email (or other identifier), without creating one. */
    profileOf(attributes) {
      return find(attributes);
    },
    /** Klaviyo's exchange id for a profile (`<token>.<company>`), as a Klaviyo email link carries it. */
    exchangeIdFor(profile) {
      const existing = [...byExchangeId.entries()].find(([, p]) => p === profile)?.[0];
      if (existing) return existing;
      const token = Buffer.from(`standin:${profile.id}`).toString('base64').replace(/=+$/, '');
      const kx = `${token}.${companyId}`;
      byExchangeId.set(kx, profile);
      return kx;
    },
    /**
     * Record one event as Klaviyo would: on the profile its identifiers name, kept once per (profile,
     * metric, unique_id). `via` says who sent it (`klaviyo.js`, `client-api`, `server`) and `path` how.
     * Returns the stored event, with `kept: false` when Klaviyo would not keep it (a repeat).
     */
    record({ profile: attributes, event, via, path }) {
      const profile = account.resolve(attributes);
      const metric = event.metric?.data?.attributes?.name;
      const time = event.time ? new Date(event.time) : new Date();
      const key = JSON.stringify([profile?.id, metric, event.unique_id ?? `t:${Math.floor(time.getTime() / 1000)}`]);
      const isNew = !kept.has(key);
      kept.add(key);
      const stored = {
        profileId: profile?.id,
        metric,
        uniqueId: event.unique_id,
        /** The dedupe key a test counts by: `unique_id`, else the `$event_id` left in the properties. */
        dedupeKey: event.unique_id ?? event.properties?.$event_id,
        time: event.time,
        value: event.value,
        properties: event.properties,
        via,
        path,
        kept: isNew,
      };
      events.push(stored);
      return stored;
    },
    /** Every event received, kept or not. */
    events: () => events,
    /** The events Klaviyo keeps (one per profile, metric and unique_id). */
    kept: () => events.filter((e) => e.kept),
    reset() {
      profiles.length = 0;
      byExchangeId.clear();
      events.length = 0;
      kept.clear();
      conflicts.length = 0;
    },
  };
  return account;
}
