import session from 'express-session';
import { LRUCache } from 'lru-cache';

/**
 * The touch interval for an idle lifetime: 1/20 of it, at most a minute, ms.
 * @param idleTimeoutSeconds - the session idle lifetime (OWASP ASVS V3.3.2), seconds.
 */
export function touchIntervalMsFor(idleTimeoutSeconds: number): number {
  return Math.min(60_000, Math.floor((idleTimeoutSeconds * 1000) / 20));
}

/**
 * Wraps an express-session store so `touch` (which extends a session's TTL on each use) reaches the
 * store at most once per `intervalMs` per session and instance. Every signed-in request would
 * otherwise pay a store write (Redis `EXPIRE`, or a re-serialisation in memory). The idle lifetime
 * then ends between `idle - interval` and `idle` after the last request; keep `intervalMs` a small
 * fraction of it. All other calls pass through.
 */
export class TouchThrottledStore extends session.Store {
  private readonly lastTouch: LRUCache<string, number>;

  constructor(
    private readonly inner: session.Store,
    /** Minimum time between two touches of one session, ms. */
    private readonly intervalMs: number,
    /** Sessions remembered for throttling (least recently used forgotten first). */
    maxSessions = 100_000,
  ) {
    super();
    // An entry older than the interval no longer throttles anything: it expires then, and the
    // expired ones are dropped every interval, so the map follows the live sessions, not every
    // session ever seen (at most `maxSessions` either way).
    this.lastTouch = new LRUCache<string, number>({ max: maxSessions, ttl: intervalMs });
    this.pruneTimer = setInterval(() => this.lastTouch.purgeStale(), Math.max(intervalMs, 1000));
    this.pruneTimer.unref();
    if (inner.all) this.all = (callback) => inner.all!(callback);
    if (inner.length) this.length = (callback) => inner.length!(callback);
    if (inner.clear) this.clear = (callback) => inner.clear!(callback);
    const prunable = inner as { prune?: () => void };
    if (typeof prunable.prune === 'function') this.prune = () => prunable.prune!();
  }

  /** The wrapped store's own prune of expired records (memorystore), when it has one. */
  prune?: () => void;

  private readonly pruneTimer: NodeJS.Timeout;

  /** Sessions whose last touch is remembered, expired or not until the next prune (tests, bench). */
  get rememberedTouches(): number {
    return this.lastTouch.size;
  }

  /** Stops the prune timer of the touch map (the wrapped store is not affected). */
  stop(): void {
    clearInterval(this.pruneTimer);
  }

  override get(
    sid: string,
    callback: (error: unknown, session?: session.SessionData | null) => void,
  ): void {
    this.inner.get(sid, callback);
  }

  override set(sid: string, data: session.SessionData, callback?: (error?: unknown) => void): void {
    this.lastTouch.set(sid, Date.now());
    this.inner.set(sid, data, callback);
  }

  override destroy(sid: string, callback?: (error?: unknown) => void): void {
    this.lastTouch.delete(sid);
    this.inner.destroy(sid, callback);
  }

  override touch(sid: string, data: session.SessionData, callback?: () => void): void {
    const now = Date.now();
    const last = this.lastTouch.get(sid);
    if (!this.inner.touch || (last !== undefined && now - last < this.intervalMs)) {
      callback?.();
      return;
    }
    this.lastTouch.set(sid, now);
    this.inner.touch(sid, data, callback ?? (() => undefined));
  }
}
