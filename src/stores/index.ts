import { RedisStore as RedisSessionStore } from 'connect-redis';
import type session from 'express-session';
import type { Store as RateLimitStore } from 'express-rate-limit';
import type { Logger } from 'pino';
import type { RedisReply } from 'rate-limit-redis';
import { RecoveringRedisRateLimitStore } from './rate-limit-store';
import type { SsoSettings } from '../config/options';
import { MemoryOneTimeStore, RedisOneTimeStore, type OneTimeStore } from './one-time-store';
import { createRedisClient, type RedisClient } from './redis-client';
import { createMemorySessionStore } from './session-store';
import { TimeoutSessionStore, withTimeout } from './timeout';
import { TouchThrottledStore, touchIntervalMsFor } from './touch-throttle';

/**
 * Where sessions, one-time records and rate-limit counters live: in Redis when `REDIS_URL` is set
 * (shared by every instance), otherwise in this process (one instance: the demo, tests).
 */
export interface Stores {
  kind: 'memory' | 'redis';
  sessionStore: session.Store;
  oneTimeStore: OneTimeStore;
  /** A rate-limit counter store for the limiter `name`; undefined means express-rate-limit's memory store. */
  rateLimitStore(name: string): RateLimitStore | undefined;
  /** True when the store answers now (readiness). Never throws; bounded by the command timeout. */
  ping(): Promise<boolean>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

/** The settings the stores read. */
export type StoreSettings = Pick<SsoSettings, 'session' | 'redis'>;

/**
 * Builds the stores for `config`: Redis when `config.redis` has a `url` (the client is created and
 * owned here) or a `client` (the caller's, never closed here), memory otherwise. Redis connects in
 * the background; an outage never throws here.
 */
export function createStores(config: StoreSettings, logger: Logger): Stores {
  const idleMs = config.session.idleTimeoutSeconds * 1000;
  // A touch extends a session's TTL; once per 1/20 of the idle lifetime (at most a minute) is plenty.
  const touchIntervalMs = touchIntervalMsFor(config.session.idleTimeoutSeconds);
  if (!config.redis) {
    const memory = createMemorySessionStore(idleMs);
    return {
      kind: 'memory',
      sessionStore: new TouchThrottledStore(memory, touchIntervalMs),
      oneTimeStore: new MemoryOneTimeStore(),
      rateLimitStore: () => undefined,
      ping: async () => true,
      close: async () => {
        (memory as unknown as { stopInterval?: () => void }).stopInterval?.();
      },
    };
  }
  const { keyPrefix } = config.redis;
  const ownClient = config.redis.client === undefined;
  const client: RedisClient = config.redis.client
    ? (config.redis.client as unknown as RedisClient)
    : createRedisClient({ url: config.redis.url!, commandTimeoutMs: config.redis.commandTimeoutMs, logger });
  const idleSeconds = config.session.idleTimeoutSeconds;
  const absoluteMs = config.session.absoluteTimeoutSeconds * 1000;
  const timeoutMs = config.redis.commandTimeoutMs;
  const redisSessionStore = new RedisSessionStore({
    client,
    prefix: `${keyPrefix}sess:`,
    // A session key lives for the idle lifetime, and never past the absolute lifetime.
    ttl: (sess) => {
      const loginAt = sess.identity?.loginAt;
      if (!loginAt) return idleSeconds;
      return Math.max(1, Math.min(idleSeconds, Math.ceil((loginAt + absoluteMs - Date.now()) / 1000)));
    },
  });
  const sessionStore = new TouchThrottledStore(new TimeoutSessionStore(redisSessionStore, timeoutMs), touchIntervalMs);
  return {
    kind: 'redis',
    sessionStore,
    oneTimeStore: new RedisOneTimeStore(client, `${keyPrefix}once:`, timeoutMs),
    rateLimitStore: (name) =>
      new RecoveringRedisRateLimitStore({
        prefix: `${keyPrefix}rl:${name}:`,
        sendCommand: (...args: string[]) => withTimeout(client.sendCommand(args) as Promise<RedisReply>, timeoutMs, 'rate limit'),
      }),
    ping: async () => {
      try {
        return (await withTimeout(client.ping(), timeoutMs, 'ping')) === 'PONG';
      } catch {
        return false;
      }
    },
    close: async () => {
      if (!ownClient) return;
      try {
        await client.close();
      } catch {
        client.destroy();
      }
    },
  };
}
