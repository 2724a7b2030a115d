import { SignJWT, type JSONWebKeySet } from 'jose';
import { LRUCache } from 'lru-cache';
import type { SessionIdentity } from '../index';
import type { AssertionKey } from './keys';

/** Longest assertion lifetime, seconds (issue 11: `exp` at most 60 s after `iat`). */
export const MAX_ASSERTION_TTL_SECONDS = 60;

/** What {@link AssertionSigner} needs. */
export interface AssertionSettings {
  /** `iss`: the service's public origin, e.g. `https://app.example.com`. */
  issuer: string;
  /** `aud`: who the assertion is for (default: the upstream's origin). */
  audience: string;
  /** Lifetime, seconds, 1 to {@link MAX_ASSERTION_TTL_SECONDS}. */
  ttlSeconds: number;
  /** Clock, ms since epoch (tests). */
  now?: () => number;
}

/**
 * The claims of an identity assertion (`X-Vercel-SSO-Assertion`), beyond `iss`, `aud`, `iat`,
 * `exp`: `sub` is the Vercel subject (`account:<id>:user:<id>`, VERCEL-SSO.md §2) and the other
 * claims keep Vercel's id_token names so an upstream reads them as it would Vercel's own token.
 */
export interface AssertionClaims {
  sub: string;
  installation_id: string;
  account_id: string;
  user_id: string;
  user_role: 'ADMIN' | 'USER';
  user_name?: string;
  user_email?: string;
  /** The vendor's own account id returned by `onLogin`. */
  account_ref?: string;
}

/**
 * Signs identity assertions: a JWT (RFC 7519) with the first key of {@link AssertionKey}s, header
 * `alg` + `kid` + `typ: JWT`, verified by the upstream against {@link jwks} (the pattern of
 * Pomerium's `X-Pomerium-Jwt-Assertion` and Cloudflare's `Cf-Access-Jwt-Assertion`).
 *
 * Signing is the costly part of a forward-auth check, so one assertion per user is reused while
 * more than half of its lifetime remains (an upstream always receives one valid for at least
 * `ttlSeconds / 2`).
 */
export class AssertionSigner {
  private readonly cache = new LRUCache<string, { token: string; expiresAtMs: number }>({
    max: 10_000,
  });
  private readonly now: () => number;

  /**
   * @throws {RangeError} when `ttlSeconds` is outside 1..{@link MAX_ASSERTION_TTL_SECONDS} or there is no key.
   */
  constructor(
    private readonly keys: readonly AssertionKey[],
    private readonly settings: AssertionSettings,
  ) {
    if (keys.length === 0) throw new RangeError('AssertionSigner: expected at least one key');
    if (
      !Number.isInteger(settings.ttlSeconds) ||
      settings.ttlSeconds < 1 ||
      settings.ttlSeconds > MAX_ASSERTION_TTL_SECONDS
    ) {
      throw new RangeError(`AssertionSigner: ttlSeconds must be 1 to ${MAX_ASSERTION_TTL_SECONDS}`);
    }
    this.now = settings.now ?? Date.now;
  }

  /** The claims an identity is asserted with. Display values are passed as they are in the session. */
  static claims(identity: SessionIdentity): AssertionClaims {
    return {
      sub: identity.subject,
      installation_id: identity.installationId,
      account_id: identity.accountId,
      user_id: identity.userId,
      user_role: identity.role,
      ...(identity.name ? { user_name: identity.name } : {}),
      ...(identity.email ? { user_email: identity.email } : {}),
      ...(identity.accountRef ? { account_ref: identity.accountRef } : {}),
    };
  }

  /** A signed assertion for `identity` (reused while more than half of its lifetime remains). */
  async sign(identity: SessionIdentity): Promise<string> {
    const now = this.now();
    const cacheKey = `${identity.installationId}:${identity.userId}:${identity.loginAt}`;
    const cached = this.cache.get(cacheKey);
    if (cached && cached.expiresAtMs - now > (this.settings.ttlSeconds * 1000) / 2)
      return cached.token;
    const key = this.keys[0]!;
    const iat = Math.floor(now / 1000);
    const exp = iat + this.settings.ttlSeconds;
    const token = await new SignJWT({ ...AssertionSigner.claims(identity) })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(key.privateKey);
    this.cache.set(cacheKey, { token, expiresAtMs: exp * 1000 });
    return token;
  }

  /** The public keys (JWK Set, RFC 7517 §5) for `GET /.well-known/jwks.json`. */
  jwks(): JSONWebKeySet {
    return { keys: this.keys.map((key) => key.publicJwk) };
  }
}
