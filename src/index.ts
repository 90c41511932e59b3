/** klaviyo-device-mode: the public surface. */
export { createKlaviyo, type KlaviyoAnalytics } from './hosts/analytics/createKlaviyo.js';
export { createSegmentPlugin, type SegmentPlugin, type SegmentContext } from './hosts/segment/createSegmentPlugin.js';
export { Klaviyo, type RudderElement } from './hosts/rudderstack/Klaviyo.js';
export { DeviceMode, type DeviceModeDeps, type DeviceModeStatus } from './core/DeviceMode.js';
export { CloudForwarder, type CloudForwarderDeps } from './cloud/CloudForwarder.js';
export { resolveConfig, KlaviyoConfigError } from './config/resolveConfig.js';
export type { KlaviyoOptions, CloudModeOptions, KlaviyoMetric, ResolvedConfig } from './config/KlaviyoOptions.js';
export type { LogLevel, ConsentChannel } from './config/defaults.js';
export * from './config/defaults.js';
export type { Forwarder, ForwardReason } from './cloud/Forwarder.js';
export type { LogSink } from './logger/createLogger.js';
export { installMessages, MESSAGES, type MessageKey } from './logger/messages.js';
export * from './mapping/index.js';
