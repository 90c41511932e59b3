/** What came back from a POST: the HTTP status (0 for a network error or timeout) and `Retry-After`. */
export interface HttpAnswer {
  status: number;
  retryAfter?: string;
  /** Status 0 because no answer came within the timeout (rather than a refusal to send). */
  timedOut?: boolean;
}

/**
 * POST `body` with the page's `fetch`, giving up after `timeoutMs` (then status 0). Never rejects:
 * a blocked host, an offline browser or a page's `fetch` wrapper that throws all give status 0.
 */
export async function httpPost(
  win: Window,
  url: string,
  headers: Record<string, string>,
  body: string,
  options: { keepalive: boolean; timeoutMs: number },
): Promise<HttpAnswer> {
  const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller?.abort();
  }, options.timeoutMs);
  try {
    const response = await win.fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: controller?.signal,
      credentials: 'omit',
      keepalive: options.keepalive,
    });
    return { status: response.status, retryAfter: response.headers?.get?.('Retry-After') ?? undefined };
  } catch {
    return { status: 0, timedOut };
  } finally {
    clearTimeout(timer);
  }
}
