/** klaviyo-device-mode: the public surface. */
export { DeviceMode, type DeviceModeDeps, type DeviceModeStatus } from './core/DeviceMode.js';
export { Klaviyo, type RudderElement } from './hosts/rudderstack/Klaviyo.js';
export { resolveConfig, KlaviyoConfigError } from './config/resolveConfig.js';
export type { KlaviyoOptions, CloudModeOptions, KlaviyoMetric, ResolvedConfig } from './config/KlaviyoOptions.js';
export type { LogLevel, ConsentChannel } from './config/defaults.js';
export { LOAD_TIMEOUT_MS, PENDING_CALLS_MAX, CONSENT_PENDING_CALLS_MAX } from './config/defaults.js';
export type { Forwarder, ForwardReason } from './cloud/Forwarder.js';
export type { LogSink } from './logger/createLogger.js';
export * from './mapping/index.js';
