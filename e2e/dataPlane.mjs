// A local RudderStack data plane for the e2e suite and the demo (node:http on 127.0.0.1).
// It enforces the real gateway's rules (rudderlabs/rudder-server, gateway): Basic auth with the
// source write key (or ?writeKey= on the beacon path), valid JSON, a non-empty batch, every message
// with a userId or an anonymousId (one bad message rejects the whole batch), 413 over 4000 KB.
// Single-message endpoints /v1/<type> are accepted too (RudderStack's SDK uses them by default).
// It can be told to fail: '500', '429', 'hang' (never answers) or 'reset' (drops the connection).
import { createServer } from 'node:http';

export const MAX_REQUEST_BYTES = 4000 * 1024;

/**
 * Start a data plane accepting `writeKey`. Returns its URL, what it received (each message with
 * `via: 'batch' | 'beacon'`), every request's outcome, `fail(mode, times)` and `close()`.
 */
export async function startDataPlane({ port = 0, writeKey = 'e2e-write-key', log = false } = {}) {
  const received = [];
  const requests = [];
  /**
   * Every request as it arrived, before it was answered (a slow failure is under way meanwhile), with
   * the messageIds it carried.
   */
  const arrived = [];
  const hanging = new Set();
  let fault = { mode: 'ok', times: 0 };

  const cors = (req) => ({
    'access-control-allow-origin': req.headers.origin ?? '*',
    'access-control-allow-credentials': 'true',
    'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
    'access-control-allow-methods': 'POST, GET, OPTIONS',
    'access-control-max-age': '900',
  });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const answer = (status, text, extra = {}) => {
      requests.push({ path: url.pathname, status, at: Date.now() });
      if (log) console.log(`data plane: ${req.method} ${url.pathname} → ${status}`);
      res.writeHead(status, { 'content-type': 'text/plain', ...cors(req), ...extra }).end(text);
    };
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors(req)).end();
    if (req.method === 'GET' && url.pathname === '/__received') {
      return void res
        .writeHead(200, { 'content-type': 'application/json', ...cors(req) })
        .end(JSON.stringify(received));
    }
    const single = /^\/v1\/(identify|track|page|screen|group|alias)$/.exec(url.pathname)?.[1];
    const via =
      url.pathname === '/v1/batch'
        ? 'batch'
        : url.pathname === '/beacon/v1/batch'
          ? 'beacon'
          : single
            ? 'single'
            : undefined;
    if (req.method !== 'POST' || !via) return answer(404, 'not found');

    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      // Parsed once: for what arrived, then for the answer (413 and 400 keep their order below).
      let body;
      let json = true;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        json = false;
      }
      arrived.push({ path: url.pathname, at: Date.now(), ids: json ? messageIdsOf(body) : [] });
      if (fault.times > 0) {
        fault.times -= 1;
        if (fault.mode === 'hang') {
          requests.push({ path: url.pathname, status: 'hang' });
          hanging.add(res);
          return;
        }
        if (fault.mode === 'reset') {
          requests.push({ path: url.pathname, status: 'reset' });
          req.socket.destroy();
          return;
        }
        const { mode, retryAfter, delayMs } = fault;
        const reply = () =>
          answer(
            Number(mode),
            mode === '429' ? 'max requests limit reached' : 'internal server error',
            retryAfter ? { 'retry-after': retryAfter, 'access-control-expose-headers': 'retry-after' } : {},
          );
        if (delayMs) setTimeout(reply, delayMs);
        else reply();
        return;
      }
      const key = via === 'beacon' ? url.searchParams.get('writeKey') : basicUser(req.headers.authorization);
      if (!key)
        return answer(
          401,
          via === 'beacon' ? 'failed to read writekey from query params' : 'failed to read writekey from header',
        );
      if (key !== writeKey) return answer(401, 'invalid write key');
      if (size > MAX_REQUEST_BYTES) return answer(413, 'request size exceeds max limit');
      if (!json) return answer(400, 'invalid json');
      // /v1/<type> takes one message and sets its type from the path, as the gateway does.
      const batch = single ? [{ ...body, type: single }] : Array.isArray(body?.batch) ? body.batch : undefined;
      if (!batch || batch.length === 0) return answer(400, 'empty batch payload');
      const identified = (m) =>
        [m?.userId, m?.anonymousId].some((v) =>
          typeof v === 'string' ? v.trim() !== '' : v !== undefined && v !== null && v !== '',
        );
      if (!batch.every(identified)) return answer(400, 'request neither has anonymousId nor userId');
      for (const message of batch) received.push({ ...message, via });
      answer(200, 'ok');
    });
  });

  await new Promise((done) => server.listen(port, '127.0.0.1', done));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${address.port}`,
    writeKey,
    received,
    requests,
    arrived,
    /**
     * The next `times` requests fail with `mode`: '500', '503', '429', 'hang' or 'reset'; 'ok' clears.
     * `retryAfter` adds that header to a 429/503/500; `delayMs` answers that much later (a slow failure).
     */
    fail(mode, times = Infinity, { retryAfter = undefined, delayMs = 0 } = {}) {
      fault = { mode, times: mode === 'ok' ? 0 : times, retryAfter, delayMs };
    },
    /** Answer every hanging request with 500 (as a gateway timing out would). */
    releaseHanging() {
      for (const res of hanging) res.writeHead(500).end('timeout');
      hanging.clear();
    },
    close() {
      for (const res of hanging) res.destroy();
      hanging.clear();
      server.closeAllConnections?.();
      return new Promise((done) => server.close(() => done()));
    },
  };
}

function basicUser(header) {
  const match = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const user = decoded.split(':')[0];
  return user || undefined;
}

/** The messageIds a request's body carries (a batch's, or a single message's). */
function messageIdsOf(body) {
  return (Array.isArray(body?.batch) ? body.batch : [body]).map((m) => m?.messageId).filter(Boolean);
}
