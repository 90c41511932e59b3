import { httpPost, type HttpAnswer } from '../util/httpPost.js';
import { REQUEST_TIMEOUT_MS } from './cloudLimits.js';

/**
 * Sends one request; resolves to the HTTP status (0 on a network error or timeout), with its
 * `Retry-After` when the transport can read it. Never rejects. With `keepalive`, the browser completes
 * the request even if the page goes away meanwhile.
 */
export type Transport = (
  url: string,
  headers: Record<string, string>,
  body: string,
  keepalive: boolean,
) => Promise<number | HttpAnswer>;

/** Queues one beacon; returns what `navigator.sendBeacon` returned. */
export type Beacon = (url: string, body: string) => boolean;

/**
 * The browser's `fetch`, with a timeout; when it gives no answer at all (a page's `fetch` wrapper that
 * rejects, or a network error) the same request is tried once with `XMLHttpRequest`.
 */
export function fetchTransport(win: Window): Transport {
  return async (url, headers, body, keepalive) => {
    const answer = await httpPost(win, url, headers, body, { keepalive, timeoutMs: REQUEST_TIMEOUT_MS });
    return answer.status === 0 && !answer.timedOut ? xhrPost(win, url, headers, body) : answer;
  };
}

/** `XMLHttpRequest` POST; status 0 on any failure. Never rejects. */
export function xhrPost(win: Window, url: string, headers: Record<string, string>, body: string): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    try {
      const xhr = new (win as unknown as { XMLHttpRequest: typeof XMLHttpRequest }).XMLHttpRequest();
      xhr.open('POST', url, true);
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      xhr.timeout = REQUEST_TIMEOUT_MS;
      xhr.onloadend = () =>
        resolve({ status: xhr.status, retryAfter: xhr.getResponseHeader('Retry-After') ?? undefined });
      xhr.send(body);
    } catch {
      resolve({ status: 0 });
    }
  });
}

/** `navigator.sendBeacon` with a `text/plain` body (a CORS-safelisted type: no preflight). */
export function browserBeacon(win: Window): Beacon {
  return (url, body) => {
    try {
      return !!win.navigator.sendBeacon?.(url, new Blob([body], { type: 'text/plain' }));
    } catch {
      return false;
    }
  };
}
