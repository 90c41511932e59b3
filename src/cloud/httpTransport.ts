import { httpPost } from '../util/httpPost.js';
import { REQUEST_TIMEOUT_MS } from './cloudLimits.js';

/**
 * Sends one request; resolves to the HTTP status, or 0 on a network error or timeout. Never rejects.
 * With `keepalive`, the browser completes the request even if the page goes away meanwhile.
 */
export type Transport = (
  url: string,
  headers: Record<string, string>,
  body: string,
  keepalive: boolean,
) => Promise<number>;

/** Queues one beacon; returns what `navigator.sendBeacon` returned. */
export type Beacon = (url: string, body: string) => boolean;

/** The browser's `fetch`, with a timeout. */
export function fetchTransport(win: Window): Transport {
  return async (url, headers, body, keepalive) =>
    (await httpPost(win, url, headers, body, { keepalive, timeoutMs: REQUEST_TIMEOUT_MS })).status;
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
