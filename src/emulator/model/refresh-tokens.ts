/**
 * Refresh tokens issued with each successful SSO token response, for the refresh grant variant of
 * `POST /v1/integrations/sso/token` (VERCEL-SSO.md §5, "The SSO exchange body is a `oneOf`": the
 * code grant, or `{grant_type: "refresh_token", refresh_token, client_id, client_secret}`).
 *
 * Vercel does not document a refresh token's lifetime or whether it rotates; the emulator chooses
 * single use (each refresh answers a new one, RFC 9700 §4.14.2 rotation) and a 30-day lifetime. Only
 * the sha256 of a value is stored; at most {@link MAX_REFRESH_TOKENS} are remembered (oldest dropped).
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';

/** Lifetime of a refresh token, ms (30 days; Vercel's is undocumented). */
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** Upper bound on remembered refresh tokens, so the emulator's memory stays bounded. */
export const MAX_REFRESH_TOKENS = 10_000;

/** Whose login a refresh token continues. */
export interface RefreshGrant {
  clientId: string;
  installationId: string;
  userId: string;
}

/** Single-use refresh tokens, looked up by the sha256 of their value. */
export class RefreshTokenStore {
  private readonly byHash = new Map<string, RefreshGrant & { expiresAtMs: number }>();

  /** @param now - clock, ms since epoch. */
  constructor(private readonly now: () => number = Date.now) {}

  /** Issue a new refresh token for a grant; returns its value (never stored). */
  issue(grant: RefreshGrant): string {
    const value = randomBytes(32).toString('base64url');
    if (this.byHash.size >= MAX_REFRESH_TOKENS) {
      const oldest = this.byHash.keys().next().value;
      if (oldest !== undefined) this.byHash.delete(oldest);
    }
    this.byHash.set(hash(value), { ...grant, expiresAtMs: this.now() + REFRESH_TOKEN_TTL_MS });
    return value;
  }

  /**
   * Redeem a refresh token once.
   * @returns the grant, or undefined when the value is unknown, already used, expired or issued to another client.
   */
  redeem(value: string, clientId: string): RefreshGrant | undefined {
    const key = hash(value);
    const entry = this.byHash.get(key);
    if (!entry || entry.clientId !== clientId) return undefined;
    this.byHash.delete(key);
    if (this.now() > entry.expiresAtMs) return undefined;
    return { clientId: entry.clientId, installationId: entry.installationId, userId: entry.userId };
  }
}

function hash(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}
