/**
 * Our own cloud-mode endpoint, for servers: `import { createCloudEndpoint } from 'klaviyo-device-mode/server'`.
 * Never import this in a browser: it is built for the private API key.
 */
export { createCloudEndpoint, type CloudEndpoint } from './createCloudEndpoint.js';
export type { CloudEndpointOptions } from './CloudEndpointOptions.js';
export { createRedisStore, type RedisLike, type RedisStoreOptions } from './delivery/redisStore.js';
export { createMemoryStore, type DeliveryStore } from './delivery/DeliveryStore.js';
export type { DispatchRate } from './delivery/klaviyoLimits.js';
