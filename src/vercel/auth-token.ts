/**
 * Shapes of Vercel's user-token endpoints (docs/VERCEL-SSO.md §5; Vercel REST API:
 * Authentication). Every response body is parsed with these zod schemas; unknown extra fields are
 * dropped, a missing or mistyped documented field makes the response malformed. All times are
 * **milliseconds since the Unix epoch**.
 *
 * Tolerance (VERCEL-SSO.md §5: "new scope types and origins keep appearing: tolerate unknown ones"):
 * a scope of an unknown type, or a known type with an unexpected shape, becomes an
 * {@link OtherScope}; a malformed `sudo` is dropped. One odd scope never makes a whole response
 * malformed.
 *
 * @module
 */
import { z } from 'zod';

/** A timestamp in milliseconds since the Unix epoch. */
const epochMs = z.number().int().nonnegative();

/**
 * Elevated ("sudo") access on a scope (VERCEL-SSO.md §5, "newer scopes add `sudo {origin, verifiedAt?,
 * expiresAt}`"). A malformed one is dropped rather than failing the token.
 */
export const sudoSchema = z.object({
  /** How the elevation was verified. */
  origin: z.string(),
  /** Ms since epoch of the verification. */
  verifiedAt: epochMs.optional(),
  /** Ms since epoch when the elevation ends. */
  expiresAt: epochMs,
});

/** See {@link sudoSchema}. */
export type Sudo = z.infer<typeof sudoSchema>;

const optionalSudo = sudoSchema.optional().catch(undefined);

/**
 * A token scope giving access to the user's personal account.
 * Vercel REST API: Authentication › Get an Auth Token (`token.scopes[]`, `type: "user"`).
 */
export const userScopeSchema = z.object({
  type: z.literal('user'),
  /** How the scope was granted (e.g. `manual`, `github`, `saml`; new origins appear: any string). */
  origin: z.string().optional(),
  /** Ms since epoch. */
  createdAt: epochMs,
  /** Ms since epoch; absent when the scope does not expire. */
  expiresAt: epochMs.optional(),
  /** Elevated access, when granted. */
  sudo: optionalSudo,
});

/**
 * A token scope giving access to one team.
 * Vercel REST API: Authentication › Get an Auth Token (`token.scopes[]`, `type: "team"`).
 */
export const teamScopeSchema = z.object({
  type: z.literal('team'),
  /** The team the token may act on. */
  teamId: z.string(),
  /** How the scope was granted (e.g. `manual`, `saml`; new origins appear: any string). */
  origin: z.string().optional(),
  /** Ms since epoch. */
  createdAt: epochMs,
  /** Ms since epoch; absent when the scope does not expire. */
  expiresAt: epochMs.optional(),
  /** Elevated access, when granted. */
  sudo: optionalSudo,
});

/**
 * A scope this client does not know (a new scope type, or a known type with an unexpected shape),
 * kept so that one such scope never breaks a whole response. `scopeType` is the answer's `type`
 * (`unknown` when it had none).
 */
export interface OtherScope {
  type: 'other';
  scopeType: string;
  origin?: string;
}

const knownScopeSchema = z.discriminatedUnion('type', [userScopeSchema, teamScopeSchema]);

/**
 * One entry of `AuthToken.scopes`: personal account (`user`), one team (`team`), or an
 * {@link OtherScope}. Never fails: anything unrecognised becomes `{type: "other", scopeType}`.
 */
export const authTokenScopeSchema = z
  .unknown()
  .transform((value): z.infer<typeof knownScopeSchema> | OtherScope => {
    const known = knownScopeSchema.safeParse(value);
    if (known.success) return known.data;
    const record =
      typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
    return {
      type: 'other',
      scopeType: typeof record.type === 'string' ? record.type.slice(0, 100) : 'unknown',
      ...(typeof record.origin === 'string' ? { origin: record.origin.slice(0, 100) } : {}),
    };
  });

/** One entry of `AuthToken.scopes` (see {@link authTokenScopeSchema}). */
export type AuthTokenScope = z.infer<typeof authTokenScopeSchema>;

/**
 * Metadata of an authentication token. Never contains the token's value (only
 * {@link CreateAuthTokenResponse.bearerToken} does, once).
 * Vercel REST API: Authentication › Get an Auth Token (GET /v5/user/tokens/{tokenId}), `AuthToken`.
 */
export const authTokenSchema = z.object({
  /** Token id (what `get`/`delete` take), e.g. 64 hex digits. Not a secret. */
  id: z.string().min(1),
  /** Human name given at creation. */
  name: z.string(),
  /** Kind of token, e.g. `oauth2-token`. */
  type: z.string(),
  /** How the token was created, e.g. `manual`. */
  origin: z.string().optional(),
  /** What the token may act on. */
  scopes: z.array(authTokenScopeSchema).optional(),
  /** Ms since epoch; absent when the token never expires. */
  expiresAt: epochMs.optional(),
  /** Ms since epoch of the last use. */
  activeAt: epochMs,
  /** Ms since epoch of the creation. */
  createdAt: epochMs,
  /** Leading characters of the value, for recognition (not enough to use it). */
  prefix: z.string().optional(),
  /** Trailing characters of the value, for recognition (not enough to use it). */
  suffix: z.string().optional(),
  /** Ms since epoch when the token was found leaked, if ever. */
  leakedAt: epochMs.optional(),
  /** Where the token was found leaked (a URL, display only: never followed). */
  leakedUrl: z.string().optional(),
  /** Ms since epoch when the token was revoked; a revoked token no longer authenticates. */
  revokedAt: epochMs.optional(),
});

/** See {@link authTokenSchema}. */
export type AuthToken = z.infer<typeof authTokenSchema>;

/**
 * A paging cursor: a ms timestamp (`/v5`) or an opaque string (`/v6` since 2026-03, VERCEL-SSO.md §5).
 * Pass it back **verbatim** (as Vercel's own CLI does); never interpret it.
 */
export const cursorSchema = z.union([z.string(), z.number()]);

/** See {@link cursorSchema}. */
export type PageCursor = z.infer<typeof cursorSchema>;

/**
 * Paging of a token list, newest first. `next`: pass it as `until` to get the next (older) page;
 * `prev`: pass it as `since` to get the previous (newer) page; `null` when there is no such page.
 * Vercel REST API: Authentication › List Auth Tokens (`pagination`); Vercel REST API: Pagination;
 * VERCEL-SSO.md §5.
 */
export const paginationSchema = z.object({
  /** Number of tokens in this page. */
  count: z.number().int().nonnegative(),
  /** A cursor ({@link cursorSchema}), or null on the last page. */
  next: cursorSchema.nullable(),
  /** A cursor ({@link cursorSchema}), or null on the first page. */
  prev: cursorSchema.nullable(),
});

/** See {@link paginationSchema}. */
export type Pagination = z.infer<typeof paginationSchema>;

/**
 * Request body of `POST /v3/user/tokens`.
 * Vercel REST API: Authentication › Create an Auth Token (POST /v3/user/tokens), body.
 */
export interface CreateAuthTokenRequest {
  /** Required, non-empty. */
  name: string;
  /** Ms since epoch, in the future; omit for a token that does not expire. */
  expiresAt?: number;
  /** Restrict the token to one project (`prj_…`). */
  projectId?: string;
}

/**
 * 200 body of `POST /v3/user/tokens`.
 * Vercel REST API: Authentication › Create an Auth Token (POST /v3/user/tokens), response.
 */
export const createAuthTokenResponseSchema = z.object({
  token: authTokenSchema,
  /** The token's value. Returned **only here, once**: store it safely, never log it. */
  bearerToken: z.string().min(1),
});

/** See {@link createAuthTokenResponseSchema}. Holds a secret (`bearerToken`). */
export type CreateAuthTokenResponse = z.infer<typeof createAuthTokenResponseSchema>;

/**
 * 200 body of `GET /v5/user/tokens/{tokenId}`.
 * Vercel REST API: Authentication › Get an Auth Token (GET /v5/user/tokens/{tokenId}), response.
 */
export const getAuthTokenResponseSchema = z.object({ token: authTokenSchema });

/** See {@link getAuthTokenResponseSchema}. */
export type GetAuthTokenResponse = z.infer<typeof getAuthTokenResponseSchema>;

/**
 * 200 body of `DELETE /v3/user/tokens/{tokenId}`.
 * Vercel REST API: Authentication › Delete an Auth Token (DELETE /v3/user/tokens/{tokenId}), response.
 */
export const deleteAuthTokenResponseSchema = z.object({
  /** Id of the token that was invalidated (the real id also when `current` was asked). */
  tokenId: z.string().min(1),
});

/** See {@link deleteAuthTokenResponseSchema}. */
export type DeleteAuthTokenResponse = z.infer<typeof deleteAuthTokenResponseSchema>;

/**
 * 200 body of `GET /v5/user/tokens` (the seed) and `GET /v6/user/tokens` (current docs).
 * Vercel REST API: Authentication › List Auth Tokens, response. `testingToken` appears in the v5
 * reference only (shape undocumented there; parsed as an `AuthToken` when present).
 */
export const listAuthTokensResponseSchema = z.object({
  /** Newest first. */
  tokens: z.array(authTokenSchema),
  pagination: paginationSchema,
  testingToken: authTokenSchema.nullish(),
});

/** See {@link listAuthTokensResponseSchema}. */
export type ListAuthTokensResponse = z.infer<typeof listAuthTokensResponseSchema>;
