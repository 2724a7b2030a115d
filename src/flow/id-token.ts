import { createRemoteJWKSet, customFetch, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import * as oidc from 'openid-client';
import { BodyTooLargeError, boundedFetch, DISCOVERY_MAX_BODY_BYTES, JWKS_MAX_BODY_BYTES, UnparsableJsonError } from '../vercel/bounded-body';
import { identityFromClaims, userClaimsSchema, type VercelIdentity } from './identity';

/** The id_token failed a check: the login is refused with 401. `check` names it (safe to log). */
export class InvalidIdTokenError extends Error {
  constructor(
    /** The failed check, e.g. `exp`, `iss`, `aud`, `signature`, `alg`, `claim:user_role`. */
    readonly check: string,
  ) {
    super(`id_token rejected: ${check}`);
    this.name = 'InvalidIdTokenError';
  }
}

/** The issuer's keys could not be fetched (discovery or JWKS down, slow or malformed): 503. */
export class KeysUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`issuer keys unavailable: ${reason}`);
    this.name = 'KeysUnavailableError';
  }
}

/** Options of {@link IdTokenVerifier}. */
export interface IdTokenVerifierOptions {
  /** Expected `iss`, exactly (VERCEL-SSO.md §2). */
  issuer: string;
  /** Expected `aud`: our client id, as a single string. */
  audience: string;
  /** JWKS URL; when absent, `jwks_uri` from `{issuer}/.well-known/openid-configuration` (openid-client discovery). */
  jwksUrl?: URL;
  /** Pinned JWS algorithms (RFC 8725 §3.1), e.g. `['RS256']`. */
  algorithms: string[];
  clockToleranceSeconds: number;
  /** Oldest acceptable `iat`, in seconds. */
  maxAgeSeconds: number;
  /** Timeout of each discovery and JWKS request, ms. */
  timeoutMs: number;
  /** Minimum ms between two JWKS refetches caused by an unknown `kid` (jose `cooldownDuration`). */
  cooldownMs: number;
  /** How long a fetched JWKS is fresh, ms (jose `cacheMaxAge`). */
  cacheMaxAgeMs: number;
  /** Injectable fetch for discovery and JWKS (tests); defaults to the global fetch. Answers are bounded either way. */
  fetch?: typeof fetch;
}

/** What the verifier knows about the issuer's keys without asking the network (readiness). */
export interface KeysStatus {
  /** A JWKS is cached: tokens signed with a known `kid` verify even while the issuer is unreachable. */
  cached: boolean;
  /** The cached JWKS is younger than `cacheMaxAgeMs`. */
  fresh: boolean;
  /** The last discovery or JWKS request: when it ended (ms since epoch) and whether it gave a usable answer. */
  lastFetch?: { atMs: number; ok: boolean };
}

type RemoteJwks = ReturnType<typeof createRemoteJWKSet>;

/**
 * Verifies Vercel id_tokens with jose against one remote JWKS per process: keys are fetched
 * once, cached, refetched at most once per cooldown when an unknown `kid` appears (key rotation),
 * and concurrent verifications share one in-flight fetch.
 * Checks (OIDC Core §3.1.3.7): signature with a pinned algorithm, `iss` exact, `aud` exactly our
 * client id (a string, not an array), `exp` and `iat` present, `iat` not in the future beyond
 * the tolerance, and the user claims of VERCEL-SSO.md §2.
 */
export class IdTokenVerifier {
  private jwks?: Promise<RemoteJwks>;
  private resolvedJwks?: RemoteJwks;
  private lastFetch?: { atMs: number; ok: boolean };

  constructor(private readonly options: IdTokenVerifierOptions) {}

  /** The state of the key cache, from memory only: never makes a request. */
  keysStatus(): KeysStatus {
    const jwks = this.resolvedJwks;
    return {
      cached: jwks?.jwks() !== undefined,
      fresh: jwks?.fresh === true,
      ...(this.lastFetch ? { lastFetch: { ...this.lastFetch } } : {}),
    };
  }

  /**
   * The bounded fetch of discovery and JWKS answers (limits in `bounded-body.ts`); records each
   * request's outcome for {@link keysStatus}.
   */
  private recordingFetch(maxBytes: number): typeof fetch {
    const bounded = boundedFetch(maxBytes, this.options.fetch ?? fetch);
    return (async (input: string | URL | Request, init?: RequestInit) => {
      try {
        const response = await bounded(input, init);
        this.lastFetch = { atMs: Date.now(), ok: response.status === 200 };
        return response;
      } catch (error) {
        this.lastFetch = { atMs: Date.now(), ok: false };
        throw error;
      }
    }) as typeof fetch;
  }

  /**
   * @returns the verified identity.
   * @throws {@link InvalidIdTokenError} when any check fails (401).
   * @throws {@link KeysUnavailableError} when the keys cannot be fetched (503).
   */
  async verify(idToken: string): Promise<VercelIdentity> {
    const jwks = await this.keySet();
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(idToken, jwks as JWTVerifyGetKey, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: this.options.algorithms,
        clockTolerance: this.options.clockToleranceSeconds,
        maxTokenAge: this.options.maxAgeSeconds,
        requiredClaims: ['exp', 'iat', 'sub'],
      }));
    } catch (error) {
      throw classify(error);
    }
    if (typeof payload.aud !== 'string') throw new InvalidIdTokenError('aud');
    const claims = userClaimsSchema.safeParse(payload);
    if (!claims.success) {
      const claim = String(claims.error.issues[0]?.path[0] ?? 'claims');
      throw new InvalidIdTokenError(`claim:${claim}`);
    }
    return identityFromClaims(claims.data);
  }

  /**
   * True when the issuer's keys are reachable now, or a previously fetched JWKS is cached (readiness).
   * Never throws.
   */
  async keysAvailable(): Promise<boolean> {
    let jwks: RemoteJwks;
    try {
      jwks = await this.keySet();
    } catch {
      return false;
    }
    if (jwks.fresh) return true;
    try {
      await jwks.reload();
      return true;
    } catch {
      // Unreachable now, but cached keys still verify tokens signed with a known kid.
      return jwks.jwks() !== undefined;
    }
  }

  /** The remote JWKS, resolving its URL through discovery once; a failed discovery is retried next time. */
  private keySet(): Promise<RemoteJwks> {
    if (!this.jwks) {
      this.jwks = this.createKeySet().then(
        (jwks) => (this.resolvedJwks = jwks),
        (error: unknown) => {
          this.jwks = undefined;
          throw error;
        },
      );
    }
    return this.jwks;
  }

  private async createKeySet(): Promise<RemoteJwks> {
    const url = this.options.jwksUrl ?? (await this.discoverJwksUrl());
    return createRemoteJWKSet(url, {
      timeoutDuration: this.options.timeoutMs,
      cooldownDuration: this.options.cooldownMs,
      cacheMaxAge: this.options.cacheMaxAgeMs,
      headers: { Accept: 'application/json' },
      [customFetch]: this.recordingFetch(JWKS_MAX_BODY_BYTES),
    });
  }

  private async discoverJwksUrl(): Promise<URL> {
    const issuer = new URL(this.options.issuer);
    try {
      const configuration = await oidc.discovery(issuer, this.options.audience, undefined, oidc.None(), {
        timeout: Math.max(1, Math.ceil(this.options.timeoutMs / 1000)),
        [oidc.customFetch]: this.recordingFetch(DISCOVERY_MAX_BODY_BYTES),
        ...(issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
      });
      const jwksUri = configuration.serverMetadata().jwks_uri;
      if (!jwksUri) throw new KeysUnavailableError('discovery document has no jwks_uri');
      return new URL(jwksUri);
    } catch (error) {
      if (error instanceof KeysUnavailableError) throw error;
      const bounded = boundedCause(error);
      if (bounded) throw new KeysUnavailableError(`discovery ${bounded}`);
      throw new KeysUnavailableError(`discovery failed (${(error as Error).name})`);
    }
  }
}

/** `answer over N bytes` / `answer nested too deep` when `error` (or a cause) is a bounded-body refusal. */
function boundedCause(error: unknown): string | undefined {
  for (let e = error, i = 0; e instanceof Error && i < 5; e = e.cause, i++) {
    if (e instanceof BodyTooLargeError) return `answer over ${e.limitBytes} bytes`;
    if (e instanceof UnparsableJsonError) return `answer refused (${e.message})`;
  }
  return undefined;
}

/** Maps a jose error to the check that failed, or to an unavailable key set. */
function classify(error: unknown): Error {
  const bounded = boundedCause(error);
  if (bounded) return new KeysUnavailableError(`JWKS ${bounded}`);
  if (error instanceof joseErrors.JWTExpired) return new InvalidIdTokenError('exp');
  if (error instanceof joseErrors.JWTClaimValidationFailed) return new InvalidIdTokenError(error.claim || 'claims');
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return new InvalidIdTokenError('alg');
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return new InvalidIdTokenError('signature');
  if (error instanceof joseErrors.JWKSNoMatchingKey) return new InvalidIdTokenError('kid');
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys) return new InvalidIdTokenError('kid');
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) return new InvalidIdTokenError('malformed');
  if (error instanceof joseErrors.JOSENotSupported) return new InvalidIdTokenError('alg');
  if (error instanceof joseErrors.JWKSTimeout) return new KeysUnavailableError('JWKS timeout');
  if (error instanceof joseErrors.JWKSInvalid) return new KeysUnavailableError('JWKS malformed');
  if (error instanceof joseErrors.JOSEError) {
    // Remaining jose errors come from fetching the JWKS (non-200 answer, non-JSON body).
    return error.code === 'ERR_JOSE_GENERIC' ? new KeysUnavailableError('JWKS fetch failed') : new InvalidIdTokenError(error.code);
  }
  if (error instanceof TypeError || (error as Error)?.name === 'AbortError') return new KeysUnavailableError('JWKS unreachable');
  return new InvalidIdTokenError('malformed');
}
