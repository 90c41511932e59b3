/** Types of the Klaviyo server-API stand-in (klaviyoServerApi.mjs). */
import type { KlaviyoAccount } from './klaviyoAccount.mjs';

export const STAND_IN_PRIVATE_KEY: string;

/** Klaviyo's documented limits per endpoint: [per second, per minute]. */
export const LIMITS: Record<string, [number, number]>;

/** Why Klaviyo would refuse one event's attributes (with its profile), or undefined. */
export function eventProblem(attributes: any, profile: any): string | undefined;

export interface KlaviyoServerApiRequest {
  path: string;
  status: number;
  body: any;
  at: number;
}

export interface KlaviyoServerApiStandIn {
  url: string;
  privateApiKey: string;
  /** The Klaviyo account events land in (undefined with `keep: false`). */
  account: KlaviyoAccount | undefined;
  /** Every request answered (kept only with `keep: true`). */
  requests: KlaviyoServerApiRequest[];
  /** Every event taken (bulk or single), flattened, with its `profile`. */
  events(): Array<Record<string, any>>;
  /** How many events Klaviyo would keep: one per profile, metric and unique_id. */
  unique(): number;
  counts(): { requests: number; events: number; throttled: number; byPath: Record<string, number> };
  /** The next `times` requests (to `path` only, e.g. `/api/profile-bulk-import-jobs`) answer `status`. */
  fail(status: number, times?: number, retryAfter?: string, path?: string): void;
  setLatency(ms: number): void;
  reset(): void;
  close(): Promise<void>;
}

export function startKlaviyoServerApi(options?: {
  port?: number;
  privateApiKey?: string;
  latencyMs?: number;
  keep?: boolean;
  log?: boolean;
  /** Klaviyo's account-wide rate limits (429 over them). @default true */
  limits?: boolean;
  account?: KlaviyoAccount;
  /** Called with each event's attributes when Klaviyo keeps it (not for a repeat). */
  onEvent?: (attributes: Record<string, any>) => void;
}): Promise<KlaviyoServerApiStandIn>;
