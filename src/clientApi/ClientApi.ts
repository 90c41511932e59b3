import type { Logger } from '../logger/createLogger.js';
import { say } from '../logger/say.js';
import type { JsonObject } from '../mapping/types.js';
import { KLAVIYO_API_REVISION } from './clientApiBodies.js';
import { httpPost, type HttpAnswer } from '../util/httpPost.js';
import { retryAfterMs } from '../util/retryAfterMs.js';
import { toJsonText } from '../util/toJsonText.js';

/** Klaviyo's Client API (public key only: safe in a browser). */
const CLIENT_API_BASE_URL = 'https://a.klaviyo.com/client';
/** Attempts per request when Klaviyo answers 429 or 5xx; then the call moves down the ladder. */
const CLIENT_API_MAX_ATTEMPTS = 3;
/** First retry delay; doubles per retry. A `Retry-After` answer is used instead, up to the cap below. */
const CLIENT_API_RETRY_MS = 1_000;
/** Longest wait we accept before a retry; a longer `Retry-After` moves the call down the ladder instead. */
const CLIENT_API_RETRY_AFTER_MAX_MS = 30_000;
/** A request with no answer after this counts as failed. */
const CLIENT_API_TIMEOUT_MS = 10_000;

/** One POST; tests replace it. Never rejects (status 0 for a network error, a blocked host or a timeout). */
export type ClientApiTransport = (url: string, headers: Record<string, string>, body: string) => Promise<HttpAnswer>;

/** The Client API endpoints we use. */
export type ClientApiPath = 'events' | 'profiles' | 'subscriptions';

/**
 * Sends JSON:API bodies to `https://a.klaviyo.com/client/<path>?company_id=<public key>` with the
 * pinned `revision`. 202 (any 2xx) means Klaviyo took it. 429 and 5xx are retried with backoff (or
 * `Retry-After`); a network error (a blocklist, offline) or any other status is an answer at once:
 * the caller moves the call down the ladder.
 */
export class ClientApi {
  constructor(
    private readonly publicApiKey: string,
    private readonly logger: Logger,
    private readonly transport: ClientApiTransport,
    private readonly wait: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** True when Klaviyo took the body (2xx), false when this tier cannot deliver it. Never rejects. */
  async post(path: ClientApiPath, body: JsonObject): Promise<boolean> {
    const url = `${CLIENT_API_BASE_URL}/${path}?company_id=${encodeURIComponent(this.publicApiKey)}`;
    const headers = {
      'Content-Type': 'application/vnd.api+json',
      Accept: 'application/vnd.api+json',
      revision: KLAVIYO_API_REVISION,
    };
    const text = toJsonText(body); // immune to a page's toJSON, as the cloud bodies are
    for (let attempt = 1; ; attempt++) {
      let answer: HttpAnswer;
      try {
        answer = await this.transport(url, headers, text);
      } catch {
        answer = { status: 0 };
      }
      const { status } = answer;
      if (status >= 200 && status < 300) return true;
      const retryable = status === 429 || status >= 500;
      const delay = retryable ? retryDelayMs(answer.retryAfter, attempt) : undefined;
      if (delay === undefined || attempt >= CLIENT_API_MAX_ATTEMPTS) {
        this.logger.info(say('clientApiFailed', path, status === 0 ? say('netError') : `HTTP ${status}`));
        return false;
      }
      await this.wait(delay);
    }
  }
}

/** The wait before retry `attempt + 1`: `Retry-After` (seconds or a date) when given, else doubling. */
function retryDelayMs(retryAfter: string | undefined, attempt: number): number | undefined {
  const ms = retryAfterMs(retryAfter, Date.now());
  if (ms !== undefined) return ms <= CLIENT_API_RETRY_AFTER_MAX_MS ? ms : undefined;
  return CLIENT_API_RETRY_MS * 2 ** (attempt - 1);
}

/** The page's `fetch`, keepalive (the bodies are small), with a timeout. */
export function fetchClientApi(win: Window): ClientApiTransport {
  return (url, headers, body) =>
    httpPost(win, url, headers, body, { keepalive: true, timeoutMs: CLIENT_API_TIMEOUT_MS });
}
