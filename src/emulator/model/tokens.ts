/**
 * The id_token: Vercel's "user auth" claims (VERCEL-SSO.md §2), test overrides, and compact JWS
 * signing (RS256 with the active key, or one of the deliberately bad variants used to prove that
 * the backend refuses them).
 *
 * Signing is done with `node:crypto` over a hand-built JWS so that an override may put anything
 * in the protected header (a wrong `kid`, a lying `alg`, …) without a library rejecting it.
 *
 * @module
 */
import { createHmac, sign as cryptoSign } from 'node:crypto';
import { z } from 'zod';
import type { KeyRing } from './keys';
import type { SeedInstallation, SeedMember, SeedPerson, UserRole } from './seed';

/**
 * The two id_token shapes the emulator can issue (VERCEL-SSO.md §5, "A real-looking Marketplace
 * id_token seen in public code"):
 * - `current` (default): as seen in the wild in 2026: no `type` claim, `nbf` = `iat`, lifetime
 *   3600 s unless configured; the seeded account and user ids are 64 hex digits;
 * - `legacy`: the emulator's shape before 2026: `type: "id_token"`, no `nbf`, lifetime 300 s unless
 *   configured.
 */
export type IdTokenShape = 'current' | 'legacy';

/** Default id_token lifetime of each {@link IdTokenShape}, seconds. */
export const DEFAULT_ID_TOKEN_TTL_SECONDS: Readonly<Record<IdTokenShape, number>> = {
  current: 3600,
  legacy: 300,
};

/** The id_token payload as VERCEL-SSO.md §2 lists it. All times are seconds since epoch. */
export interface IdTokenClaims {
  /** Issuer = the emulator's base URL, e.g. `http://127.0.0.1:4000`. */
  iss: string;
  /** The integration's client id (a string, not an array). */
  aud: string;
  /** `account:<accountHex>:user:<userHex>`. */
  sub: string;
  account_id: string;
  installation_id: string;
  /** Per installation. */
  user_id: string;
  user_role: UserRole;
  /** Only in the `legacy` shape. */
  type?: 'id_token';
  user_email: string;
  user_name: string;
  user_avatar_url: string;
  /** Issued at, seconds. */
  iat: number;
  /** Not before, seconds: equal to `iat`; only in the `current` shape. */
  nbf?: number;
  /** Expiry, seconds (`iat + idTokenTtlSeconds`). */
  exp: number;
}

/**
 * A one-shot change to the next successful token response (`controls.setNextTokenOverride`).
 * - `claims`: merged over the real claims; a value of `null` deletes that claim.
 * - `header`: merged over the protected header; a value of `null` deletes that member.
 * - `signWith`: `'active'` (default) signs RS256 with the active key; `'unknown-key'` RS256 with
 *   a key absent from the JWKS (its own `kid`); `'none'` an unsigned `alg: none` JWT (empty
 *   signature, `kid` of the active key); `'hs256-public-key'` HS256 keyed with the active public
 *   key's SPKI PEM bytes (Node's `export({type: 'spki', format: 'pem'})` form, trailing newline included;
 *   the classic algorithm-confusion attack; `kid` of the active key).
 */
export interface TokenOverride {
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  signWith?: 'active' | 'unknown-key' | 'none' | 'hs256-public-key';
}

/** zod schema of {@link TokenOverride} (used by the HTTP control endpoint). */
export const tokenOverrideSchema = z
  .object({
    claims: z.record(z.string(), z.unknown()).optional(),
    header: z.record(z.string(), z.unknown()).optional(),
    signWith: z.enum(['active', 'unknown-key', 'none', 'hs256-public-key']).optional(),
  })
  .strict();

/** Inputs for {@link buildIdTokenClaims}. */
export interface ClaimsInput {
  issuer: string;
  clientId: string;
  installation: SeedInstallation;
  member: SeedMember;
  person: SeedPerson;
  /** Issue time, seconds since epoch. */
  nowSeconds: number;
  /** Lifetime, seconds. */
  ttlSeconds: number;
  /** Claim shape (default `current`). */
  shape?: IdTokenShape;
}

/** Build the real claims for a user of an installation (VERCEL-SSO.md §2 and §5; never a `nonce`). */
export function buildIdTokenClaims(input: ClaimsInput): IdTokenClaims {
  const { installation, member, person } = input;
  return {
    iss: input.issuer,
    aud: input.clientId,
    sub: `account:${installation.accountId}:user:${member.userId}`,
    account_id: installation.accountId,
    installation_id: installation.id,
    user_id: member.userId,
    user_role: member.role,
    ...(input.shape === 'legacy' ? { type: 'id_token' as const } : {}),
    user_email: person.email,
    user_name: person.name,
    user_avatar_url: `${input.issuer}/avatars/${encodeURIComponent(member.userId)}.svg`,
    iat: input.nowSeconds,
    ...(input.shape === 'legacy' ? {} : { nbf: input.nowSeconds }),
    exp: input.nowSeconds + input.ttlSeconds,
  };
}

/** Merge `patch` over `base`; a `null` value in the patch deletes the key. Returns a new object. */
export function mergeWithDeletes(
  base: Record<string, unknown>,
  patch: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/**
 * Sign claims as a compact JWS.
 * @param claims - the payload (already overridden).
 * @param keys - the issuer's key ring.
 * @param override - optional header patch and signing mode (see {@link TokenOverride}).
 * @returns `header.payload.signature` (signature empty for `'none'`).
 */
export async function signIdToken(
  claims: Record<string, unknown>,
  keys: KeyRing,
  override?: Pick<TokenOverride, 'header' | 'signWith'>,
): Promise<string> {
  const mode = override?.signWith ?? 'active';
  const active = keys.active;
  const signingKey = mode === 'unknown-key' ? await keys.unknownKey() : active;
  const baseHeader: Record<string, unknown> =
    mode === 'none'
      ? { alg: 'none', kid: active.kid, typ: 'JWT' }
      : mode === 'hs256-public-key'
        ? { alg: 'HS256', kid: active.kid, typ: 'JWT' }
        : { alg: 'RS256', kid: signingKey.kid, typ: 'JWT' };
  const header = mergeWithDeletes(baseHeader, override?.header);
  const signingInput = `${b64url(header)}.${b64url(claims)}`;
  let signature: string;
  switch (mode) {
    case 'none':
      signature = '';
      break;
    case 'hs256-public-key':
      signature = createHmac('sha256', Buffer.from(active.publicPem, 'utf8'))
        .update(signingInput)
        .digest('base64url');
      break;
    case 'active':
    case 'unknown-key':
      signature = cryptoSign(
        'sha256',
        Buffer.from(signingInput, 'utf8'),
        signingKey.privateKey,
      ).toString('base64url');
      break;
  }
  return `${signingInput}.${signature}`;
}

/** Identity of a token that {@link PresignedTokens} may reuse: same user, issuer, audience, key and lifetime. */
export interface PresignKey {
  installationId: string;
  userId: string;
  issuer: string;
  clientId: string;
  /** `kid` of the active signing key: a rotation makes every cached token stale. */
  kid: string;
  ttlSeconds: number;
  /** Claim shape (a change re-signs); default `current`. */
  shape?: IdTokenShape;
}

/**
 * Bench mode (`EmulatorOptions.presignTokens`): one id_token per (installation, user), signed at
 * most once per `maxAgeMs` and reused by every exchange in between, so that load tests measure the
 * backend rather than the emulator's RSA signing. A cached token is re-signed when the issuer,
 * client id, active key (rotation) or lifetime changes. Concurrent exchanges share one signature.
 * Never used for exchanges carrying a {@link TokenOverride}.
 */
export class PresignedTokens {
  private readonly entries = new Map<
    string,
    { fingerprint: string; signedAtMs: number; token: Promise<string> }
  >();

  /**
   * @param maxAgeMs - how long a signed token is reused, ms (default 30 s, well inside the
   *   backend's accepted token age).
   * @param now - clock, ms since epoch.
   */
  constructor(
    private readonly maxAgeMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The cached token for `key`, or a new one from `sign` (then cached).
   * @param sign - signs fresh claims; a rejection is not cached.
   */
  get(key: PresignKey, sign: () => Promise<string>): Promise<string> {
    const id = `${key.installationId}\u0000${key.userId}`;
    const fingerprint = `${key.issuer}\u0000${key.clientId}\u0000${key.kid}\u0000${key.ttlSeconds}\u0000${key.shape ?? 'current'}`;
    const at = this.now();
    const cached = this.entries.get(id);
    if (cached && cached.fingerprint === fingerprint && at - cached.signedAtMs < this.maxAgeMs)
      return cached.token;
    const token = sign();
    const entry = { fingerprint, signedAtMs: at, token };
    this.entries.set(id, entry);
    token.catch(() => {
      if (this.entries.get(id) === entry) this.entries.delete(id);
    });
    return token;
  }

  /** Number of cached tokens (tests). */
  get size(): number {
    return this.entries.size;
  }
}
