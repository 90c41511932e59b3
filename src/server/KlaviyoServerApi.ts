import { KLAVIYO_API_REVISION } from '../clientApi/clientApiBodies.js';
import type { JsonObject } from '../mapping/types.js';
import { retryAfterMs } from '../util/retryAfterMs.js';
import { toJsonText } from '../util/toJsonText.js';
import { KEY_REFUSED_RETRY_AFTER_S, KLAVIYO_TIMEOUT_MS, THROTTLED_RETRY_AFTER_S } from './serverLimits.js';

/** The server API endpoints the cloud endpoint calls. */
export type ServerApiPath =
  'event-bulk-create-jobs' | 'events' | 'profile-bulk-import-jobs' | 'profile-subscription-bulk-create-jobs';

/**
 * What Klaviyo did with one request: took it; refused it for good (a 4xx about the body: retrying
 * cannot help), with the JSON pointers of its errors (`/data/attributes/…/data/<i>` names an entry of
 * a bulk job); throttled it (429: wait `retryAfterMs`); or failed in a way a retry can fix, with the
 * HTTP status the browser should get.
 */
export type ServerApiOutcome =
  | { kind: 'taken' }
  | { kind: 'refused'; reason: string; pointers: string[] }
  | { kind: 'throttled'; retryAfterMs: number }
  | { kind: 'retry'; status: 502 | 503 | 504; retryAfterS?: number; reason: string };

/**
 * Klaviyo's server API over `fetch`, with the private key. One request per call, no retries and no
 * pacing of its own: the delivery engine paces, pauses and retries.
 */
export class KlaviyoServerApi {
  constructor(
    private readonly baseUrl: string,
    private readonly privateApiKey: string,
    private readonly fetcher: typeof fetch,
    private readonly now: () => number = Date.now,
  ) {}

  async post(path: ServerApiPath, body: JsonObject): Promise<ServerApiOutcome> {
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
    const errors = await errorsOf(response);
    if (status >= 200 && status < 300) return { kind: 'taken' };
    if (status === 429) {
      // Retry-After (integer seconds), else the `throttled` detail ("Expected available in 1 second").
      const header = retryAfterMs(response.headers.get('retry-after') ?? undefined, this.now());
      const said = /available in (\d+) second/i.exec(errors[0]?.detail ?? '')?.[1];
      const ms = header ?? (said === undefined ? THROTTLED_RETRY_AFTER_S * 1000 : Math.max(1, Number(said)) * 1000);
      return { kind: 'throttled', retryAfterMs: ms };
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
    const detail = errors[0]?.detail;
    return {
      kind: 'refused',
      reason: `Klaviyo ${path}: HTTP ${status}${detail ? `: ${detail}` : ''}`,
      pointers: errors.flatMap((e) => (e.pointer ? [e.pointer] : [])),
    };
  }
}

/** Klaviyo's JSON:API errors (detail and source pointer), if the body has them (bounded, never throws). */
async function errorsOf(response: Response): Promise<Array<{ detail?: string; pointer?: string }>> {
  if (response.status < 400) {
    await response.body?.cancel().catch(() => undefined);
    return [];
  }
  try {
    const body = (await response.json()) as { errors?: Array<{ detail?: unknown; source?: { pointer?: unknown } }> };
    return (Array.isArray(body.errors) ? body.errors : []).slice(0, 1000).map((e) => ({
      detail: typeof e?.detail === 'string' ? e.detail.slice(0, 300) : undefined,
      pointer: typeof e?.source?.pointer === 'string' ? e.source.pointer : undefined,
    }));
  } catch {
    return [];
  }
}
