/** The pure mapping, importable alone: `import { mapMessage } from 'klaviyo-device-mode/mapping'`. */
export { mapMessage, type MappingOptions } from './mapMessage.js';
export { mapIdentify, type IdentifyMappingOptions } from './mapIdentify.js';
export { mapTrack, type TrackMappingOptions } from './mapTrack.js';
export { mapPage, type PageMappingOptions } from './mapPage.js';
export { ecommerceMetric, normaliseEventName } from './ecommerceMetric.js';
export { toE164 } from './toE164.js';
export type { JsonObject, JsonValue, KlaviyoCommand, MapResult, RudderMessage } from './types.js';
