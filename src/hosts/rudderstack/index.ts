/**
 * `klaviyo-device-mode/rudderstack`: the integration in RudderStack's JS SDK, as a custom integration
 * (`createRudderStackIntegration`, for `addCustomIntegration`) or as the device-mode slot class (`Klaviyo`).
 */
export { Klaviyo, type RudderElement } from './Klaviyo.js';
export {
  createRudderStackIntegration,
  type RudderStackIntegration,
  type RudderStackEvent,
} from './createRudderStackIntegration.js';
