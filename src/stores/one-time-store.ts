import { LRUCache } from 'lru-cache';
import { withTimeout } from './timeout';

/**
 * Short-lived records that must be used once across every instance: the redeemed-code guard
 * and the provider-initiated "where to land" record. Implementations must make {@link claim}
 * and {@link take} atomic (Redis: `SET NX PX` and `GETDEL`), so that two instances racing on
 * the same key let exactly one win.
 */
export interface OneTimeStore {
  /**
   * Creates `key` with `value` only if it does not exist yet.
   * @param ttlMs - lifetime in milliseconds.
   * @returns true when this call created it (the caller won), false when it already existed.
   */
  claim(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Overwrites `key`, keeping it for `ttlMs` milliseconds. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Reads `key` without consuming it; undefined when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Reads and deletes `key` in one step; undefined when absent or expired. */
  take(key: string): Promise<string | undefined>;
  /** Deletes `key`. */
  delete(key: string): Promise<void>;
}

/**
 * In-process {@link OneTimeStore} for a single instance (the demo, tests): an LRU bounded to
 * `maxEntries` whose entries expire after their TTL. Atomic because Node runs it on one thread.
 * Expired records are dropped every `pruneIntervalMs` (one unref'd timer, stopped by {@link stop}),
 * so the store shrinks back once the replay window has passed instead of holding expired records
 * until the `maxEntries` cap evicts them (lru-cache's per-entry `ttlAutopurge` timers would cost one
 * timer per login).
 */
export class MemoryOneTimeStore implements OneTimeStore {
  private readonly cache: LRUCache<string, string>;
  private readonly pruneTimer: NodeJS.Timeout;

  /**
   * @param maxEntries - upper bound on live records (oldest evicted first); default 100 000.
   * @param pruneIntervalMs - how often expired records are dropped, ms; default 60 000.
   */
  constructor(maxEntries = 100_000, pruneIntervalMs = 60_000) {
    this.cache = new LRUCache<string, string>({ max: maxEntries, ttlAutopurge: false });
    this.pruneTimer = setInterval(() => this.cache.purgeStale(), pruneIntervalMs);
    this.pruneTimer.unref();
  }

  /** Records held, expired or not, until the next prune (tests, the bench's memory model). */
  get heldRecords(): number {
    return this.cache.size;
  }

  /** Stops the prune timer (the store stays usable; expired records are then only dropped on read). */
  stop(): void {
    clearInterval(this.pruneTimer);
  }

  async claim(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.cache.has(key)) return false;
    this.cache.set(key, value, { ttl: ttlMs });
    return true;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.cache.set(key, value, { ttl: ttlMs });
  }

  async get(key: string): Promise<string | undefined> {
    return this.cache.get(key);
  }

  async take(key: string): Promise<string | undefined> {
    const value = this.cache.get(key);
    if (value !== undefined) this.cache.delete(key);
    return value;
  }

  async delete(key: string): Promise<void> {
    this.cache.delete(key);
  }

  /** Live entries (tests, metrics). */
  get size(): number {
    this.cache.purgeStale();
    return this.cache.size;
  }
}

/**
 * {@link OneTimeStore} in Redis, shared by every instance: `claim` is `SET key value NX PX ttl`,
 * `take` is `GETDEL` (Redis >= 6.2), so racing instances let exactly one win. Every operation
 * touches one key, so it works unchanged on a Redis Cluster (no cross-slot command).
 * Errors (Redis down, command timeout) propagate; callers turn them into 503s.
 */
export class RedisOneTimeStore implements OneTimeStore {
  constructor(
    private readonly client: import('./redis-client').RedisKeyCommands,
    /** Key prefix, e.g. `vms:once:`. */
    private readonly prefix: string,
    /** Bound on each operation, ms (see `withTimeout`). */
    private readonly timeoutMs: number,
  ) {}

  async claim(key: string, value: string, ttlMs: number): Promise<boolean> {
    const result = await withTimeout(
      this.client.set(this.prefix + key, value, {
        condition: 'NX',
        expiration: { type: 'PX', value: ttlMs },
      }),
      this.timeoutMs,
      'one-time claim',
    );
    return result === 'OK';
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await withTimeout(
      this.client.set(this.prefix + key, value, { expiration: { type: 'PX', value: ttlMs } }),
      this.timeoutMs,
      'one-time set',
    );
  }

  async get(key: string): Promise<string | undefined> {
    return (
      (await withTimeout(this.client.get(this.prefix + key), this.timeoutMs, 'one-time get')) ??
      undefined
    );
  }

  async take(key: string): Promise<string | undefined> {
    return (
      (await withTimeout(this.client.getDel(this.prefix + key), this.timeoutMs, 'one-time take')) ??
      undefined
    );
  }

  async delete(key: string): Promise<void> {
    await withTimeout(this.client.del(this.prefix + key), this.timeoutMs, 'one-time delete');
  }
}
