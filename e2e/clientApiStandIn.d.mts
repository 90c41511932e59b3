/** Types of the Client API stand-in (clientApiStandIn.mjs). */
import type { KlaviyoAccount } from './klaviyoAccount.mjs';

export interface ClientApiRequest {
  path: string;
  status: number;
  body: any;
  /** `klaviyo.js` (its X-Klaviyo-Onsite header) or `client-api` (our Client API rung). */
  via: 'klaviyo.js' | 'client-api';
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ClientApiStandIn {
  /** The Klaviyo account its requests land in. */
  account: KlaviyoAccount;
  /** Every request answered (preflights left out). */
  requests: ClientApiRequest[];
  /** The bodies Klaviyo took (202), by endpoint, from `via` (default: our Client API rung). */
  taken(path: 'events' | 'profiles' | 'subscriptions' | 'event-bulk-create', via?: 'klaviyo.js' | 'client-api'): any[];
  /** Answer the next `times` requests with `status` (and `Retry-After` when given). */
  fail(status: number, times: number, retryAfter?: string): void;
  answer(method: string, url: string, headers: Record<string, string>, body: string | null): Answer;
}

export function createClientApiStandIn(options?: { account?: KlaviyoAccount }): ClientApiStandIn;
