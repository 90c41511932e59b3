/** A JSON value, as the mapping emits it: no functions, cycles, `undefined`, NaN or Infinity. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * A rudderanalytics-style message, as RudderStack's JS SDK hands it to a device-mode integration.
 * Every field is `unknown`: the mapping checks each one and never trusts its type.
 */
export interface RudderMessage {
  type?: unknown;
  event?: unknown;
  properties?: unknown;
  name?: unknown;
  category?: unknown;
  userId?: unknown;
  anonymousId?: unknown;
  /** Root-level traits: group traits, or identify traits from hosts that put them here (Segment). */
  traits?: unknown;
  groupId?: unknown;
  previousId?: unknown;
  messageId?: unknown;
  originalTimestamp?: unknown;
  integrations?: unknown;
  context?: unknown;
  [key: string]: unknown;
}

/** One command for Klaviyo's queue, pushed as `window.klaviyo.push(command)`. */
export type KlaviyoCommand = ['identify', JsonObject] | ['track', string, JsonObject] | ['trackViewedItem', JsonObject];

/** What a mapping function returns: the commands to push and why anything was dropped or altered. */
export interface MapResult {
  commands: KlaviyoCommand[];
  warnings: string[];
}
