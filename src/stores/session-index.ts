import session from 'express-session';
import type { RawCommand } from './redis-client';
import { withTimeout } from './timeout';

/** One indexed session: its id and whose it is. */
export interface SessionIndexEntry {
  /** express-session id. */
  sid: string;
  /** `installation_id` (`icfg_…`) of the signed-in identity. */
  installationId: string;
  /** `user_id` of the signed-in identity (unique per installation only). */
  userId: string;
}

/**
 * Live sessions by installation and by (installation, user), so that every session of an
 * uninstalled installation (or of one user) can be ended at once. Entries live as long as the
 * session can (the absolute lifetime, OWASP ASVS V3.3.4); a stale entry (a session that idled out)
 * is harmless: revoking it deletes nothing.
 */
export interface SessionIndex {
  /** Records `entry` for `ttlMs` milliseconds (an index never forgets a session sooner). */
  add(entry: SessionIndexEntry, ttlMs: number): Promise<void>;
  /** Forgets `entry` (sign-out, regeneration). */
  remove(entry: SessionIndexEntry): Promise<void>;
  /** Reads and clears, in one atomic step, the session ids of `installationId` (every user). */
  takeInstallation(installationId: string): Promise<string[]>;
  /** Reads and clears, in one atomic step, the session ids of one user of `installationId`. */
  takeUser(installationId: string, userId: string): Promise<string[]>;
}

/** Installation and user ids as the id_token carries them (VERCEL-SSO.md §2); nothing else reaches a key name. */
const ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * @throws TypeError when `value` is not an id of letters, digits, `_` and `-` (1-128 characters).
 */
export function assertIndexId(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || !ID.test(value))
    throw new TypeError(`${name}: expected an id of letters, digits, _ and - (1-128 characters)`);
}

/**
 * {@link SessionIndex} in this process (one instance): installation → user → session id → expiry.
 * Expired entries are dropped when read and swept every 1024 additions, so the index holds at most
 * the sessions of the last absolute lifetime.
 */
export class MemorySessionIndex implements SessionIndex {
  private readonly installations = new Map<string, Map<string, Map<string, number>>>();
  private additions = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async add(entry: SessionIndexEntry, ttlMs: number): Promise<void> {
    let users = this.installations.get(entry.installationId);
    if (!users)
      this.installations.set(
        entry.installationId,
        (users = new Map<string, Map<string, number>>()),
      );
    let sids = users.get(entry.userId);
    if (!sids) users.set(entry.userId, (sids = new Map<string, number>()));
    sids.set(entry.sid, this.now() + ttlMs);
    this.additions += 1;
    if (this.additions % 1024 === 0) this.sweep();
  }

  async remove(entry: SessionIndexEntry): Promise<void> {
    const users = this.installations.get(entry.installationId);
    const sids = users?.get(entry.userId);
    if (!users || !sids) return;
    sids.delete(entry.sid);
    if (sids.size === 0) users.delete(entry.userId);
    if (users.size === 0) this.installations.delete(entry.installationId);
  }

  async takeInstallation(installationId: string): Promise<string[]> {
    const users = this.installations.get(installationId);
    this.installations.delete(installationId);
    return users ? [...users.values()].flatMap((sids) => this.live(sids)) : [];
  }

  async takeUser(installationId: string, userId: string): Promise<string[]> {
    const users = this.installations.get(installationId);
    const sids = users?.get(userId);
    if (!users || !sids) return [];
    users.delete(userId);
    if (users.size === 0) this.installations.delete(installationId);
    return this.live(sids);
  }

  /** Number of indexed sessions, expired ones included until swept (tests). */
  get size(): number {
    let count = 0;
    for (const users of this.installations.values())
      for (const sids of users.values()) count += sids.size;
    return count;
  }

  private live(sids: Map<string, number>): string[] {
    const at = this.now();
    return [...sids].filter(([, expiresAtMs]) => expiresAtMs > at).map(([sid]) => sid);
  }

  private sweep(): void {
    const at = this.now();
    for (const [installationId, users] of this.installations) {
      for (const [userId, sids] of users) {
        for (const [sid, expiresAtMs] of sids) if (expiresAtMs <= at) sids.delete(sid);
        if (sids.size === 0) users.delete(userId);
      }
      if (users.size === 0) this.installations.delete(installationId);
    }
  }
}

// One script per operation: each runs atomically in Redis. Both keys of an installation carry the
// `{installationId}` hash tag, so they live in one Redis Cluster slot and one script may touch both.
const ADD = `
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[1])
local ttl = tonumber(ARGV[2])
for i = 1, 2 do
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return 1`;
const REMOVE = `
redis.call('SREM', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[1])
return 1`;
const TAKE_INSTALLATION = `
local sids = redis.call('SMEMBERS', KEYS[1])
redis.call('DEL', KEYS[1])
return sids`;
const TAKE_USER = `
local sids = redis.call('SMEMBERS', KEYS[2])
redis.call('DEL', KEYS[2])
for i = 1, #sids, 500 do
  redis.call('SREM', KEYS[1], unpack(sids, i, math.min(i + 499, #sids)))
end
return sids`;

/**
 * {@link SessionIndex} in Redis, shared by every instance. Keys (with the `{installationId}` hash
 * tag so both sets of an installation share a Cluster slot):
 * - `<prefix>{<installationId>}:all`: a set of session ids of the installation;
 * - `<prefix>{<installationId>}:user:<userId>`: a set of session ids of one user.
 * Each set's TTL is raised (never lowered) to the longest remaining lifetime of its sessions, so
 * an index lives exactly as long as the sessions it lists. Each operation is one Lua script
 * (atomic). Errors and timeouts reject with `StoreUnavailableError`.
 */
export class RedisSessionIndex implements SessionIndex {
  constructor(
    /** Sends one raw command, routed by its key in a cluster (`RedisConnection.sendCommand`). */
    private readonly send: (command: RawCommand) => Promise<unknown>,
    /** Key prefix, e.g. `vms:sidx:`. */
    private readonly prefix: string,
    /** Bound on each operation, ms (see `withTimeout`). */
    private readonly timeoutMs: number,
  ) {}

  async add(entry: SessionIndexEntry, ttlMs: number): Promise<void> {
    await this.run(
      'session index add',
      ADD,
      [this.allKey(entry.installationId), this.userKey(entry.installationId, entry.userId)],
      [entry.sid, String(Math.max(1, Math.ceil(ttlMs)))],
    );
  }

  async remove(entry: SessionIndexEntry): Promise<void> {
    await this.run(
      'session index remove',
      REMOVE,
      [this.allKey(entry.installationId), this.userKey(entry.installationId, entry.userId)],
      [entry.sid],
    );
  }

  async takeInstallation(installationId: string): Promise<string[]> {
    return (await this.run(
      'session index take',
      TAKE_INSTALLATION,
      [this.allKey(installationId)],
      [],
    )) as string[];
  }

  async takeUser(installationId: string, userId: string): Promise<string[]> {
    return (await this.run(
      'session index take',
      TAKE_USER,
      [this.allKey(installationId), this.userKey(installationId, userId)],
      [],
    )) as string[];
  }

  /** The key of the set of every session of `installationId`. */
  allKey(installationId: string): string {
    return `${this.prefix}{${installationId}}:all`;
  }

  /** The key of the set of the sessions of one user of `installationId`. */
  userKey(installationId: string, userId: string): string {
    return `${this.prefix}{${installationId}}:user:${userId}`;
  }

  private run(operation: string, script: string, keys: string[], args: string[]): Promise<unknown> {
    // Every key of one script shares the `{installationId}` hash tag: one cluster slot.
    return withTimeout(
      this.send({
        key: keys[0],
        isReadOnly: false,
        command: ['EVAL', script, String(keys.length), ...keys, ...args],
      }),
      this.timeoutMs,
      operation,
    );
  }
}

type Callback = (error?: unknown) => void;

/**
 * Wraps an express-session store so every session holding an identity is recorded in a
 * {@link SessionIndex} before it is written (a failed index write fails the save: no unindexed
 * session), and forgotten when destroyed. {@link revokeInstallation} and {@link revokeUser} delete
 * the indexed sessions from the store, so the next request of those users, on any instance, finds
 * no session. Index entries live for the session's remaining absolute lifetime (OWASP ASVS V3.3.4).
 */
export class IndexedSessionStore extends session.Store {
  constructor(
    private readonly inner: session.Store,
    private readonly index: SessionIndex,
    /** The absolute session lifetime, ms (`session.absoluteTimeoutSeconds` × 1000). */
    private readonly absoluteTimeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {
    super();
    if (inner.all) this.all = (callback) => inner.all!(callback);
    if (inner.length) this.length = (callback) => inner.length!(callback);
    if (inner.clear) this.clear = (callback) => inner.clear!(callback);
    const prunable = inner as { prune?: () => void };
    if (typeof prunable.prune === 'function') this.prune = () => prunable.prune!();
  }

  /** The wrapped store's own prune of expired records (memorystore), when it has one. */
  prune?: () => void;

  override get(
    sid: string,
    callback: (error: unknown, session?: session.SessionData | null) => void,
  ): void {
    this.inner.get(sid, callback);
  }

  override set(sid: string, data: session.SessionData, callback?: Callback): void {
    const identity = data.identity;
    if (!identity) {
      this.inner.set(sid, data, callback);
      return;
    }
    const ttlMs = Math.min(
      this.absoluteTimeoutMs,
      identity.loginAt + this.absoluteTimeoutMs - this.now(),
    );
    this.index
      .add(
        { sid, installationId: identity.installationId, userId: identity.userId },
        Math.max(1000, ttlMs),
      )
      .then(
        () => this.inner.set(sid, data, callback),
        (error: unknown) => callback?.(error),
      );
  }

  override destroy(sid: string, callback?: Callback): void {
    this.inner.get(sid, (_error, data) => {
      const identity = data?.identity;
      const forget = identity
        ? this.index.remove({
            sid,
            installationId: identity.installationId,
            userId: identity.userId,
          })
        : Promise.resolve();
      // A stale index entry is harmless (revoking it deletes nothing): never fail a sign-out on it.
      void forget.catch(() => undefined).then(() => this.inner.destroy(sid, callback));
    });
  }

  override touch(sid: string, data: session.SessionData, callback?: () => void): void {
    if (!this.inner.touch) {
      callback?.();
      return;
    }
    this.inner.touch(sid, data, callback ?? (() => undefined));
  }

  /**
   * Ends every session of `installationId` (VERCEL-SSO.md §4a: the installation was removed).
   * @returns how many live sessions were deleted.
   * @throws TypeError for a malformed id; `StoreUnavailableError` when the store fails.
   */
  async revokeInstallation(installationId: string): Promise<number> {
    assertIndexId('installationId', installationId);
    return this.deleteAll(await this.index.takeInstallation(installationId));
  }

  /**
   * Ends every session of one user of `installationId`.
   * @returns how many live sessions were deleted.
   * @throws TypeError for a malformed id; `StoreUnavailableError` when the store fails.
   */
  async revokeUser(installationId: string, userId: string): Promise<number> {
    assertIndexId('installationId', installationId);
    assertIndexId('userId', userId);
    return this.deleteAll(await this.index.takeUser(installationId, userId));
  }

  /** Deletes the sessions that still exist; counts them. */
  private async deleteAll(sids: string[]): Promise<number> {
    const call = <T>(fn: (done: (error?: unknown, value?: T) => void) => void) =>
      new Promise<T | undefined>((resolve, reject) =>
        fn((error, value) => (error ? reject(error) : resolve(value))),
      );
    const deleted = await Promise.all(
      [...new Set(sids)].map(async (sid) => {
        const data = await call<session.SessionData | null>((done) => this.inner.get(sid, done));
        if (!data) return 0;
        await call((done) => this.inner.destroy(sid, done));
        return 1;
      }),
    );
    return deleted.reduce<number>((sum, n) => sum + n, 0);
  }
}
