/**
 * The emulator's user-token store (docs/VERCEL-SSO.md §5): tokens belong to a seeded person, are
 * looked up by the **sha256 of their value** (the value itself is never stored), can expire, and are
 * listed newest first with Vercel-style `until`/`since` paging.
 *
 * Paging design: `createdAt` is **strictly increasing per person** (a token created in the same
 * millisecond as the person's previous one gets `previous + 1`). A person's `createdAt` values are
 * therefore unique, so a page boundary expressed as one millisecond timestamp can neither skip nor
 * repeat a token: `until=T` is "created before T", `since=T` is "created after T".
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { EmulatorError } from '../error-base';

/** A scope as Vercel's `AuthToken.scopes[]` (Vercel REST API: Authentication › Get an Auth Token). */
export type StoredScope =
  | { type: 'user'; origin: string; createdAt: number; expiresAt?: number }
  | { type: 'team'; teamId: string; origin: string; createdAt: number; expiresAt?: number };

/** A token as stored: metadata plus the hash of its value. Times are ms since epoch. */
export interface StoredUserToken {
  id: string;
  /** Owner: a {@link SeedPerson.id} (`person_…`). */
  personId: string;
  name: string;
  type: 'oauth2-token';
  origin: string;
  scopes: StoredScope[];
  /** Recorded as given at creation; not enforced by the emulator. */
  projectId?: string;
  /** Ms since epoch; absent = never expires. */
  expiresAt?: number;
  /** Ms since epoch of the last successful authentication. */
  activeAt: number;
  /** Ms since epoch; unique per person. */
  createdAt: number;
  /** Hex sha256 of the bearer token's value. */
  valueHash: string;
  /** First 4 characters of the value, for recognition (VERCEL-SSO.md §5 `prefix`). */
  prefix: string;
  /** Last 4 characters of the value, for recognition (VERCEL-SSO.md §5 `suffix`). */
  suffix: string;
  /** Ms since epoch when the token was revoked; a revoked token no longer authenticates but stays listed. */
  revokedAt?: number;
  /** Ms since epoch when the token was found leaked. */
  leakedAt?: number;
  /** Where it was found leaked. */
  leakedUrl?: string;
}

/** The public `AuthToken` shape (no hash, no owner, no project). */
export interface AuthTokenView {
  id: string;
  name: string;
  type: string;
  origin: string;
  scopes: StoredScope[];
  expiresAt?: number;
  activeAt: number;
  createdAt: number;
  prefix: string;
  suffix: string;
  revokedAt?: number;
  leakedAt?: number;
  leakedUrl?: string;
}

/** Input of {@link UserTokenStore.create}. */
export interface NewUserToken {
  personId: string;
  name: string;
  /** Ms since epoch. */
  expiresAt?: number;
  projectId?: string;
  /** Team-scoped token (a `team` scope) instead of a personal one (a `user` scope). */
  teamId?: string;
  /** Use this value instead of a random one (seeded development tokens). */
  value?: string;
  /** Use this id instead of a random one (seeded development tokens). */
  id?: string;
}

/** One page of {@link UserTokenStore.list}. */
export interface UserTokenPage {
  tokens: StoredUserToken[];
  pagination: { count: number; next: number | null; prev: number | null };
}

/** Thrown by {@link UserTokenStore.create} when a person already has {@link MAX_TOKENS_PER_PERSON} tokens. */
export class TokenLimitError extends EmulatorError<'ERR_EMULATOR_TOKEN_LIMIT'> {
  readonly code = 'ERR_EMULATOR_TOKEN_LIMIT' as const;
  constructor() {
    super(`a person may have at most ${MAX_TOKENS_PER_PERSON} tokens`);
    this.name = 'TokenLimitError';
  }
}

/** Upper bound of tokens per person, so the emulator's memory stays bounded. */
export const MAX_TOKENS_PER_PERSON = 500;

/** Hex sha256 of a token value. */
export function hashTokenValue(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** The public view of a stored token. */
export function toAuthToken(token: StoredUserToken): AuthTokenView {
  return {
    id: token.id,
    name: token.name,
    type: token.type,
    origin: token.origin,
    scopes: token.scopes.map((s) => ({ ...s })),
    ...(token.expiresAt !== undefined ? { expiresAt: token.expiresAt } : {}),
    activeAt: token.activeAt,
    createdAt: token.createdAt,
    prefix: token.prefix,
    suffix: token.suffix,
    ...(token.revokedAt !== undefined ? { revokedAt: token.revokedAt } : {}),
    ...(token.leakedAt !== undefined ? { leakedAt: token.leakedAt } : {}),
    ...(token.leakedUrl !== undefined ? { leakedUrl: token.leakedUrl } : {}),
  };
}

/** In-memory token store with an injectable clock (ms since epoch). */
export class UserTokenStore {
  private readonly byId = new Map<string, StoredUserToken>();
  private readonly idByHash = new Map<string, string>();
  private readonly lastCreatedAt = new Map<string, number>();

  /** @param clock - ms since epoch (default `Date.now`); see {@link UserTokenStore.setClock}. */
  constructor(private clock: () => number = () => Date.now()) {}

  /** The store's current time, ms since epoch. */
  now(): number {
    return this.clock();
  }

  /** Replace the clock (tests: freeze time to create tokens in the same millisecond, or jump past an expiry). */
  setClock(clock: () => number): void {
    this.clock = clock;
  }

  /**
   * Store a new token. `createdAt = max(now, previous createdAt of this person + 1)`.
   * @returns the stored record and the token's value (not stored; the caller shows it once).
   * @throws TokenLimitError when the person has {@link MAX_TOKENS_PER_PERSON} tokens.
   */
  create(input: NewUserToken): { token: StoredUserToken; bearerToken: string } {
    if (this.countFor(input.personId) >= MAX_TOKENS_PER_PERSON) throw new TokenLimitError();
    const bearerToken = input.value ?? randomBytes(24).toString('base64url');
    const createdAt = Math.max(this.now(), (this.lastCreatedAt.get(input.personId) ?? -1) + 1);
    this.lastCreatedAt.set(input.personId, createdAt);
    const expiry = input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {};
    const scope: StoredScope =
      input.teamId !== undefined
        ? { type: 'team', teamId: input.teamId, origin: 'manual', createdAt, ...expiry }
        : { type: 'user', origin: 'manual', createdAt, ...expiry };
    const token: StoredUserToken = {
      id: input.id ?? randomBytes(32).toString('hex'),
      personId: input.personId,
      name: input.name,
      type: 'oauth2-token',
      origin: 'manual',
      scopes: [scope],
      ...(input.projectId !== undefined ? { projectId: input.projectId } : {}),
      ...expiry,
      activeAt: createdAt,
      createdAt,
      valueHash: hashTokenValue(bearerToken),
      prefix: bearerToken.slice(0, 4),
      suffix: bearerToken.slice(-4),
    };
    this.byId.set(token.id, token);
    this.idByHash.set(token.valueHash, token.id);
    return { token, bearerToken };
  }

  /**
   * The token a bearer value authenticates as, marking it active; `undefined` when unknown, deleted,
   * revoked or expired (`expiresAt <= now`).
   */
  authenticate(value: string): StoredUserToken | undefined {
    const id = this.idByHash.get(hashTokenValue(value));
    const token = id === undefined ? undefined : this.byId.get(id);
    if (!token) return undefined;
    const now = this.now();
    if (token.expiresAt !== undefined && token.expiresAt <= now) return undefined;
    if (token.revokedAt !== undefined) return undefined;
    token.activeAt = Math.max(token.activeAt, now);
    return token;
  }

  /** A person's token by id; `undefined` when unknown or someone else's. */
  get(personId: string, id: string): StoredUserToken | undefined {
    const token = this.byId.get(id);
    return token && token.personId === personId ? token : undefined;
  }

  /** Delete a person's token; `false` when unknown or someone else's. */
  delete(personId: string, id: string): boolean {
    const token = this.get(personId, id);
    if (!token) return false;
    this.byId.delete(id);
    this.idByHash.delete(token.valueHash);
    return true;
  }

  /**
   * One page of a person's tokens, newest first.
   * - no cursor: the newest `limit`;
   * - `until`: the newest `limit` created before `until`;
   * - `since`: the oldest `limit` created after `since` (still returned newest first).
   * `pagination.next` is the last token's `createdAt` when older tokens exist, `prev` the first
   * token's `createdAt` when newer ones exist; otherwise null (also for an empty page).
   */
  list(personId: string, query: { limit: number; until?: number; since?: number }): UserTokenPage {
    const all = [...this.byId.values()]
      .filter((t) => t.personId === personId)
      .sort((a, b) => b.createdAt - a.createdAt);
    let page: StoredUserToken[];
    if (query.since !== undefined) {
      const since = query.since;
      const newer = all.filter((t) => t.createdAt > since);
      page = newer.slice(Math.max(0, newer.length - query.limit));
    } else {
      const until = query.until;
      page = (until === undefined ? all : all.filter((t) => t.createdAt < until)).slice(
        0,
        query.limit,
      );
    }
    const first = page[0];
    const last = page[page.length - 1];
    const oldest = all[all.length - 1];
    const newest = all[0];
    return {
      tokens: page,
      pagination: {
        count: page.length,
        next: last && oldest && last.createdAt > oldest.createdAt ? last.createdAt : null,
        prev: first && newest && first.createdAt < newest.createdAt ? first.createdAt : null,
      },
    };
  }

  /**
   * Revoke a token (tests and the demo): it stops authenticating and stays listed with `revokedAt`.
   * @returns false when the id is unknown.
   */
  revoke(id: string): boolean {
    const token = this.byId.get(id);
    if (!token) return false;
    token.revokedAt ??= this.now();
    return true;
  }

  /**
   * Record that a token was found leaked at `url` (tests and the demo). The emulator revokes it at the
   * same time (what Vercel does with a leaked token is not documented).
   * @returns false when the id is unknown.
   */
  markLeaked(id: string, url: string): boolean {
    const token = this.byId.get(id);
    if (!token) return false;
    token.leakedAt = this.now();
    token.leakedUrl = url;
    token.revokedAt ??= token.leakedAt;
    return true;
  }

  /** Whether a token id exists. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Every stored record (copies), for inspection in tests and diagnostics. */
  records(): StoredUserToken[] {
    return [...this.byId.values()].map((t) => ({ ...t, scopes: t.scopes.map((s) => ({ ...s })) }));
  }

  private countFor(personId: string): number {
    let n = 0;
    for (const t of this.byId.values()) if (t.personId === personId) n += 1;
    return n;
  }
}
