// A local stand-in for Klaviyo's server API (https://a.klaviyo.com/api/*) on 127.0.0.1, for the cloud
// endpoint's tests, its benchmark and the demo. It enforces what Klaviyo enforces (klaviyo/openapi,
// stable revision 2026-07-15, and its rate-limit documentation):
// - `Authorization: Klaviyo-API-Key <private key>` (401 without a key, 403 for another one), a
//   `revision` header, a JSON body whose `data.type` matches the endpoint, the required fields;
// - per endpoint, account-wide limits in fixed 1 s and 60 s windows (event and profile bulk jobs
//   10/s and 150/min, subscription jobs 75/s and 750/min, single events 350/s and 3,500/min, profile
//   import 75/s and 750/min): over either, 429 with `Retry-After` (whole seconds to the window's end)
//   and the `throttled` error ("Expected available in N seconds");
// - a bulk job with bad entries is refused whole (400), with one error per bad entry pointing at it
//   (`/data/attributes/events-bulk-create/data/<i>`, `/data/attributes/profiles/data/<i>`); a job with
//   two events of the same profile, metric and `unique_id` fails whole; at most 1,000 events per
//   event job, 10,000 profiles per import job, 1,000 per subscription job, 5 MB a body.
// It answers 202 for events and jobs, 201 with a profile id for profile-import. It can be told to
// answer 429 with `Retry-After`, 5xx, or to take `latencyMs` per request. Events land in a Klaviyo
// account model (klaviyoAccount.mjs), kept one per profile, metric and `unique_id`.
import { createServer } from 'node:http';
import { createKlaviyoAccount } from './klaviyoAccount.mjs';

export const STAND_IN_PRIVATE_KEY = 'pk_standin0000000000000000000000000';

const TYPES = {
  '/api/events': 'event',
  '/api/event-bulk-create-jobs': 'event-bulk-create-job',
  '/api/profile-import': 'profile',
  '/api/profile-bulk-import-jobs': 'profile-bulk-import-job',
  '/api/profile-subscription-bulk-create-jobs': 'profile-subscription-bulk-create-job',
};
/** Klaviyo's documented limits per endpoint: [per second, per minute]. */
export const LIMITS = {
  '/api/events': [350, 3500],
  '/api/event-bulk-create-jobs': [10, 150],
  '/api/profile-import': [75, 750],
  '/api/profile-bulk-import-jobs': [10, 150],
  '/api/profile-subscription-bulk-create-jobs': [75, 750],
};
const IDENTIFIERS = ['email', 'phone_number', 'external_id', '_kx', 'anonymous_id'];
const MAX_PAYLOAD_BYTES = 5 * 1024 * 1024;
const MAX_BULK_EVENTS = 1000;
const MAX_IMPORT_PROFILES = 10_000;
const MAX_SUBSCRIPTION_PROFILES = 1000;

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

const profileKey = (p) => p?.email ?? p?.phone_number ?? p?.external_id ?? p?._kx;

/** What is wrong with a body: a string (the whole body), a list of `{ pointer, detail }` (entries), or nothing. */
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
    const errors = [];
    const seen = new Set();
    let count = 0;
    entries.forEach((entry, i) => {
      const at = `/data/attributes/events-bulk-create/data/${i}`;
      const profile = entry?.attributes?.profile?.data?.attributes;
      const events = entry?.attributes?.events?.data;
      if (entry?.type !== 'event-bulk-create')
        return errors.push({ pointer: at, detail: "type must be 'event-bulk-create'" });
      if (!Array.isArray(events) || events.length === 0)
        return errors.push({ pointer: at, detail: 'events are required' });
      events.forEach((event, j) => {
        const problem = event?.type !== 'event' ? "type must be 'event'" : eventProblem(event.attributes, profile);
        if (problem) errors.push({ pointer: `${at}/attributes/events/data/${j}`, detail: problem });
        const key = JSON.stringify([
          profileKey(profile),
          event?.attributes?.metric?.data?.attributes?.name,
          event?.attributes?.unique_id,
        ]);
        if (event?.attributes?.unique_id !== undefined && seen.has(key))
          errors.push({
            pointer: `${at}/attributes/events/data/${j}`,
            detail: 'a unique_id is repeated for the same profile and metric: no events were processed',
          });
        seen.add(key);
      });
      count += events.length;
    });
    if (count > MAX_BULK_EVENTS) return `a job holds at most ${MAX_BULK_EVENTS} events`;
    return errors.length ? errors : undefined;
  }
  const profiles = a.profiles?.data;
  if (!Array.isArray(profiles) || profiles.length === 0) return 'profiles.data is required';
  if (path === '/api/profile-bulk-import-jobs') {
    if (profiles.length > MAX_IMPORT_PROFILES) return `a job holds at most ${MAX_IMPORT_PROFILES} profiles`;
    const errors = [];
    profiles.forEach((p, i) => {
      if (!IDENTIFIERS.slice(0, 4).some((k) => p?.attributes?.[k]))
        errors.push({ pointer: `/data/attributes/profiles/data/${i}`, detail: 'a profile needs an identifier' });
    });
    return errors.length ? errors : undefined;
  }
  if (!data.relationships?.list?.data?.id) return 'a list is required';
  if (profiles.length > MAX_SUBSCRIPTION_PROFILES) return `a job holds at most ${MAX_SUBSCRIPTION_PROFILES} profiles`;
  const errors = [];
  profiles.forEach((p, i) => {
    const at = `/data/attributes/profiles/data/${i}`;
    if (!p?.attributes?.email && !p?.attributes?.phone_number)
      errors.push({ pointer: at, detail: 'a subscription needs an email or a phone number' });
    else if ('external_id' in (p.attributes ?? {}))
      errors.push({ pointer: at, detail: 'external_id is not accepted on a subscription' });
  });
  return errors.length ? errors : undefined;
}

/**
 * Start the stand-in. `keep: false` counts without keeping bodies (for the benchmark); `account` is
 * the Klaviyo account model events land in (klaviyoAccount.mjs: share one with the Client API
 * stand-in to see every path in one place); `limits: false` turns Klaviyo's rate limits off;
 * `onEvent(attributes)` is called for each event Klaviyo keeps (the benchmark's latency). Returns
 * its URL, `requests` (path, status, body, at), `events()` (every event taken, with its profile),
 * `unique()` (events counted as Klaviyo keeps them), `counts()`, `fail(status, times, retryAfter, path)`,
 * `setLatency(ms)`, `reset()` and `close()`.
 */
export async function startKlaviyoServerApi({
  port = 0,
  privateApiKey = STAND_IN_PRIVATE_KEY,
  latencyMs = 0,
  keep = true,
  log = false,
  limits = true,
  account = keep ? createKlaviyoAccount() : undefined,
  onEvent = undefined,
} = {}) {
  const requests = [];
  const events = [];
  const kept = new Set();
  let counts = { requests: 0, events: 0, throttled: 0, byPath: {} };
  let fault = { status: 0, times: 0, retryAfter: undefined, path: undefined };
  let latency = latencyMs;
  let profileIds = 0;
  /** Requests per endpoint in the current 1 s and 60 s windows: path → [second, count, minute, count]. */
  const windows = new Map();

  /** Over a limit: the seconds until the window that is full ends; else counts the request and returns 0. */
  const throttle = (path) => {
    if (!limits) return 0;
    const now = Date.now();
    const second = Math.floor(now / 1000);
    const minute = Math.floor(now / 60_000);
    const w = windows.get(path) ?? [second, 0, minute, 0];
    if (w[0] !== second) w.splice(0, 2, second, 0);
    if (w[2] !== minute) w.splice(2, 2, minute, 0);
    windows.set(path, w);
    const [perSecond, perMinute] = LIMITS[path];
    if (w[3] >= perMinute) return Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000));
    if (w[1] >= perSecond) return 1;
    w[1] += 1;
    w[3] += 1;
    return 0;
  };

  const take = (profile, attributes) => {
    counts.events += 1;
    const key = JSON.stringify([
      profileKey(profile),
      attributes.metric.data.attributes.name,
      attributes.unique_id ?? `${attributes.time}`,
    ]);
    if (!kept.has(key)) onEvent?.(attributes);
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
        counts.byPath[path] = (counts.byPath[path] ?? 0) + 1;
        if (status === 429) counts.throttled += 1;
        if (keep) requests.push({ path, status, body, at: Date.now() });
        if (log) console.log(`klaviyo stand-in: ${req.method} ${path} → ${status}`);
        const send = () =>
          res
            .writeHead(status, { 'content-type': 'application/vnd.api+json', ...extra })
            .end(payload === undefined ? '' : JSON.stringify(payload));
        if (latency > 0) setTimeout(send, latency);
        else send();
      };
      const errors = (status, code, list, extra) =>
        answer(
          status,
          {
            errors: list.map((e) => ({
              status: String(status),
              code,
              title: code,
              detail: e.detail,
              source: { pointer: e.pointer ?? '/data' },
            })),
          },
          extra,
        );
      const error = (status, code, detail, extra) => errors(status, code, [{ detail }], extra);

      if (req.method !== 'POST' || !(path in TYPES)) return error(404, 'not_found', 'no such endpoint');
      const auth = /^Klaviyo-API-Key (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!auth) return error(401, 'not_authenticated', 'Authentication credentials were not provided.');
      if (auth !== privateApiKey) return error(403, 'permission_denied', 'Incorrect authentication credentials.');
      const wait = throttle(path);
      if (wait) {
        return error(
          429,
          'throttled',
          `Request was throttled. Expected available in ${wait} second${wait === 1 ? '' : 's'}.`,
          {
            'retry-after': String(wait),
          },
        );
      }
      if (!/^\d{4}-\d{2}-\d{2}(\.pre)?$/.test(req.headers.revision ?? '')) {
        return error(400, 'invalid', 'The revision header is missing or invalid.');
      }
      if (!/json/.test(req.headers['content-type'] ?? '')) return error(415, 'unsupported_media_type', 'JSON only');
      if (size > MAX_PAYLOAD_BYTES) return error(413, 'payload_too_large', 'The payload is over 5 MB.');
      if (fault.times > 0 && (!fault.path || fault.path === path)) {
        fault.times -= 1;
        const extra = fault.retryAfter ? { 'retry-after': fault.retryAfter } : {};
        return error(fault.status, fault.status === 429 ? 'throttled' : 'error', 'injected fault', extra);
      }
      const problem = body === undefined ? 'The body is not JSON.' : check(path, body);
      if (typeof problem === 'string') return error(400, 'invalid', problem);
      if (problem) return errors(400, 'invalid', problem);

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
      if (path === '/api/profile-bulk-import-jobs') for (const p of a.profiles.data) account?.resolve(p.attributes);
      if (path !== '/api/events') return answer(202, { data: { type: TYPES[path], id: `job-${counts.requests}` } });
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
    counts: () => ({ ...counts, byPath: { ...counts.byPath } }),
    /** The next `times` requests (to `path` only, when given) answer `status` (with `Retry-After` when given). */
    fail(status, times = Infinity, retryAfter = undefined, path = undefined) {
      fault = { status, times, retryAfter, path };
    },
    setLatency(ms) {
      latency = ms;
    },
    reset() {
      requests.length = 0;
      events.length = 0;
      kept.clear();
      windows.clear();
      counts = { requests: 0, events: 0, throttled: 0, byPath: {} };
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((done) => server.close(() => done()));
    },
  };
}
