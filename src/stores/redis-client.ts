import {
  createClient,
  createCluster,
  createSentinel,
  type RedisClientType,
  type RedisClusterType,
  type RedisSentinelType,
} from 'redis';
import type { Logger } from 'pino';
import type { RedisTopology } from '../config/options';
import { errorForLog, errorName } from '../errors/base';

/** The node-redis single-server client type (default modules, RESP3 defaults of node-redis 5+). */
export type RedisClient = RedisClientType;

/** Longest pause between two reconnection attempts, ms. */
export const MAX_RECONNECT_DELAY_MS = 2000;
/** At most one Redis error log line per this many ms; the others are counted. */
export const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * The key commands the stores use. node-redis's single, sentinel and cluster clients all have them
 * with these shapes; a cluster routes each to the master that owns the key's hash slot.
 */
export interface RedisKeyCommands {
  set(
    key: string,
    value: string,
    options?: { condition?: 'NX' | 'XX'; expiration?: { type: 'PX' | 'EX'; value: number } },
  ): Promise<string | null>;
  get(key: string): Promise<string | null>;
  getDel(key: string): Promise<string | null>;
  del(keys: string | string[]): Promise<number>;
  expire(key: string, seconds: number): Promise<number>;
}

/** One raw command for rate-limit-redis: `key` routes it in a cluster (undefined: any node). */
export interface RawCommand {
  key?: string;
  isReadOnly: boolean;
  command: string[];
}

/**
 * The connection to the shared Redis state, whatever the topology (`Config.redis`): one server,
 * a Sentinel-watched master with replicas, or a Cluster.
 */
export interface RedisConnection {
  mode: RedisTopology['mode'];
  /** Key commands for the one-time store and the session store (connect-redis accepts any of the three clients). */
  commands: RedisKeyCommands;
  /** The client object itself, for connect-redis (`client`), which knows the three node-redis client types. */
  client: RedisClient | RedisClusterType | RedisSentinelType;
  /** Sends one raw command (rate-limit-redis's `SCRIPT LOAD` and `EVALSHA`), routed by `key` in a cluster. */
  sendCommand(command: RawCommand): Promise<unknown>;
  /** Resolves true when every master answers PING. Not time-bounded here: callers race it. */
  ping(): Promise<boolean>;
  /** Closes gracefully; on failure, drops the sockets. Never rejects. */
  close(): Promise<void>;
}

/** What {@link createRedisConnection} needs. */
export interface RedisConnectionOptions {
  /** Every topology but a caller-owned client (see {@link wrapRedisClient}). */
  topology: Exclude<RedisTopology, { mode: 'client' }>;
  /** Bound on one command once written, ms (node-redis `commandOptions.timeout`). */
  commandTimeoutMs: number;
  logger: Logger;
}

/**
 * Creates the Redis connection shared by the session store, the one-time store and the rate
 * limiter, tuned so an outage degrades to fast 503s rather than hanging requests:
 * - `disableOfflineQueue`: while a node is disconnected, its commands fail at once instead of
 *   queueing (a queued code claim must not run after the request already got its 503);
 * - every command times out after `commandTimeoutMs`;
 * - reconnection forever with a capped back-off ({@link MAX_RECONNECT_DELAY_MS}); Sentinel and
 *   Cluster clients also rediscover the topology (a promoted replica, moved slots) on their own;
 * - errors are logged at most once per {@link ERROR_LOG_INTERVAL_MS}, with the count suppressed,
 *   and never with a URL or password.
 * Starts connecting in the background; never throws for an unreachable server.
 *
 * Sources: node-redis v5+ `createClient`, `createSentinel`, `createCluster` (README of
 * redis/node-redis, docs/sentinel.md and docs/clustering.md); Redis Sentinel and Redis Cluster
 * specifications (redis.io/docs/latest/operate/oss_and_stack/management/).
 */
export function createRedisConnection(options: RedisConnectionOptions): RedisConnection {
  const { topology, commandTimeoutMs, logger } = options;
  const socket = {
    connectTimeout: Math.max(commandTimeoutMs, 1000),
    reconnectStrategy: (retries: number) =>
      Math.min(50 * 2 ** Math.min(retries, 10), MAX_RECONNECT_DELAY_MS),
  };
  const secrets = topologySecrets(topology);
  const onError = errorLogger(logger, secrets);
  let healthy = false;
  const onReady = () => {
    if (!healthy)
      logger.info({ event: 'redis_ready', redis_mode: topology.mode }, 'Redis connection ready');
    healthy = true;
  };
  const connectFailed = (error: unknown) => {
    logger.error(
      {
        event: 'redis_connect_failed',
        redis_mode: topology.mode,
        err: errorForLog(error),
      },
      'Redis connection failed',
    );
  };

  if (topology.mode === 'single') {
    const client = createClient({
      url: topology.url,
      disableOfflineQueue: true,
      commandOptions: { timeout: commandTimeoutMs },
      socket,
    }) as RedisClient;
    client.on('error', (error: unknown) => ((healthy = false), onError(error)));
    client.on('ready', onReady);
    client.connect().catch(connectFailed);
    return {
      mode: 'single',
      client,
      commands: client,
      sendCommand: ({ command }) => client.sendCommand(command),
      ping: async () => (await client.ping()) === 'PONG',
      close: () => closeOrDestroy(client),
    };
  }

  if (topology.mode === 'sentinel') {
    const sentinels = topology.sentinelUrls.map((value) => new URL(value));
    const sentinelAuth = sentinels.find((url) => url.password !== '');
    const sentinel = createSentinel({
      name: topology.masterName,
      sentinelRootNodes: sentinels.map((url) => ({
        host: url.hostname,
        port: Number(url.port || 26379),
      })),
      commandOptions: { timeout: commandTimeoutMs },
      nodeClientOptions: {
        disableOfflineQueue: true,
        socket,
        ...(topology.masterPassword ? { password: topology.masterPassword } : {}),
      },
      sentinelClientOptions: {
        socket,
        ...(sentinelAuth
          ? {
              password: decodeURIComponent(sentinelAuth.password),
              ...(sentinelAuth.username
                ? { username: decodeURIComponent(sentinelAuth.username) }
                : {}),
            }
          : {}),
      },
    }) as unknown as RedisSentinelType;
    sentinel.on('error', (error: unknown) => ((healthy = false), onError(error)));
    sentinel.on('ready', onReady);
    sentinel.connect().catch(connectFailed);
    return {
      mode: 'sentinel',
      client: sentinel,
      commands: sentinel,
      sendCommand: ({ isReadOnly, command }) => sentinel.sendCommand(isReadOnly, command),
      ping: async () => String(await sentinel.sendCommand(false, ['PING'])) === 'PONG',
      close: () => closeOrDestroy(sentinel),
    };
  }

  const seeds = topology.nodeUrls.map((value) => new URL(value));
  const first = seeds[0]!;
  const cluster = createCluster({
    rootNodes: seeds.map((url) => ({ url: url.href })),
    defaults: {
      disableOfflineQueue: true,
      socket: { ...socket, ...(first.protocol === 'rediss:' ? { tls: true as const } : {}) },
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
    },
    commandOptions: { timeout: commandTimeoutMs },
  }) as unknown as RedisClusterType;
  cluster.on('error', (error: unknown) => ((healthy = false), onError(error)));
  cluster.on('connect', onReady);
  cluster.connect().catch(connectFailed);
  return {
    mode: 'cluster',
    client: cluster,
    commands: cluster,
    sendCommand: ({ key, isReadOnly, command }) => cluster.sendCommand(key, isReadOnly, command),
    ping: async () => {
      const masters = cluster.masters;
      if (masters.length === 0) return false;
      const replies = await Promise.all(
        masters.map(async (master) => (await cluster.nodeClient(master)).ping()),
      );
      return replies.every((reply) => reply === 'PONG');
    },
    close: () => closeOrDestroy(cluster),
  };
}

async function closeOrDestroy(client: {
  close(): Promise<unknown>;
  destroy(): unknown;
}): Promise<void> {
  try {
    await client.close();
  } catch {
    try {
      client.destroy();
    } catch {
      // already gone
    }
  }
}

/** Logs Redis errors at most once per {@link ERROR_LOG_INTERVAL_MS}, with `secrets` removed from messages. */
function errorLogger(logger: Logger, secrets: string[]): (error: unknown) => void {
  let lastLogged = 0;
  let suppressed = 0;
  return (error) => {
    const now = Date.now();
    if (now - lastLogged < ERROR_LOG_INTERVAL_MS) {
      suppressed += 1;
      return;
    }
    // node-redis errors leave `name` as 'Error': the class name says what failed.
    const name = error instanceof Error ? errorName(error) : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    logger.error(
      { event: 'redis_error', err: { name, message: redact(message, secrets) }, suppressed },
      'Redis client error',
    );
    lastLogged = now;
    suppressed = 0;
  };
}

/** Every string of `topology` that may hold a credential (URLs and passwords). */
function topologySecrets(topology: Exclude<RedisTopology, { mode: 'client' }>): string[] {
  const values =
    topology.mode === 'single'
      ? [topology.url]
      : topology.mode === 'cluster'
        ? topology.nodeUrls
        : [...topology.sentinelUrls, ...(topology.masterPassword ? [topology.masterPassword] : [])];
  const passwords = values.flatMap((value) => {
    const url = URL.canParse(value) ? new URL(value) : undefined;
    return url?.password ? [url.password, decodeURIComponent(url.password)] : [];
  });
  return [...values, ...passwords]
    .filter((secret) => secret.length > 0)
    .sort((a, b) => b.length - a.length);
}

/** Removes every secret (URLs, passwords) from a message and bounds its length. */
function redact(message: string, secrets: string[]): string {
  return secrets
    .reduce((text, secret) => text.split(secret).join('[redacted]'), message)
    .slice(0, 300);
}

/**
 * A connection over a single-server node-redis client the caller owns (the library's
 * `redis: { client }` option): the same commands, and `close()` leaves the client open.
 */
export function wrapRedisClient(client: RedisClient): RedisConnection {
  return {
    mode: 'client',
    client,
    commands: client,
    sendCommand: ({ command }) => client.sendCommand(command),
    ping: async () => (await client.ping()) === 'PONG',
    close: async () => undefined,
  };
}
