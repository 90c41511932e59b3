/** Types of the redis-server starter (redisServer.mjs). */
export function hasRedisServer(): boolean;

/** A real `redis-server` of its own on 127.0.0.1: no persistence, stopped and started again at will. */
export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export function startRedisServer(): Promise<RedisServer>;
