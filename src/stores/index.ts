import { RedisStore as RedisSessionStore } from 'connect-redis';
import type session from 'express-session';
import type { Store as RateLimitStore } from 'express-rate-limit';
import type { Logger } from 'pino';
import type { RedisReply } from 'rate-limit-redis';
import { RecoveringRedisRateLimitStore } from './rate-limit-store';
import type { SsoSettings } from '../config/options';
import {
  reportingStoreErrors,
  rethrowReported,
  storeErrorKind,
  type StoreErrorReporter,
} from './observed';
import { MemoryOneTimeStore, RedisOneTimeStore, type OneTimeStore } from './one-time-store';
import {
  createRedisConnection,
  wrapRedisClient,
  type RedisClient,
  type RedisConnection,
} from './redis-client';
import { MemorySessionIndex, RedisSessionIndex, type SessionIndex } from './session-index';
import { createMemorySessionStore } from './session-store';
import { TimeoutSessionStore, withTimeout } from './timeout';
import { TouchThrottledStore, touchIntervalMsFor } from './touch-throttle';

/**
 * Where sessions, one-time records and rate-limit counters live: in Redis when `REDIS_URL`,
 * `REDIS_SENTINEL_NODES` or `REDIS_CLUSTER_NODES` is set (shared by every instance), otherwise in
 * this process (one instance: the demo, tests).
 *
 * Key layout (all under `REDIS_KEY_PREFIX`): `sess:<sid>` (connect-redis), `once:<kind>:<hash>`
 * (one-time records), `rl:<limiter>:<client ip>` (rate-limit counters), `sidx:{<installationId>}:…`
 * (the session index). Every command touches one key, except the session index's scripts, whose
 * keys share the `{installationId}` hash tag and so one Cluster slot (Redis Cluster specification,
 * "Hash tags").
 */
export interface Stores {
  kind: 'memory' | 'redis';
  sessionStore: session.Store;
  oneTimeStore: OneTimeStore;
  /** Live sessions by installation and by (installation, user), for revocation (same place as the sessions). */
  sessionIndex: SessionIndex;
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
 * the background; an outage never throws here. `reportError` is told each failed Redis operation of
 * the session store, one-time store, session index and rate-limit counters (metrics; readiness
 * pings are not counted).
 */
export function createStores(
  config: StoreSettings,
  logger: Logger,
  reportError: StoreErrorReporter = () => undefined,
): Stores {
  const idleMs = config.session.idleTimeoutSeconds * 1000;
  // A touch extends a session's TTL; once per 1/20 of the idle lifetime (at most a minute) is plenty.
  const touchIntervalMs = touchIntervalMsFor(config.session.idleTimeoutSeconds);
  if (!config.redis) {
    const memory = createMemorySessionStore(idleMs);
    const sessionStore = new TouchThrottledStore(memory, touchIntervalMs);
    const oneTimeStore = new MemoryOneTimeStore();
    return {
      kind: 'memory',
      sessionStore,
      oneTimeStore,
      sessionIndex: new MemorySessionIndex(),
      rateLimitStore: () => undefined,
      ping: async () => true,
      close: async () => {
        (memory as unknown as { stopInterval?: () => void }).stopInterval?.();
        sessionStore.stop();
        oneTimeStore.stop();
      },
    };
  }
  const { keyPrefix } = config.redis;
  const redis: RedisConnection =
    config.redis.mode === 'client'
      ? wrapRedisClient(config.redis.client as unknown as RedisClient)
      : createRedisConnection({
          topology: config.redis,
          commandTimeoutMs: config.redis.commandTimeoutMs,
          logger,
        });
  const idleSeconds = config.session.idleTimeoutSeconds;
  const absoluteMs = config.session.absoluteTimeoutSeconds * 1000;
  const timeoutMs = config.redis.commandTimeoutMs;
  const redisSessionStore = new RedisSessionStore({
    client: redis.client,
    prefix: `${keyPrefix}sess:`,
    // A session key lives for the idle lifetime, and never past the absolute lifetime.
    ttl: (sess) => {
      const loginAt = sess.identity?.loginAt;
      if (!loginAt) return idleSeconds;
      return Math.max(
        1,
        Math.min(idleSeconds, Math.ceil((loginAt + absoluteMs - Date.now()) / 1000)),
      );
    },
  });
  const sessionStore = new TouchThrottledStore(
    new TimeoutSessionStore(redisSessionStore, timeoutMs, (error) =>
      reportError('session', storeErrorKind(error)),
    ),
    touchIntervalMs,
  );
  return {
    kind: 'redis',
    sessionStore,
    oneTimeStore: reportingStoreErrors(
      new RedisOneTimeStore(redis.commands, `${keyPrefix}once:`, timeoutMs),
      'one_time',
      reportError,
    ),
    sessionIndex: reportingStoreErrors(
      new RedisSessionIndex(
        (command) => redis.sendCommand(command),
        `${keyPrefix}sidx:`,
        timeoutMs,
      ),
      'session_index',
      reportError,
    ),
    rateLimitStore: (name) =>
      new RecoveringRedisRateLimitStore({
        prefix: `${keyPrefix}rl:${name}:`,
        // The cluster form routes each script call by its one key (and reloads a script missing on
        // that node on NOSCRIPT); it works for a single server and Sentinel too.
        sendCommandCluster: (command) =>
          withTimeout(
            redis.sendCommand(command) as Promise<RedisReply>,
            timeoutMs,
            'rate limit',
          ).catch((error: unknown) => rethrowReported(error, 'rate_limit', reportError)),
      }),
    ping: async () => {
      try {
        return await withTimeout(redis.ping(), timeoutMs, 'ping');
      } catch {
        return false;
      }
    },
    close: async () => {
      sessionStore.stop();
      await redis.close();
    },
  };
}
