import { createClient, type RedisClientType } from 'redis';
import type { Logger } from 'pino';

/** The node-redis client type we use (default modules, RESP2). */
export type RedisClient = RedisClientType;

/** Longest pause between two reconnection attempts, ms. */
export const MAX_RECONNECT_DELAY_MS = 2000;
/** At most one Redis error log line per this many ms; the others are counted. */
export const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * Creates the Redis client shared by the session store, the one-time store and the rate limiter,
 * tuned so an outage degrades to fast 503s rather than hanging requests:
 * - `disableOfflineQueue`: while disconnected, commands fail at once instead of queueing;
 * - every command times out after `commandTimeoutMs`;
 * - reconnection forever with a capped back-off, so the service recovers on its own;
 * - errors are logged at most once per {@link ERROR_LOG_INTERVAL_MS}, with the count suppressed.
 * Starts connecting in the background; never throws for an unreachable server.
 */
export function createRedisClient(options: { url: string; commandTimeoutMs: number; logger: Logger }): RedisClient {
  const { logger } = options;
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    commandOptions: { timeout: options.commandTimeoutMs },
    socket: {
      connectTimeout: Math.max(options.commandTimeoutMs, 1000),
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 10), MAX_RECONNECT_DELAY_MS),
    },
  }) as RedisClient;

  let lastLogged = 0;
  let suppressed = 0;
  let healthy = false;
  client.on('error', (error: Error) => {
    healthy = false;
    const now = Date.now();
    if (now - lastLogged < ERROR_LOG_INTERVAL_MS) {
      suppressed += 1;
      return;
    }
    logger.error({ event: 'redis_error', err: { name: error.name, message: redact(error.message, options.url) }, suppressed }, 'Redis client error');
    lastLogged = now;
    suppressed = 0;
  });
  client.on('ready', () => {
    if (!healthy) logger.info({ event: 'redis_ready' }, 'Redis connection ready');
    healthy = true;
  });
  client.connect().catch((error: unknown) => {
    logger.error({ event: 'redis_connect_failed', err: { name: (error as Error).name } }, 'Redis connection failed');
  });
  return client;
}

/** Removes the URL (which may hold a password) from a message. */
function redact(message: string, url: string): string {
  return message.split(url).join('[redis-url]').slice(0, 300);
}
