import { vi } from 'vitest';
import nodeConsole from 'node:console';
// Install the message texts, as a developer would: the tests assert full texts.
import { installMessages } from '../src/logger/messages.js';

installMessages();

// happy-dom refuses to fetch <script src> (the tests decide what a klaviyo.js script does) and prints each
// refusal with a stack trace on Node's own console. That refusal is the setup, not news: filter it there.
for (const target of new Set([console, nodeConsole])) {
  const printError = target.error.bind(target);
  target.error = (...args: unknown[]) => {
    if (args[0] instanceof Error && args[0].message.includes('JavaScript file loading is disabled')) return;
    printError(...args);
  };
}

// Unit tests never reach Klaviyo. a.klaviyo.com is answered by the Client API stand-in of the test's
// klaviyo.js stand-in (test/helpers/klaviyoScript.ts: what klaviyo.js itself sends), unless that test
// blocks it; every other Klaviyo request fails at once, as a blocklist makes it fail (tests that
// exercise our Client API rung inject a transport of their own).
const isKlaviyo = (url: unknown) => /^https?:\/\/([^/]+\.)?klaviyo\.com\//.test(String(url));
const realFetch = globalThis.fetch;
globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
  const url = input instanceof Request ? input.url : String(input);
  if (!isKlaviyo(url)) return realFetch(input, init);
  const network = (globalThis as Record<string, unknown>).__klaviyoNetwork as
    | {
        blocked: boolean;
        clientApi: { answer(...a: unknown[]): { status: number; headers: Record<string, string>; body: string } };
      }
    | undefined;
  if (!network || network.blocked || !/^https:\/\/a\.klaviyo\.com\//.test(url)) {
    throw new TypeError('Failed to fetch (klaviyo.com is unreachable in unit tests)');
  }
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, key) => (headers[key.toLowerCase()] = value));
  const a = network.clientApi.answer(
    init?.method ?? 'GET',
    url,
    headers,
    typeof init?.body === 'string' ? init.body : null,
  );
  return new Response(a.body || null, { status: a.status, headers: a.headers });
};

// The lower tiers (the Client API, cloud mode) come by dynamic import in an app: a microtask or more
// later. Unit tests bring them at once, so that what reaches them can be asserted in the same tick;
// test/lazyTiers.test.ts covers the wait, a failed load and a page left before they arrive.
vi.mock('../src/core/loadLowerTiers.js', async () => {
  const chunk = await import('../src/tiers/createLowerTiers.js');
  return { loadLowerTiers: () => chunk };
});
