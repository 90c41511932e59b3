// A local stand-in for Klaviyo's server API (https://a.klaviyo.com/api/*) on 127.0.0.1, for the cloud
// endpoint's tests, its benchmark and the demo. It enforces what Klaviyo enforces (klaviyo/openapi,
// stable revision 2026-07-15): `Authorization: Klaviyo-API-Key <private key>` (401 without a key, 403
// for another one), a `revision` header, a JSON body whose `data.type` matches the endpoint, and the
// required fields. It answers as Klaviyo does: 202 for events, event and subscription jobs, 201 with a
// profile id for profile-import, 400 with JSON:API errors. It can be told to answer 429 with
// `Retry-After`, 5xx, or to take `latencyMs` per request. It counts events as Klaviyo keeps them: one
// per profile, metric and `unique_id`.
import { createServer } from 'node:http';
import { createKlaviyoAccount } from './klaviyoAccount.mjs';

export const STAND_IN_PRIVATE_KEY = 'pk_standin0000000000000000000000000';

const TYPES = {
  '/api/events': 'event',
  '/api/event-bulk-create-jobs': 'event-bulk-create-job',
  '/api/profile-import': 'profile',
  '/api/profile-subscription-bulk-create-jobs': 'profile-subscription-bulk-create-job',
};
const IDENTIFIERS = ['email', 'phone_number', 'external_id', '_kx', 'anonymous_id'];
const MAX_PAYLOAD_BYTES = 5 * 1024 * 1024;
const MAX_BULK_EVENTS = 1000;

/**
 * Why Klaviyo would refuse one event's attributes (with its profile), or undefined: the same rules for
 * the server API and the Client API (clientApiStandIn.mjs), whose event bodies are the same.
 */
export function eventProblem(a, profile) {
  if (typeof a?.properties !== 'object' || a.properties === null) return 'properties is required';
  if (typeof a.metric?.data?.attributes?.name !== 'string' || a.metric.data.attributes.name === '')
    return 'metric name is required';
  if (!IDENTIFIERS.some((k) => profile?.[k])) return 'the profile needs an identifier';
  if (a.value !== undefined && typeof a.value !== 'number') return 'value must be a number';
  if (a.time !== undefined && Number.isNaN(Date.parse(a.time))) return 'time must be an ISO 8601 date-time';
  if (Object.keys(a.properties).length > 400) return 'an event has at most 400 properties';
  return undefined;
}

function check(path, body) {
  const data = body?.data;
  if (data?.type !== TYPES[path]) return `data.type must be '${TYPES[path]}'`;
  const a = data.attributes ?? {};
  if (path === '/api/events') return eventProblem(a, a.profile?.data?.attributes);
  if (path === '/api/profile-import') {
    return IDENTIFIERS.slice(0, 4).some((k) => a[k]) ? undefined : 'a profile needs an identifier';
  }
  if (path === '/api/event-bulk-create-jobs') {
    const entries = a['events-bulk-create']?.data;
    if (!Array.isArray(entries) || entries.length === 0) return 'events-bulk-create.data is required';
    let count = 0;
    for (const entry of entries) {
      if (entry?.type !== 'event-bulk-create') return "each entry's type must be 'event-bulk-create'";
      const profile = entry.attributes?.profile?.data?.attributes;
      const events = entry.attributes?.events?.data;
      if (!Array.isArray(events) || events.length === 0) return 'each entry needs events';
      for (const event of events) {
        if (event?.type !== 'event') return "each event's type must be 'event'";
        const problem = eventProblem(event.attributes, profile);
        if (problem) return problem;
      }
      count += events.length;
    }
    return count > MAX_BULK_EVENTS ? `a job holds at most ${MAX_BULK_EVENTS} events` : undefined;
  }
  if (!data.relationships?.list?.data?.id) return 'a list is required';
  const profiles = a.profiles?.data;
  if (!Array.isArray(profiles) || profiles.length === 0) return 'profiles.data is required';
  for (const p of profiles) {
    if (!p?.attributes?.email && !p?.attributes?.phone_number) return 'a subscription needs an email or a phone number';
    if ('external_id' in (p.attributes ?? {})) return 'external_id is not accepted on a subscription';
  }
  return undefined;
}

/**
 * Start the stand-in. `keep: false` counts without keeping bodies (for the benchmark); `account` is
 * the Klaviyo account model events land in (klaviyoAccount.mjs: share one with the Client API
 * stand-in to see every path in one place). Returns its
 * URL, `requests` (path, status, body, at), `events()` (every event taken, with its profile),
 * `unique()` (events counted as Klaviyo keeps them), `fail(status, times, retryAfter)`,
 * `setLatency(ms)` and `close()`.
 */
export async function startKlaviyoServerApi({
  port = 0,
  privateApiKey = STAND_IN_PRIVATE_KEY,
  latencyMs = 0,
  keep = true,
  log = false,
  account = keep ? createKlaviyoAccount() : undefined,
} = {}) {
  const requests = [];
  const events = [];
  const kept = new Set();
  let counts = { requests: 0, events: 0 };
  let fault = { status: 0, times: 0, retryAfter: undefined };
  let latency = latencyMs;
  let profileIds = 0;

  const take = (profile, attributes) => {
    counts.events += 1;
    const key = JSON.stringify([
      profile.email ?? profile.phone_number ?? profile.external_id ?? profile._kx,
      attributes.metric.data.attributes.name,
      attributes.unique_id ?? `${attributes.time}`,
    ]);
    kept.add(key);
    if (keep) events.push({ profile, ...attributes });
    account?.record({ profile, event: attributes, via: 'server', path: 'server' });
  };

  const server = createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      const answer = (status, payload, extra = {}) => {
        counts.requests += 1;
        if (keep) requests.push({ path, status, body, at: Date.now() });
        if (log) console.log(`klaviyo stand-in: ${req.method} ${path} → ${status}`);
        const send = () =>
          res
            .writeHead(status, { 'content-type': 'application/vnd.api+json', ...extra })
            .end(payload === undefined ? '' : JSON.stringify(payload));
        if (latency > 0) setTimeout(send, latency);
        else send();
      };
      const error = (status, code, detail, extra) =>
        answer(status, { errors: [{ status: String(status), code, title: code, detail }] }, extra);

      if (req.method !== 'POST' || !(path in TYPES)) return error(404, 'not_found', 'no such endpoint');
      const auth = /^Klaviyo-API-Key (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!auth) return error(401, 'not_authenticated', 'Authentication credentials were not provided.');
      if (auth !== privateApiKey) return error(403, 'permission_denied', 'Incorrect authentication credentials.');
      if (!/^\d{4}-\d{2}-\d{2}(\.pre)?$/.test(req.headers.revision ?? '')) {
        return error(400, 'invalid', 'The revision header is missing or invalid.');
      }
      if (!/json/.test(req.headers['content-type'] ?? '')) return error(415, 'unsupported_media_type', 'JSON only');
      if (size > MAX_PAYLOAD_BYTES) return error(413, 'payload_too_large', 'The payload is over 5 MB.');
      if (fault.times > 0) {
        fault.times -= 1;
        const extra = fault.retryAfter ? { 'retry-after': fault.retryAfter } : {};
        return error(fault.status, fault.status === 429 ? 'throttled' : 'error', 'injected fault', extra);
      }
      const problem = body === undefined ? 'The body is not JSON.' : check(path, body);
      if (problem) return error(400, 'invalid', problem);

      const a = body.data.attributes;
      if (path === '/api/events') take(a.profile.data.attributes, a);
      if (path === '/api/event-bulk-create-jobs') {
        for (const entry of a['events-bulk-create'].data) {
          for (const event of entry.attributes.events.data)
            take(entry.attributes.profile.data.attributes, event.attributes);
        }
      }
      if (path === '/api/profile-import') {
        return answer(201, { data: { type: 'profile', id: `01STANDIN${++profileIds}`, attributes: a } });
      }
      if (path === '/api/event-bulk-create-jobs' || path === '/api/profile-subscription-bulk-create-jobs') {
        return answer(202, { data: { type: TYPES[path], id: `job-${counts.requests}` } });
      }
      return answer(202);
    });
  });

  await new Promise((done) => server.listen(port, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /** The Klaviyo account events land in (shared with the Client API stand-in when given). */
    account,
    privateApiKey,
    requests,
    /** Every event taken (bulk or single), flattened, with its `profile`. */
    events: () => events,
    /** How many events Klaviyo would keep: one per profile, metric and unique_id. */
    unique: () => kept.size,
    counts: () => ({ ...counts }),
    /** The next `times` requests answer `status` (with `Retry-After` when given). */
    fail(status, times = Infinity, retryAfter = undefined) {
      fault = { status, times, retryAfter };
    },
    setLatency(ms) {
      latency = ms;
    },
    reset() {
      requests.length = 0;
      events.length = 0;
      kept.clear();
      counts = { requests: 0, events: 0 };
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((done) => server.close(() => done()));
    },
  };
}
