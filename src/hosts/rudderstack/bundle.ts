/**
 * Entry of `dist/Klaviyo.min.js`: the IIFE the RudderStack JS SDK loads from `destSDKBaseURL`.
 * Rollup exposes these exports as `window.Klaviyo_RS`, so the SDK finds `window.Klaviyo_RS.Klaviyo`.
 */
export { Klaviyo } from './Klaviyo.js';
