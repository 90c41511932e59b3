import { KLAVIYO_API_REVISION } from '../clientApi/clientApiBodies.js';
import type { JsonObject } from '../mapping/types.js';
import { retryAfterMs } from '../util/retryAfterMs.js';
import { toJsonText } from '../util/toJsonText.js';
import { KEY_REFUSED_RETRY_AFTER_S, KLAVIYO_TIMEOUT_MS, THROTTLED_RETRY_AFTER_S } from './serverLimits.js';

/** The server API endpoints the cloud endpoint calls. */
export type ServerApiPath =
  'event-bulk-create-jobs' | 'events' | 'profile-import' | 'profile-subscription-bulk-create-jobs';

/**
 * What Klaviyo did with one request: took it; refused it for good (a 4xx about the body: retrying
 * cannot help); or failed in a way a retry can fix, with the HTTP status the browser should get.
 */
export type ServerApiOutcome =
  | { kind: 'taken' }
  | { kind: 'refused'; reason: string }
  | { kind: 'retry'; status: 429 | 502 | 503 | 504; retryAfterS?: number; reason: string };

/**
 * Klaviyo's server API over `fetch`, with the private key. One request per call, no retries of its
 * own: a retryable failure goes back to the browser, whose persisted queue retries (safe: every
 * event carries its `unique_id`). After a 429 it answers for that endpoint itself until the
 * `Retry-After` has passed, without calling Klaviyo.
 */
export class KlaviyoServerApi {
  private readonly pausedUntil = new Map<ServerApiPath, number>();

  constructor(
    private readonly baseUrl: string,
    private readonly privateApiKey: string,
    private readonly fetcher: typeof fetch,
    private readonly now: () => number = Date.now,
  ) {}

  async post(path: ServerApiPath, body: JsonObject): Promise<ServerApiOutcome> {
    const paused = (this.pausedUntil.get(path) ?? 0) - this.now();
    if (paused > 0) {
      return { kind: 'retry', status: 429, retryAfterS: Math.ceil(paused / 1000), reason: `Klaviyo throttled ${path}` };
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), KLAVIYO_TIMEOUT_MS);
    let response: Response;
    try {
      response = await this.fetcher(`${this.baseUrl}/api/${path}`, {
        method: 'POST',
        headers: {
          Authorization: `Klaviyo-API-Key ${this.privateApiKey}`,
          revision: KLAVIYO_API_REVISION,
          'Content-Type': 'application/vnd.api+json',
          Accept: 'application/vnd.api+json',
        },
        body: toJsonText(body),
        signal: controller.signal,
      });
    } catch {
      const timedOut = controller.signal.aborted;
      return {
        kind: 'retry',
        status: timedOut ? 504 : 502,
        reason: timedOut
          ? `Klaviyo did not answer ${path} in ${KLAVIYO_TIMEOUT_MS} ms`
          : `Klaviyo unreachable (${path})`,
      };
    } finally {
      clearTimeout(timer);
    }
    const { status } = response;
    const detail = await errorDetail(response);
    if (status >= 200 && status < 300) return { kind: 'taken' };
    if (status === 429) {
      const ms = retryAfterMs(response.headers.get('retry-after') ?? undefined, this.now());
      const retryAfterS = ms === undefined ? THROTTLED_RETRY_AFTER_S : Math.max(1, Math.ceil(ms / 1000));
      this.pausedUntil.set(path, this.now() + retryAfterS * 1000);
      return { kind: 'retry', status: 429, retryAfterS, reason: `Klaviyo throttled ${path}` };
    }
    if (status === 401 || status === 403) {
      return {
        kind: 'retry',
        status: 503,
        retryAfterS: KEY_REFUSED_RETRY_AFTER_S,
        reason: `Klaviyo refused the private API key (HTTP ${status}): check privateApiKey (KLAVIYO_PRIVATE_API_KEY) and its scopes (events, profiles, subscriptions: write)`,
      };
    }
    if (status === 408 || status >= 500)
      return { kind: 'retry', status: 502, reason: `Klaviyo ${path}: HTTP ${status}` };
    return { kind: 'refused', reason: `Klaviyo ${path}: HTTP ${status}${detail ? `: ${detail}` : ''}` };
  }
}

/** The `detail` of Klaviyo's first JSON:API error, if the body has one (bounded, never throws). */
async function errorDetail(response: Response): Promise<string | undefined> {
  if (response.status < 400) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  try {
    const body = (await response.json()) as { errors?: Array<{ detail?: unknown }> };
    const detail = body.errors?.[0]?.detail;
    return typeof detail === 'string' ? detail.slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
}
