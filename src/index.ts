/**
 * klaviyo-device-mode: the public surface. The hosts, the device-mode core, the option types and the
 * pure mapping; nothing internal (tuning constants, queues, transports) is exported.
 */
export { createKlaviyo, type KlaviyoAnalytics } from './hosts/analytics/createKlaviyo.js';
export { createSegmentPlugin, type SegmentPlugin, type SegmentContext } from './hosts/segment/createSegmentPlugin.js';
export { Klaviyo, type RudderElement } from './hosts/rudderstack/Klaviyo.js';
export {
  createRudderStackIntegration,
  type RudderStackIntegration,
} from './hosts/rudderstack/createRudderStackIntegration.js';
export { DeviceMode, type DeviceModeDeps, type DeviceModeStatus } from './core/DeviceMode.js';
export type { Forwarder, ForwardReason } from './cloud/Forwarder.js';
export type { KlaviyoOptions, CloudModeOptions, ConsentChannel, DeliveryReport } from './config/KlaviyoOptions.js';
export type { LogLevel, LogSink } from './logger/createLogger.js';
export type { KlaviyoMetric } from './mapping/KlaviyoMetric.js';
export * from './mapping/index.js';
