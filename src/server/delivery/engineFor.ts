import type { Logger } from '../../logger/createLogger.js';
import { KlaviyoServerApi } from '../KlaviyoServerApi.js';
import { DeliveryEngine } from './DeliveryEngine.js';
import { createMemoryStore, type DeliveryStore } from './DeliveryStore.js';
import { digest } from './digest.js';

/** One Klaviyo account as a front door knows it (its options, checked). */
export interface EngineAccount {
  /** The account's private API key. */
  privateApiKey: string;
  /** Klaviyo's base URL, without a trailing slash. */
  klaviyoBaseUrl: string;
  /** The `fetch` the server API calls Klaviyo with. */
  fetch: typeof fetch;
  /** Shared by every instance that delivers to this account; in-process when not given. */
  store?: DeliveryStore;
  /** Where the engine logs (the front door's logger, which keeps the key out of every line). */
  logger: Logger;
}

/**
 * The delivery engine of one account, made the same way for both front doors (the RudderStack-wire
 * endpoint and the walkerOS destination): Klaviyo's server API on the account's key, the store, and as
 * the account's name in the store a digest of the key, never the key: accounts never share a limiter.
 */
export function engineFor(account: EngineAccount): DeliveryEngine {
  return new DeliveryEngine(
    new KlaviyoServerApi(account.klaviyoBaseUrl, account.privateApiKey, account.fetch),
    account.store ?? createMemoryStore(),
    account.logger,
    digest(account.privateApiKey),
  );
}
