/**
 * Our Klaviyo destination for walkerOS server flows:
 * `import { destinationKlaviyo } from 'klaviyo-device-mode/walkeros'` (docs/walkeros.md).
 */
export {
  destinationKlaviyo,
  destinationKlaviyo as default,
  type Destination,
  type Types,
} from './destinationKlaviyo.js';
export type { Mapping, Settings } from './WalkerosSettings.js';
export { createRedisStore, type RedisLike, type RedisStoreOptions } from '../delivery/redisStore.js';
export { createMemoryStore, type DeliveryStore } from '../delivery/DeliveryStore.js';
