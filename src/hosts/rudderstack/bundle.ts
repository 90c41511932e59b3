/**
 * Entry of `dist/Klaviyo.min.js`: the IIFE the RudderStack JS SDK loads from `destSDKBaseURL`.
 * Rollup exposes these exports as `window.Klaviyo_RS`, so the SDK finds `window.Klaviyo_RS.Klaviyo`;
 * pages that load the SDK with its snippet use `window.Klaviyo_RS.createRudderStackIntegration` with
 * `addCustomIntegration` instead.
 */
export { Klaviyo } from './Klaviyo.js';
export { createRudderStackIntegration } from './createRudderStackIntegration.js';
