/** Types of the Klaviyo account model (klaviyoAccount.mjs). */
export interface KlaviyoProfile {
  id: string;
  email?: string;
  phone_number?: string;
  external_id?: string;
  anonymous_id?: string;
}

export interface KlaviyoEvent {
  profileId: string | undefined;
  metric: string;
  uniqueId: string | undefined;
  /** `unique_id`, else the `$event_id` left in the properties (klaviyo.js's cache flush). */
  dedupeKey: string | undefined;
  time: string | undefined;
  value: number | undefined;
  properties: Record<string, any>;
  /** Who sent it: klaviyo.js, our Client API rung, or our endpoint (server API). */
  via: 'klaviyo.js' | 'client-api' | 'server';
  path: string;
  /** False when Klaviyo would not keep it (a repeat of profile, metric and unique_id). */
  kept: boolean;
}

export interface KlaviyoAccount {
  companyId: string;
  profiles: KlaviyoProfile[];
  conflicts: Array<{ profile: string; key: string; value: string }>;
  resolve(attributes: Record<string, any>, options?: { create?: boolean }): KlaviyoProfile | undefined;
  profileOf(attributes: Record<string, any>): KlaviyoProfile | undefined;
  exchangeIdFor(profile: KlaviyoProfile): string;
  record(input: { profile: Record<string, any>; event: Record<string, any>; via: string; path: string }): KlaviyoEvent;
  events(): KlaviyoEvent[];
  kept(): KlaviyoEvent[];
  reset(): void;
}

export function createKlaviyoAccount(options?: { companyId?: string }): KlaviyoAccount;
