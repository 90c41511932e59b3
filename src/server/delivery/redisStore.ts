import { intervalMicros, type DeliveryStore } from './DeliveryStore.js';
import { digest } from './digest.js';

/**
 * The part of a Redis client the store uses: ioredis's generic `call(command, ...args)`, with which it
 * runs its scripts (`EVAL`). Pass an ioredis instance (or a wrapper of another client, e.g. node-redis's
 * `sendCommand`, with this signature).
 */
export interface RedisLike {
  call(command: string, ...args: Array<string | number>): Promise<unknown>;
}

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /**
   * Prefix of every key: one per Klaviyo account (the endpoint adds a digest of the private key, never
   * the key). @default 'kdm'
   */
  prefix?: string;
  /** How long the last upsert per profile is remembered, in seconds. @default 604800 (7 days) */
  upsertMemorySeconds?: number;
}

/** How long the last upsert per profile is remembered in Redis when not told: 7 days. */
const UPSERT_MEMORY_S = 7 * 24 * 3600;

/**
 * GCRA on Redis's clock (the same arithmetic as `gcra` in DeliveryStore.ts): 0 when granted, else the
 * wait in ms. In whole microseconds, written out whole (`tostring` would keep 14 digits and round).
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local interval = tonumber(ARGV[1])
local nxt = math.max(tat, now) + interval
local over = nxt - now - tonumber(ARGV[2]) * interval
if over > 0 then return math.ceil(over / 1000) end
redis.call('SET', KEYS[1], string.format('%.0f', nxt), 'PX', math.ceil((nxt - now) / 1000) + 1000)
return 0`;
/** Pause for ARGV[1] ms unless a longer pause is set. */
const PAUSE = `
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 0`;
const PAUSED = `local left = redis.call('PTTL', KEYS[1]) if left < 0 then return 0 end return left`;
const GET_MANY = `local out = {} for i, k in ipairs(KEYS) do out[i] = redis.call('GET', k) or '' end return out`;
const SET_MANY = `for i, k in ipairs(KEYS) do redis.call('SET', k, ARGV[i + 1], 'EX', ARGV[1]) end return 0`;

/**
 * A {@link DeliveryStore} on Redis, shared by every instance of the endpoint that delivers to one
 * Klaviyo account: the GCRA limiter per endpoint, the 429 pause, the last upsert per profile (keyed
 * by a digest, kept for `upsertMemorySeconds`). Each operation is one atomic script on Redis's own
 * clock, so instances with skewed clocks agree. Create the client with a short command timeout and
 * no offline queue (`new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })`): while
 * Redis is down, calls then fail at once and the endpoint answers retryable statuses.
 */
export function createRedisStore(redis: RedisLike, options: RedisStoreOptions = {}): DeliveryStore {
  const prefix = options.prefix ?? 'kdm';
  const ttl = options.upsertMemorySeconds ?? UPSERT_MEMORY_S;
  const upsertKey = (profile: string) => `${prefix}:upsert:${digest(profile)}`;
  /** One script on Redis: `EVAL script numberOfKeys ...keys ...args`. */
  const run = (script: string, keys: number, ...args: Array<string | number>) =>
    redis.call('EVAL', script, keys, ...args);
  return {
    async take(name, rate) {
      return Number(await run(TAKE, 1, `${prefix}:gcra:${name}`, intervalMicros(rate), rate.burst));
    },
    async pausedFor(name) {
      return Number(await run(PAUSED, 1, `${prefix}:pause:${name}`));
    },
    async pause(name, ms) {
      await run(PAUSE, 1, `${prefix}:pause:${name}`, Math.ceil(ms));
    },
    async lastUpserts(profiles) {
      if (!profiles.length) return [];
      const found = (await run(GET_MANY, profiles.length, ...profiles.map(upsertKey))) as string[];
      return profiles.map((_, i) => found[i] || undefined);
    },
    async rememberUpserts(entries) {
      if (!entries.length) return;
      await run(
        SET_MANY,
        entries.length,
        ...entries.map(([profile]) => upsertKey(profile)),
        ttl,
        ...entries.map(([, d]) => d),
      );
    },
  };
}
