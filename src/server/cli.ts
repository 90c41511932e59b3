#!/usr/bin/env node
import { createServer } from 'node:http';
import { createCloudEndpoint } from './createCloudEndpoint.js';
import type { DeliveryStore } from './delivery/DeliveryStore.js';
import { createRedisStore, type RedisLike } from './delivery/redisStore.js';
import { nodeListener } from './nodeListener.js';

/** Port when `PORT` is not set. */
const DEFAULT_PORT = 8787;
/** A Redis command with no answer after this fails (the endpoint then answers 503 at once, not late). */
const REDIS_COMMAND_TIMEOUT_MS = 1_000;

const HELP = `klaviyo-device-mode serve: our cloud-mode endpoint on node:http.

Environment:
  KLAVIYO_PRIVATE_API_KEY  your Klaviyo private API key (pk_...); required, never printed
  WRITE_KEYS               comma-separated write keys your pages send; required
  PORT                     default ${DEFAULT_PORT}
  HOST                     default 0.0.0.0
  ALLOWED_ORIGINS          comma-separated shop origins, e.g. https://shop.example
  LIST_ID                  default list for identify calls with subscribe
  CURRENCY                 ISO 4217 code for events with a value and no currency
  KLAVIYO_BASE_URL         default https://a.klaviyo.com
  REDIS_URL                redis://… shared by every instance delivering to one Klaviyo account
                           (limiter, Klaviyo's 429 pause, upsert memory); needs ioredis installed
  LOG_LEVEL                debug, info, warn (default), error or none
`;

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const [command] = process.argv.slice(2);
if (command !== 'serve') {
  process.stdout.write(HELP);
  process.exit(command === undefined || command === '--help' || command === 'help' ? 0 : 2);
}
const env = process.env;
const fatal = (text: string) => {
  process.stderr.write(`${text}\n`);
  process.exit(2);
};
/** The shared store when REDIS_URL is set: Redis through ioredis (an optional peer dependency). */
async function redisStore(url: string): Promise<DeliveryStore> {
  let Redis: new (url: string, options: object) => RedisLike & { on(event: string, f: (e: unknown) => void): void };
  try {
    ({ Redis } = (await import('ioredis')) as unknown as { Redis: typeof Redis });
  } catch {
    return fatal('REDIS_URL is set but ioredis is not installed: run `npm i ioredis` beside klaviyo-device-mode.');
  }
  // No offline queue, one attempt, a short timeout: while Redis is down, calls fail at once and the
  // endpoint answers 503 (browsers retry); ioredis reconnects by itself.
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
  });
  let said = false;
  redis.on('error', (error) => {
    if (!said) process.stderr.write(`klaviyo-device-mode: Redis: ${String(error)}\n`);
    said = true;
  });
  redis.on('ready', () => (said = false));
  return createRedisStore(redis);
}
let store: DeliveryStore | undefined;
if (env.REDIS_URL) {
  if (!/^rediss?:\/\//.test(env.REDIS_URL)) fatal('REDIS_URL must be a redis:// or rediss:// URL.');
  store = await redisStore(env.REDIS_URL);
}
let endpoint;
try {
  endpoint = createCloudEndpoint({
    privateApiKey: env.KLAVIYO_PRIVATE_API_KEY ?? '',
    writeKeys: list(env.WRITE_KEYS),
    allowedOrigins: list(env.ALLOWED_ORIGINS),
    listId: env.LIST_ID || undefined,
    currency: env.CURRENCY || undefined,
    klaviyoBaseUrl: env.KLAVIYO_BASE_URL || undefined,
    logLevel: (env.LOG_LEVEL as 'warn' | undefined) || undefined,
    store,
  });
} catch (error) {
  const text = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `${text.replace('privateApiKey', 'KLAVIYO_PRIVATE_API_KEY').replace('writeKeys', 'WRITE_KEYS')}\n`,
  );
  process.exit(2);
}
const port = env.PORT ? Number(env.PORT) : DEFAULT_PORT;
const host = env.HOST || '0.0.0.0';
const server = createServer(nodeListener(endpoint));
server.listen(port, host, () => {
  const address = server.address();
  const shown = typeof address === 'object' && address ? address.port : port;
  process.stdout.write(
    `klaviyo-device-mode endpoint listening on http://${host}:${shown} (POST /v1/batch, GET /health)${store ? ', sharing its limits through Redis' : ''}\n`,
  );
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
