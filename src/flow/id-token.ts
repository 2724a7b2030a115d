import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
// Type-only, with resolution-mode: the emitted .d.ts stays valid for CommonJS consumers under node16 (jose is ESM-only).
import type { JWK, JWTPayload, JWTVerifyGetKey, JWTVerifyOptions, RemoteJWKSet } from 'jose' with {
  'resolution-mode': 'import',
};
import * as oidc from 'openid-client';
import { VercelSsoError } from '../errors/base';
import {
  BodyTooLargeError,
  boundedFetch,
  DISCOVERY_MAX_BODY_BYTES,
  JWKS_MAX_BODY_BYTES,
  UnparsableJsonError,
} from '../vercel/bounded-body';
import { identityFromClaims, userClaimsSchema, type VercelIdentity } from './identity';
import type { JwksFetchResult } from './observer';
import {
  callerFromClaims,
  partnerClaimsSchemas,
  type PartnerTokenKind,
  type VercelCaller,
} from './partner-caller';

/**
 * The codes of the id_token module's errors (closed): `ERR_ID_TOKEN_INVALID` ({@link InvalidIdTokenError},
 * a 401) and `ERR_ISSUER_KEYS_UNAVAILABLE` ({@link KeysUnavailableError}, a 503).
 * @example
 * ```ts
 * const retryable = (code: IdTokenErrorCode) => code === 'ERR_ISSUER_KEYS_UNAVAILABLE';
 * ```
 */
export type IdTokenErrorCode = 'ERR_ID_TOKEN_INVALID' | 'ERR_ISSUER_KEYS_UNAVAILABLE';

/**
 * The id_token (or a Partner API bearer token) failed a check: the login is refused with 401
 * (`invalid_id_token`). `check` names it (safe to log); `cause` is the jose error when jose found it
 * (`JWTExpired`, `JWSSignatureVerificationFailed`, …). Rules: OIDC Core §3.1.3.7, RFC 8725 §3.1,
 * VERCEL-SSO.md §2.
 * @example
 * ```ts
 * if (error instanceof InvalidIdTokenError) logger.warn({ check: error.check }, error.message); // check: 'exp'
 * ```
 */
export class InvalidIdTokenError extends VercelSsoError<'ERR_ID_TOKEN_INVALID'> {
  readonly code = 'ERR_ID_TOKEN_INVALID' as const;
  constructor(
    /** The failed check, e.g. `exp`, `iss`, `aud`, `signature`, `alg`, `kid`, `malformed`, `claim:user_role`. */
    readonly check: string,
    options?: { cause?: unknown },
  ) {
    super(`id_token rejected: ${check}`, options);
    this.name = 'InvalidIdTokenError';
  }
}

/**
 * The issuer's keys could not be fetched (discovery or JWKS down, slow or malformed): a 503
 * (`issuer_keys_unavailable`). `reason` says which (safe to log); `cause` is the original (jose's
 * `JWKSTimeout`, a fetch `TypeError`, a bounded-body refusal, …).
 * @example
 * ```ts
 * if (error instanceof KeysUnavailableError) res.set('Retry-After', '5').sendStatus(503);
 * ```
 */
export class KeysUnavailableError extends VercelSsoError<'ERR_ISSUER_KEYS_UNAVAILABLE'> {
  readonly code = 'ERR_ISSUER_KEYS_UNAVAILABLE' as const;
  constructor(
    /** What failed, e.g. `JWKS timeout`, `discovery failed (TypeError)`; never a URL query or a key. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`issuer keys unavailable: ${reason}`, options);
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
  /** Told the result of each JWKS request (not discovery), for metrics; must not throw. */
  onJwksFetch?: (result: JwksFetchResult) => void;
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

type RemoteJwks = RemoteJWKSet;

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
   * request's outcome for {@link keysStatus} and, for JWKS requests, `onResult` (metrics).
   */
  private recordingFetch(
    maxBytes: number,
    onResult?: (result: JwksFetchResult) => void,
  ): typeof fetch {
    const bounded = boundedFetch(maxBytes, this.options.fetch ?? fetch);
    return async (input: string | URL | Request, init?: RequestInit) => {
      try {
        const response = await bounded(input, init);
        this.lastFetch = { atMs: Date.now(), ok: response.status === 200 };
        onResult?.(response.status === 200 ? 'ok' : 'http_error');
        return response;
      } catch (error) {
        this.lastFetch = { atMs: Date.now(), ok: false };
        onResult?.('failed');
        throw error;
      }
    };
  }

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
      throw new InvalidIdTokenError(`claim:${claim}`, { cause: claims.error });
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
    if (iat > Date.now() / 1000 + this.options.clockToleranceSeconds)
      throw new InvalidIdTokenError('iat');
    const claims = partnerClaimsSchemas[kind].safeParse(payload);
    if (!claims.success) {
      const claim = String(claims.error.issues[0]?.path[0] ?? 'claims');
      throw new InvalidIdTokenError(`claim:${claim}`, { cause: claims.error });
    }
    return callerFromClaims(kind, claims.data);
  }

  /** Signature (pinned algorithms, key by `kid`), `iss`, `aud` (a string), `exp`, `iat` and, when given, the age limit. */
  private async verifyJws(
    idToken: string,
    maxAgeSeconds: number | undefined,
  ): Promise<Record<string, unknown>> {
    const jwks = await this.keySet();
    const payload = await verifyWithKeySet(idToken, jwks, {
      issuer: this.options.issuer,
      audience: this.options.audience,
      algorithms: this.options.algorithms,
      clockTolerance: this.options.clockToleranceSeconds,
      ...(maxAgeSeconds !== undefined ? { maxTokenAge: maxAgeSeconds } : {}),
      requiredClaims: ['exp', 'iat', 'sub'],
    });
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
      [customFetch]: this.recordingFetch(JWKS_MAX_BODY_BYTES, this.options.onJwksFetch),
    });
  }

  private async discoverJwksUrl(): Promise<URL> {
    const issuer = new URL(this.options.issuer);
    try {
      const configuration = await oidc.discovery(
        issuer,
        this.options.audience,
        undefined,
        oidc.None(),
        {
          timeout: Math.max(1, Math.ceil(this.options.timeoutMs / 1000)),
          [oidc.customFetch]: this.recordingFetch(DISCOVERY_MAX_BODY_BYTES),
          ...(issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
        },
      );
      const jwksUri = configuration.serverMetadata().jwks_uri;
      if (!jwksUri) throw new KeysUnavailableError('discovery document has no jwks_uri');
      return new URL(jwksUri);
    } catch (error) {
      if (error instanceof KeysUnavailableError) throw error;
      const bounded = boundedCause(error);
      if (bounded) throw new KeysUnavailableError(`discovery ${bounded}`, { cause: error });
      throw new KeysUnavailableError(`discovery failed (${(error as Error).name})`, {
        cause: error,
      });
    }
  }
}

/**
 * Verifies a JWT against a remote key set, accepting every key set a conformant issuer may publish
 * while rotating (issue 13 item 1; RFC 7517 §4.5 makes `kid` optional and does not require it to be
 * unique; RFC 7517 §4.2/§4.3 `use`/`key_ops`; OIDC Core §10.1.1 rotation):
 * - several keys match the token (same `kid`, or no `kid` in the token): each candidate is tried
 *   (jose's `JWKSMultipleMatchingKeys` iterator); a bad signature moves to the next one;
 * - the token names a `kid` that no key carries, and the set has keys without `kid`: those are tried;
 * - encryption keys (`use: "enc"`, `key_ops` without `verify`) and keys of another `kty` or `alg`
 *   are never candidates (jose filters them), so they cannot make a valid token fail.
 * @throws {@link InvalidIdTokenError} when no candidate verifies or a claim check fails (401).
 * @throws {@link KeysUnavailableError} when the key set cannot be fetched (503).
 */
export async function verifyWithKeySet(
  idToken: string,
  jwks: RemoteJwks,
  options: JWTVerifyOptions,
): Promise<JWTPayload> {
  try {
    return (await jwtVerify(idToken, jwks as JWTVerifyGetKey, options)).payload;
  } catch (error) {
    if (error instanceof joseErrors.JWKSMultipleMatchingKeys)
      return verifyWithCandidates(idToken, error, options);
    if (error instanceof joseErrors.JWKSNoMatchingKey) {
      const kidless = kidlessKeys(jwks);
      if (kidless) {
        try {
          return (await jwtVerify(idToken, kidless, options)).payload;
        } catch (inner) {
          if (inner instanceof joseErrors.JWKSMultipleMatchingKeys)
            return verifyWithCandidates(idToken, inner, options);
          throw idTokenErrorFrom(inner instanceof joseErrors.JWKSNoMatchingKey ? error : inner);
        }
      }
    }
    throw idTokenErrorFrom(error);
  }
}

/** Tries each candidate key jose found; the first that verifies wins (jose docs: `JWKSMultipleMatchingKeys`). */
async function verifyWithCandidates(
  idToken: string,
  candidates: joseErrors.JWKSMultipleMatchingKeys,
  options: JWTVerifyOptions,
): Promise<JWTPayload> {
  for await (const key of candidates) {
    try {
      return (await jwtVerify(idToken, key, options)).payload;
    } catch (error) {
      if (error instanceof joseErrors.JWSSignatureVerificationFailed) continue;
      throw idTokenErrorFrom(error);
    }
  }
  throw new InvalidIdTokenError('signature');
}

/**
 * The keys of the cached set that carry no `kid`, as a local key set that ignores the token's `kid`;
 * undefined when there are none (RFC 7517 §4.5: `kid` is OPTIONAL).
 */
function kidlessKeys(jwks: RemoteJwks): JWTVerifyGetKey | undefined {
  const keys = (jwks.jwks()?.keys ?? []).filter((key: JWK) => key.kid === undefined);
  if (keys.length === 0) return undefined;
  const local = createLocalJWKSet({ keys });
  return (header, token) => local({ ...header, kid: undefined }, token);
}

/** `answer over N bytes` / `answer nested too deep` when `error` (or a cause) is a bounded-body refusal. */
function boundedCause(error: unknown): string | undefined {
  for (let e = error, i = 0; e instanceof Error && i < 5; e = e.cause, i++) {
    if (e instanceof BodyTooLargeError) return `answer over ${e.limitBytes} bytes`;
    if (e instanceof UnparsableJsonError) return `answer refused (${e.message})`;
  }
  return undefined;
}

/**
 * Maps an error of jose's `jwtVerify` (or of the JWKS fetch under it) to {@link InvalidIdTokenError}
 * (the token is bad: 401) or {@link KeysUnavailableError} (the keys could not be had: 503), keeping
 * the original as `cause`. jose error classes: https://github.com/panva/jose/blob/main/docs/util/errors/README.md
 * @param error - what `jwtVerify` threw.
 * @returns the error to throw, its `cause` the original.
 */
export function idTokenErrorFrom(error: unknown): InvalidIdTokenError | KeysUnavailableError {
  const cause = { cause: error };
  const bounded = boundedCause(error);
  if (bounded) return new KeysUnavailableError(`JWKS ${bounded}`, cause);
  if (error instanceof joseErrors.JWTExpired) return new InvalidIdTokenError('exp', cause);
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return new InvalidIdTokenError(error.claim || 'claims', cause);
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return new InvalidIdTokenError('alg', cause);
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return new InvalidIdTokenError('signature', cause);
  if (error instanceof joseErrors.JWKSNoMatchingKey) return new InvalidIdTokenError('kid', cause);
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys)
    return new InvalidIdTokenError('kid', cause);
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid)
    return new InvalidIdTokenError('malformed', cause);
  if (error instanceof joseErrors.JOSENotSupported) return new InvalidIdTokenError('alg', cause);
  if (error instanceof joseErrors.JWKSTimeout)
    return new KeysUnavailableError('JWKS timeout', cause);
  if (error instanceof joseErrors.JWKSInvalid)
    return new KeysUnavailableError('JWKS malformed', cause);
  if (error instanceof joseErrors.JOSEError) {
    // Remaining jose errors come from fetching the JWKS (non-200 answer, non-JSON body).
    return error.code === 'ERR_JOSE_GENERIC'
      ? new KeysUnavailableError('JWKS fetch failed', cause)
      : new InvalidIdTokenError(error.code, cause);
  }
  if (error instanceof TypeError || (error as Error)?.name === 'AbortError')
    return new KeysUnavailableError('JWKS unreachable', cause);
  return new InvalidIdTokenError('malformed', cause);
}
