/**
 * A stand-in for Klaviyo's Client API (https://a.klaviyo.com/client/*), answering requests as Klaviyo
 * documents it (klaviyo/openapi, stable revision 2026-07-15) and as klaviyo.js uses it: `company_id` a
 * 6-character public key, a `revision` header, JSON:API bodies whose `data.type` matches the endpoint
 * and that carry the required fields; 202 when taken, 400 with JSON:API errors otherwise, 429 with
 * `Retry-After` or 5xx on demand. Endpoints: `events`, `profiles` (answered with the profile's
 * exchange id in `meta.exchange_id`, which klaviyo.js keeps in its cookie), `subscriptions`, and
 * `event-bulk-create` (one profile's events: what klaviyo.js sends when it flushes its
 * pre-identification cache). Paths with or without klaviyo.js's trailing slash.
 *
 * Events land in a Klaviyo account model (klaviyoAccount.mjs) shared with the server-API stand-in:
 * each on the profile its identifiers name, kept once per `unique_id`. Each request records who sent
 * it: `klaviyo.js` (its `X-Klaviyo-Onsite: 1` header) or `client-api` (our Client API rung).
 */
import { eventProblem } from './klaviyoServerApi.mjs';
import { createKlaviyoAccount } from './klaviyoAccount.mjs';

const TYPES = {
  events: 'event',
  profiles: 'profile',
  subscriptions: 'subscription',
  'event-bulk-create': 'event-bulk-create',
};
const IDENTIFIERS = ['email', 'phone_number', 'external_id', '_kx', 'anonymous_id'];

export function createClientApiStandIn({ account = createKlaviyoAccount() } = {}) {
  const requests = [];
  let fault = { status: 0, times: 0, retryAfter: undefined };
  const cors = {
    'access-control-allow-origin': '*',
    'access-control-allow-headers': 'content-type, accept, revision, x-klaviyo-onsite, x-klaviyo-js-url',
    'access-control-allow-methods': 'POST, OPTIONS',
  };
  const reply = (status, detail, extra = {}) => ({
    status,
    headers: { ...cors, 'content-type': 'application/vnd.api+json', ...extra },
    body: detail ? JSON.stringify({ errors: [{ status: String(status), code: 'invalid', detail }] }) : '',
  });

  function check(path, url, headers, body) {
    if (!/^[A-Za-z0-9]{6}$/.test(url.searchParams.get('company_id') ?? '')) return 'company_id is not a public key';
    if (!/^\d{4}-\d{2}-\d{2}(\.pre)?$/.test(headers['revision'] ?? '')) return 'revision header missing or invalid';
    if (!/json/.test(headers['content-type'] ?? '')) return 'content-type must be JSON';
    const data = body?.data;
    if (data?.type !== TYPES[path]) return `data.type must be '${TYPES[path]}'`;
    const a = data.attributes ?? {};
    if (path === 'events') return eventProblem(a, a.profile?.data?.attributes);
    if (path === 'profiles' && !IDENTIFIERS.some((k) => a[k])) return 'a profile needs an identifier';
    if (path === 'event-bulk-create') {
      const events = a.events?.data;
      if (!Array.isArray(events) || !events.length) return 'events.data is required';
      for (const event of events) {
        const problem = eventProblem(event?.attributes, a.profile?.data?.attributes);
        if (problem) return problem;
      }
    }
    if (path === 'subscriptions') {
      if (!data.relationships?.list?.data?.id) return 'a list is required';
      const p = a.profile?.data?.attributes ?? {};
      if (!p.email && !p.phone_number) return 'a subscription needs an email or a phone number';
    }
    return undefined;
  }

  /** Klaviyo's work for a request it took: events on their profile, a profile and its exchange id. */
  function take(path, body, via) {
    const a = body.data.attributes;
    if (path === 'events') {
      const { profile, ...event } = a;
      account.record({ profile: profile.data.attributes, event, via, path });
    }
    if (path === 'event-bulk-create') {
      for (const event of a.events.data) {
        account.record({ profile: a.profile.data.attributes, event: event.attributes, via, path });
      }
    }
    if (path === 'profiles') {
      const profile = account.resolve(a);
      return { data: { type: 'profile', id: profile.id }, meta: { exchange_id: account.exchangeIdFor(profile) } };
    }
    if (path === 'subscriptions') account.resolve(a.profile.data.attributes);
    return undefined;
  }

  return {
    account,
    requests,
    /** Bodies of the requests `via` (default: our Client API rung) took on `path`. */
    taken: (path, via = 'client-api') =>
      requests.filter((r) => r.path === path && r.status === 202 && r.via === via).map((r) => r.body),
    fail(status, times, retryAfter) {
      fault = { status, times, retryAfter };
    },
    answer(method, rawUrl, headers, text) {
      if (method === 'OPTIONS') return { status: 204, headers: cors, body: '' };
      const url = new URL(rawUrl);
      const path = url.pathname.replace(/^\/client\//, '').replace(/\/$/, '');
      const via = String(headers['x-klaviyo-onsite'] ?? '') === '1' ? 'klaviyo.js' : 'client-api';
      let body;
      try {
        body = JSON.parse(text ?? '');
      } catch {
        body = undefined;
      }
      const record = (a) => (requests.push({ path, status: a.status, body, via }), a);
      if (method !== 'POST' || !(path in TYPES)) return record(reply(404, 'no such endpoint'));
      if (fault.times > 0) {
        fault.times -= 1;
        const extra = fault.retryAfter ? { 'retry-after': fault.retryAfter } : {};
        return record(reply(fault.status, 'injected fault', extra));
      }
      const problem = check(path, url, headers, body);
      if (problem) return record(reply(400, problem));
      const answer = take(path, body, via);
      return record(answer ? { ...reply(202), body: JSON.stringify(answer) } : reply(202));
    },
  };
}
