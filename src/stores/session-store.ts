import session from 'express-session';
import createMemoryStore from 'memorystore';

/** Upper bound on sessions held by the in-memory store (least recently used evicted first). */
export const MEMORY_SESSION_STORE_MAX = 100_000;

/**
 * The single-instance session store: memorystore (an LRU with TTLs and a periodic prune), so expired
 * sessions are dropped and the store cannot grow without bound, unlike express-session's MemoryStore.
 * @param ttlMs - entry lifetime after its last write or touch, ms: the idle lifetime (default 30 min).
 * @param checkPeriodMs - how often expired entries are pruned, ms (default 60 s).
 */
export function createMemorySessionStore(
  ttlMs = 30 * 60 * 1000,
  checkPeriodMs = 60_000,
): session.Store {
  const MemoryStore = createMemoryStore(session);
  return new MemoryStore({ checkPeriod: checkPeriodMs, max: MEMORY_SESSION_STORE_MAX, ttl: ttlMs });
}
