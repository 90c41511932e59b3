/** Types of the Client API stand-in (clientApiStandIn.mjs). */
export interface ClientApiRequest {
  path: string;
  status: number;
  body: any;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ClientApiStandIn {
  /** Every request answered (preflights left out). */
  requests: ClientApiRequest[];
  /** The bodies Klaviyo took (202), by endpoint. */
  taken(path: 'events' | 'profiles' | 'subscriptions'): any[];
  /** Answer the next `times` requests with `status` (and `Retry-After` when given). */
  fail(status: number, times: number, retryAfter?: string): void;
  answer(method: string, url: string, headers: Record<string, string>, body: string | null): Answer;
}

export function createClientApiStandIn(): ClientApiStandIn;
