/**
 * Single-use OAuth authorization codes, each bound to a client id, a Vercel-minted `state`, an
 * installation and a user (VERCEL-SSO.md §1.2-1.3).
 *
 * @module
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';

/** What a code grants once redeemed. */
export interface CodeGrant {
  /** Client id (`oac_…`) the code was minted for. */
  clientId: string;
  /** `icfg_…` installation the login is for. */
  installationId: string;
  /** Per-installation `user_id` of the user logging in. */
  userId: string;
}

/** A stored authorization code. */
export interface AuthorizationCode extends CodeGrant {
  /** The opaque code (base64url, 43 chars). */
  code: string;
  /** The `state` minted with it (base64url, 32 chars); must be presented back unchanged. */
  state: string;
  /** Issue time, ms since epoch. */
  issuedAtMs: number;
  /** Expiry, ms since epoch (`issuedAtMs + codeTtlSeconds * 1000`). */
  expiresAtMs: number;
  /** Set on the first presentation with valid client credentials (single use). */
  used: boolean;
}

/** Why a redemption failed. */
export type RedeemFailure =
  'unknown_code' | 'code_used' | 'client_mismatch' | 'code_expired' | 'state_mismatch';

/** Outcome of {@link CodeStore.redeem}. */
export type RedeemResult = { ok: true; grant: CodeGrant } | { ok: false; reason: RedeemFailure };

/** Used/expired codes are remembered this long after expiry so a replay reports `code_used`. */
const RETAIN_AFTER_EXPIRY_MS = 10 * 60 * 1000;

/**
 * In-memory code store.
 *
 * Redemption order (the caller has already checked the client credentials):
 * unknown → already used → bound to another client (not consumed) → **mark used** → expired →
 * state mismatch. So a code is burnt by its first presentation from the right client even when
 * that presentation then fails on `state` or expiry.
 */
export class CodeStore {
  private readonly codes = new Map<string, AuthorizationCode>();
  private lastPruneMs = 0;

  /**
   * @param ttlSeconds - code lifetime in seconds (may be fractional, e.g. 0.5 in tests).
   * @param now - clock, ms since epoch (injectable for tests).
   */
  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(ttlSeconds > 0) || !Number.isFinite(ttlSeconds)) {
      throw new RangeError('codeTtlSeconds must be a positive finite number of seconds');
    }
  }

  /** Mint a fresh code and state for a grant. Also prunes long-expired codes. */
  mint(grant: CodeGrant): AuthorizationCode {
    const issuedAtMs = this.now();
    this.prune(issuedAtMs);
    const entry: AuthorizationCode = {
      ...grant,
      code: randomBytes(32).toString('base64url'),
      state: randomBytes(24).toString('base64url'),
      issuedAtMs,
      expiresAtMs: issuedAtMs + this.ttlSeconds * 1000,
      used: false,
    };
    this.codes.set(entry.code, entry);
    return entry;
  }

  /**
   * Redeem a code presented by an already-authenticated client.
   * @param code - the `code` from the token request.
   * @param clientId - the authenticated client's id.
   * @param state - the `state` from the token request (compared in constant time); undefined when the
   *   request had none (optional in Vercel's 2026 spec, VERCEL-SSO.md §5).
   */
  redeem(code: string, clientId: string, state: string | undefined): RedeemResult {
    const entry = this.codes.get(code);
    if (!entry) return { ok: false, reason: 'unknown_code' };
    if (entry.used) return { ok: false, reason: 'code_used' };
    if (entry.clientId !== clientId) return { ok: false, reason: 'client_mismatch' };
    entry.used = true;
    if (this.now() > entry.expiresAtMs) return { ok: false, reason: 'code_expired' };
    // VERCEL-SSO.md §5: `state` is optional in the 2026 spec; when given it must match.
    if (state !== undefined && !constantTimeEqual(entry.state, state))
      return { ok: false, reason: 'state_mismatch' };
    return {
      ok: true,
      grant: {
        clientId: entry.clientId,
        installationId: entry.installationId,
        userId: entry.userId,
      },
    };
  }

  /** Number of codes currently remembered (for diagnostics). */
  get size(): number {
    return this.codes.size;
  }

  /** Drop codes expired for longer than the retention window; runs at most once a second. */
  private prune(nowMs: number): void {
    if (nowMs - this.lastPruneMs < 1000) return;
    this.lastPruneMs = nowMs;
    for (const [code, entry] of this.codes) {
      if (nowMs > entry.expiresAtMs + RETAIN_AFTER_EXPIRY_MS) this.codes.delete(code);
    }
  }
}

/**
 * Constant-time string comparison (hashes both sides first so lengths do not leak through
 * `timingSafeEqual`'s length check).
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb) && a === b;
}
