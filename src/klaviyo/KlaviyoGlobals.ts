/** The `klaviyo` object: Klaviyo's pre-load stub or the real one installed by klaviyo.js. */
export interface KlaviyoObject {
  push(...commands: unknown[]): unknown;
  [method: string]: unknown;
}

/** The globals klaviyo.js and its snippet use. */
export interface KlaviyoWindow {
  klaviyo?: KlaviyoObject;
  _klOnsite?: { push(...items: unknown[]): unknown } | unknown[];
  _learnq?: { push(...items: unknown[]): unknown };
}

/** `window` seen with Klaviyo's globals. */
export function klaviyoWindow(win: Window): KlaviyoWindow {
  return win as unknown as KlaviyoWindow;
}
