import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import * as oidc from 'openid-client';
import { identityFromClaims, userClaimsSchema, type VercelIdentity } from './identity';
import { callerFromClaims, partnerClaimsSchemas, type PartnerTokenKind, type VercelCaller } from './partner-caller';

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

  constructor(private readonly options: IdTokenVerifierOptions) {}

  /**
   * @returns the verified identity.
   * @throws {@link InvalidIdTokenError} when any check fails (401).
   * @throws {@link KeysUnavailableError} when the keys cannot be fetched (503).
   */
  async verify(idToken: string): Promise<VercelIdentity> {
    const payload = await this.verifyJws(idToken, this.options.maxAgeSeconds);
    const claims = userClaimsSchema.safeParse(payload);
    if (!claims.success) {
      const claim = String(claims.error.issues[0]?.path[0] ?? 'claims');
      throw new InvalidIdTokenError(`claim:${claim}`);
    }
    return identityFromClaims(claims.data);
  }

  /**
   * Verifies a Partner API bearer token (VERCEL-SSO.md §4) with the same key set, pinned
   * algorithms, issuer, audience and clock tolerance as the login: `exp` and `iat` required, `iat`
   * not in the future. There is no login-age limit (`maxAgeSeconds`): Vercel reuses such a token
   * until its `exp`. `kind` (from the `X-Vercel-Auth` header) selects the claim schema: `user`
   * (the §2 claims; `type` may be `id_token` or `access_token`) or `system` (`sub` =
   * `account:<id>`, no user claims, `installation_id` may be null). A token of the other kind fails
   * its `sub` check.
   * @returns the verified caller.
   * @throws {@link InvalidIdTokenError} when any check fails (401).
   * @throws {@link KeysUnavailableError} when the keys cannot be fetched (503).
   */
  async verifyPartnerToken(token: string, kind: PartnerTokenKind): Promise<VercelCaller> {
    const payload = await this.verifyJws(token, undefined);
    const iat = payload.iat as number;
    if (iat > Date.now() / 1000 + this.options.clockToleranceSeconds) throw new InvalidIdTokenError('iat');
    const claims = partnerClaimsSchemas[kind].safeParse(payload);
    if (!claims.success) {
      const claim = String(claims.error.issues[0]?.path[0] ?? 'claims');
      throw new InvalidIdTokenError(`claim:${claim}`);
    }
    return callerFromClaims(kind, claims.data);
  }

  /** Signature (pinned algorithms, key by `kid`), `iss`, `aud` (a string), `exp`, `iat` and, when given, the age limit. */
  private async verifyJws(idToken: string, maxAgeSeconds: number | undefined): Promise<Record<string, unknown>> {
    const jwks = await this.keySet();
    const verifyOptions = {
      issuer: this.options.issuer,
      audience: this.options.audience,
      algorithms: this.options.algorithms,
      clockTolerance: this.options.clockToleranceSeconds,
      ...(maxAgeSeconds !== undefined ? { maxTokenAge: maxAgeSeconds } : {}),
      requiredClaims: ['exp', 'iat', 'sub'],
    };
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(idToken, jwks as JWTVerifyGetKey, verifyOptions));
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSMultipleMatchingKeys)) throw classify(error);
      payload = await verifyWithCandidates(idToken, error, verifyOptions);
    }
    if (typeof payload.aud !== 'string') throw new InvalidIdTokenError('aud');
    return payload;
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
      this.jwks = this.createKeySet().catch((error: unknown) => {
        this.jwks = undefined;
        throw error;
      });
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
    });
  }

  private async discoverJwksUrl(): Promise<URL> {
    const issuer = new URL(this.options.issuer);
    try {
      const configuration = await oidc.discovery(issuer, this.options.audience, undefined, oidc.None(), {
        timeout: Math.max(1, Math.ceil(this.options.timeoutMs / 1000)),
        ...(issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
      });
      const jwksUri = configuration.serverMetadata().jwks_uri;
      if (!jwksUri) throw new KeysUnavailableError('discovery document has no jwks_uri');
      return new URL(jwksUri);
    } catch (error) {
      if (error instanceof KeysUnavailableError) throw error;
      throw new KeysUnavailableError(`discovery failed (${(error as Error).name})`);
    }
  }
}

/**
 * Several JWKS keys share the token's `kid` (RFC 7517 §4.5 only says kids SHOULD be distinct):
 * try each candidate in JWKS order, as jose's `createRemoteJWKSet` documentation shows. A candidate
 * whose signature does not match is skipped; any other failure is final.
 * @throws {@link InvalidIdTokenError} `signature` when no candidate verifies, or the failed check.
 */
async function verifyWithCandidates(
  idToken: string,
  candidates: joseErrors.JWKSMultipleMatchingKeys,
  options: Parameters<typeof jwtVerify>[2],
): Promise<Record<string, unknown>> {
  for await (const key of candidates as unknown as AsyncIterable<Parameters<typeof jwtVerify>[1]>) {
    try {
      return (await jwtVerify(idToken, key as Exclude<Parameters<typeof jwtVerify>[1], JWTVerifyGetKey>, options)).payload;
    } catch (error) {
      if (error instanceof joseErrors.JWSSignatureVerificationFailed) continue;
      throw classify(error);
    }
  }
  throw new InvalidIdTokenError('signature');
}

/** Maps a jose error to the check that failed, or to an unavailable key set. */
function classify(error: unknown): Error {
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
