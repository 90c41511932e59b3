import { createLogger } from '../logger/createLogger.js';
import { installMessages } from '../logger/messages.js';
import type { RudderMessage } from '../mapping/types.js';
import type { CloudEndpointOptions } from './CloudEndpointOptions.js';
import { engineFor } from './delivery/engineFor.js';
import { planBatch } from './planBatch.js';
import { readBoundedText } from './readBoundedText.js';
import { redacting } from './redacting.js';
import { resolveEndpointOptions } from './resolveEndpointOptions.js';
import { MAX_REQUEST_BYTES } from './serverLimits.js';
import { writeKeyOf } from './writeKeyOf.js';

/** A Fetch API request handler: Node ≥ 20, Deno, Bun, Workers and other edge runtimes. */
export type CloudEndpoint = (request: Request) => Promise<Response>;

const ROUTE = /\/(?:(beacon)\/)?v1\/(batch|identify|track|page|screen|group|alias)$/;

/**
 * Our own cloud-mode endpoint (docs/cloud-endpoint.md): it takes what the browser forwards, in
 * RudderStack's gateway wire format, and delivers it to Klaviyo's server API with the private key.
 * Routes: `POST …/v1/batch`, `POST …/v1/<type>` (Basic auth `writeKey:`), `POST
 * …/beacon/v1/batch?writeKey=` (`text/plain`), `OPTIONS` preflight, `GET …/health`. Its work goes to
 * the delivery engine, which pools concurrent requests into Klaviyo's bulk jobs at the rate the
 * account allows. It answers only after Klaviyo did: 200 when every message was taken or refused for a
 * stated permanent reason; 429 (with `Retry-After`), 502, 503 or 504 when a retry can succeed, so the
 * browser's queue keeps the batch; within 12 s in all cases. Throws a `TypeError` at construction for
 * bad options; the handler itself never rejects.
 */
export function createCloudEndpoint(options: CloudEndpointOptions): CloudEndpoint {
  const config = resolveEndpointOptions(options);
  installMessages(); // mapping warnings in full sentences: a server has no bundle size to save
  const logger = createLogger(config.logLevel, redacting(config.logger, config.privateApiKey), 'server');
  const engine = engineFor({
    privateApiKey: config.privateApiKey,
    klaviyoBaseUrl: config.klaviyoBaseUrl,
    fetch: config.fetch,
    store: config.store,
    logger,
  });

  return async function handle(request: Request): Promise<Response> {
    const origin = request.headers.get('origin');
    const cors: Record<string, string> =
      origin && config.allowedOrigins.has(origin)
        ? {
            'access-control-allow-origin': origin,
            'access-control-allow-credentials': 'true',
            'access-control-expose-headers': 'retry-after',
            vary: 'origin',
          }
        : { vary: 'origin' };
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json', ...cors, ...headers },
      });
    try {
      const url = new URL(request.url);
      if (origin && !config.allowedOrigins.has(origin)) {
        logger.warn(`refused a request from ${origin}: add it to allowedOrigins (ALLOWED_ORIGINS) if it is your shop.`);
        return reply(403, { error: 'origin not allowed' });
      }
      if (request.method === 'OPTIONS') {
        return new Response(null, {
          status: 204,
          headers: {
            ...cors,
            'access-control-allow-methods': 'POST, GET, OPTIONS',
            'access-control-allow-headers': 'authorization, content-type, anonymousid',
            'access-control-max-age': '600',
          },
        });
      }
      if (request.method === 'GET' && url.pathname.endsWith('/health')) return reply(200, { ok: true });
      const route = ROUTE.exec(url.pathname);
      if (!route || request.method !== 'POST' || (route[1] && route[2] !== 'batch')) {
        return reply(404, { error: 'not found: POST /v1/batch, /v1/<type> or /beacon/v1/batch' });
      }
      const writeKey = writeKeyOf(request, url, !!route[1], config.writeKeys);
      if (writeKey !== 'ok') return reply(401, { error: writeKey });
      const text = await readBoundedText(request, MAX_REQUEST_BYTES);
      if (text === undefined) return reply(413, { error: `request size exceeds ${MAX_REQUEST_BYTES / 1024} KB` });
      const messages = parseMessages(text, route[2]);
      if (typeof messages === 'string') return reply(400, { error: messages });

      const plan = planBatch(messages, config);
      for (const { messageId, reason } of plan.skipped) logger.info(`skipped ${messageId}: ${reason}`);
      const delivery = await engine.deliver(plan);
      for (const { messageId, reason } of delivery.refused) logger.warn(`Klaviyo refused ${messageId}: ${reason}`);
      if (delivery.retry) {
        const { status, retryAfterS, reason } = delivery.retry;
        const line = `${reason}; answered ${status} so the browser retries.`;
        if (status === 503) logger.error(line);
        else logger.warn(line);
        return reply(status, { error: reason }, retryAfterS ? { 'retry-after': String(retryAfterS) } : {});
      }
      return reply(200, {
        ok: true,
        taken: delivery.taken,
        ignored: plan.ignored,
        skipped: plan.skipped,
        refused: delivery.refused,
      });
    } catch (error) {
      logger.error('unexpected failure; answered 500 so the browser retries.', error);
      return reply(500, { error: 'internal error' });
    }
  };
}

/**
 * The batch in a body, or why it is refused, with RudderStack's gateway rules: JSON; `/v1/batch`
 * needs a non-empty `batch` array; `/v1/<type>` takes one message and sets its type from the path;
 * every message needs a userId or an anonymousId, else the whole batch is refused.
 */
function parseMessages(text: string, type: string): RudderMessage[] | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'invalid JSON';
  }
  const isObject = (v: unknown): v is RudderMessage => v !== null && typeof v === 'object' && !Array.isArray(v);
  const batch: unknown =
    type === 'batch' ? (isObject(body) ? body.batch : undefined) : isObject(body) ? [{ ...body, type }] : undefined;
  if (!Array.isArray(batch) || batch.length === 0) return 'empty batch payload';
  const named = (v: unknown) => (typeof v === 'string' ? v.trim() !== '' : v !== undefined && v !== null && v !== '');
  for (const message of batch) {
    if (!isObject(message)) return 'every message must be an object';
    if (!named(message.userId) && !named(message.anonymousId)) return 'request neither has anonymousId nor userId';
  }
  return batch as RudderMessage[];
}
