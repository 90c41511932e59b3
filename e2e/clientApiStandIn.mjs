/**
 * A stand-in for Klaviyo's Client API (https://a.klaviyo.com/client/*), answering Playwright-routed
 * requests as Klaviyo documents it (klaviyo/openapi, stable revision 2026-07-15): `company_id` a
 * 6-character public key, a `revision` header, JSON:API bodies whose `data.type` matches the
 * endpoint and that carry the required fields, 202 when taken, 400 with JSON:API errors otherwise,
 * 429 with `Retry-After` or 5xx on demand. It keeps what it took, and counts events the way Klaviyo
 * does: one per `unique_id`.
 */
import { eventProblem } from './klaviyoServerApi.mjs';

const TYPES = { events: 'event', profiles: 'profile', subscriptions: 'subscription' };
const IDENTIFIERS = ['email', 'phone_number', 'external_id', '_kx', 'anonymous_id'];

export function createClientApiStandIn() {
  const requests = [];
  let fault = { status: 0, times: 0, retryAfter: undefined };
  const cors = {
    'access-control-allow-origin': '*',
    'access-control-allow-headers': 'content-type, accept, revision',
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
    if (path === 'events') {
      const problem = eventProblem(a, a.profile?.data?.attributes);
      if (problem) return problem;
    }
    if (path === 'profiles' && !IDENTIFIERS.some((k) => a[k])) return 'a profile needs an identifier';
    if (path === 'subscriptions') {
      if (!data.relationships?.list?.data?.id) return 'a list is required';
      const p = a.profile?.data?.attributes ?? {};
      if (!p.email && !p.phone_number) return 'a subscription needs an email or a phone number';
    }
    return undefined;
  }

  return {
    requests,
    taken: (path) => requests.filter((r) => r.path === path && r.status === 202).map((r) => r.body),
    fail(status, times, retryAfter) {
      fault = { status, times, retryAfter };
    },
    answer(method, rawUrl, headers, text) {
      if (method === 'OPTIONS') return { status: 204, headers: cors, body: '' };
      const url = new URL(rawUrl);
      const path = url.pathname.replace(/^\/client\//, '');
      let body;
      try {
        body = JSON.parse(text ?? '');
      } catch {
        body = undefined;
      }
      const record = (a) => (requests.push({ path, status: a.status, body }), a);
      if (method !== 'POST' || !(path in TYPES)) return record(reply(404, 'no such endpoint'));
      if (fault.times > 0) {
        fault.times -= 1;
        const extra = fault.retryAfter ? { 'retry-after': fault.retryAfter } : {};
        return record(reply(fault.status, 'injected fault', extra));
      }
      const problem = check(path, url, headers, body);
      return record(problem ? reply(400, problem) : reply(202));
    },
  };
}
