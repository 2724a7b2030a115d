/**
 * Vercel's user-token endpoints (docs/VERCEL-SSO.md §5; Vercel REST API: Authentication): create,
 * delete, get and list authentication tokens of the user a bearer token belongs to. Every call goes
 * through {@link requestJson} (timeout, `User-Agent`, no redirects, zod-checked 2xx body).
 *
 * Errors thrown by every call:
 * - `VercelApiError` (./errors) for a non-2xx answer, with `status` and Vercel's `error.code`/`error.message` (`apiCode`/`apiMessage`)
 *   (400 invalid value, 401 missing token, 403 team not accessible or, with `invalidToken: true`, an expired,
 *   revoked or unknown token (VERCEL-SSO.md §5), 404 unknown token id, 429 rate limited with `retryAfterSeconds`);
 * - `VercelUnavailableError` (./errors) on timeout, network failure, redirect or a malformed 2xx body;
 * - `TypeError` before any request for an unusable argument (empty token id, bad bearer token).
 * No message ever contains the bearer token.
 *
 * @module
 */
import {
  createAuthTokenResponseSchema,
  deleteAuthTokenResponseSchema,
  getAuthTokenResponseSchema,
  listAuthTokensResponseSchema,
  type PageCursor,
  type CreateAuthTokenRequest,
  type CreateAuthTokenResponse,
  type DeleteAuthTokenResponse,
  type GetAuthTokenResponse,
  type ListAuthTokensResponse,
} from './auth-token';
import { TOKEN_API_MAX_BODY_BYTES } from './bounded-body';
import { requestJson } from './http';

/** The special token id meaning "the token this request is authenticated with". */
export const CURRENT_TOKEN = 'current';

/**
 * Create a token on behalf of a team instead of the personal account: Vercel REST API query parameters
 * `teamId` (team identifier) and `slug` (team slug). Vercel's spec documents them on create only
 * (VERCEL-SSO.md §5), so only {@link createAuthToken} sends them.
 */
export interface TeamSelector {
  /** The Team identifier to perform the request on behalf of. */
  teamId?: string;
  /** The Team slug to perform the request on behalf of. */
  slug?: string;
}

/** Where and how to call, shared by every authenticated call. */
export interface AuthenticatedCall extends TeamSelector {
  /** Origin of the Vercel API: `https://api.vercel.com`, or the emulator in development. */
  apiUrl: URL;
  /** The caller's token, sent as `Authorization: Bearer …`. Secret: never logged. */
  bearerToken: string;
  /** Abort after this many milliseconds. */
  timeoutMs: number;
  /** Injectable fetch (tests); defaults to the global fetch. */
  fetch?: typeof fetch;
}

/**
 * Paging of {@link listAuthTokens} (Vercel REST API: Pagination). Give at most one of `until`/`since`.
 */
export interface ListAuthTokensOptions {
  /** Page size; the emulator accepts 1-100 (default 20). */
  limit?: number;
  /** A previous page's `pagination.next`, passed back verbatim (a string or ms number, VERCEL-SSO.md §5). */
  until?: PageCursor;
  /** A previous page's `pagination.prev`, passed back verbatim (a string or ms number). */
  since?: PageCursor;
  /** `v6` (the current docs, default) or `v5` (the seed page). Both answer the same shape. */
  version?: 'v5' | 'v6';
}

function teamQuery(call: TeamSelector): Record<string, string | undefined> {
  return { teamId: call.teamId, slug: call.slug };
}

/** Shared request options; every token API answer is read with `TOKEN_API_MAX_BODY_BYTES` (bounded-body.ts). */
function common(call: AuthenticatedCall) {
  return {
    bearerToken: call.bearerToken,
    timeoutMs: call.timeoutMs,
    maxBodyBytes: TOKEN_API_MAX_BODY_BYTES,
    ...(call.fetch ? { fetch: call.fetch } : {}),
  };
}

function tokenPath(prefix: string, tokenId: string): string {
  // `.` and `..` survive encodeURIComponent and would be resolved as dot segments (another endpoint).
  if (tokenId.length === 0 || tokenId === '.' || tokenId === '..')
    throw new TypeError('tokenId must be a token id or "current"');
  return `${prefix}/${encodeURIComponent(tokenId)}`;
}

/**
 * Create a token for the authenticated user: `POST /v3/user/tokens` with `{name, expiresAt?, projectId?}`.
 * With `teamId`/`slug` the token is scoped to that team (the only call that sends them).
 * Vercel REST API: Authentication › Create an Auth Token (POST /v3/user/tokens).
 * @returns the token's metadata and its value `bearerToken`, which is returned this once only.
 * @throws VercelApiError 400 (invalid body, e.g. `expiresAt` not in the future), 401, 403.
 * @throws VercelUnavailableError on timeout, network failure or a malformed answer.
 */
export function createAuthToken(
  call: AuthenticatedCall,
  body: CreateAuthTokenRequest,
): Promise<CreateAuthTokenResponse> {
  return requestJson({
    method: 'POST',
    url: new URL('/v3/user/tokens', call.apiUrl),
    query: teamQuery(call),
    body,
    schema: createAuthTokenResponseSchema,
    ...common(call),
  });
}

/**
 * Invalidate a token: `DELETE /v3/user/tokens/{tokenId}`. `tokenId` may be {@link CURRENT_TOKEN}, which
 * invalidates the token of this very request (`call.bearerToken` stops working).
 * Vercel REST API: Authentication › Delete an Auth Token (DELETE /v3/user/tokens/{tokenId}).
 * @returns `{tokenId}`: the id of the deleted token.
 * @throws VercelApiError 400, 401, 403, 404 (no such token of this user).
 * @throws VercelUnavailableError on timeout, network failure or a malformed answer.
 * @throws TypeError for an empty `tokenId`.
 */
export function deleteAuthToken(
  call: AuthenticatedCall,
  tokenId: string,
): Promise<DeleteAuthTokenResponse> {
  return requestJson({
    method: 'DELETE',
    url: new URL(tokenPath('/v3/user/tokens', tokenId), call.apiUrl),
    schema: deleteAuthTokenResponseSchema,
    ...common(call),
  });
}

/**
 * A token's metadata: `GET /v5/user/tokens/{tokenId}`. `tokenId` may be {@link CURRENT_TOKEN}.
 * Vercel REST API: Authentication › Get an Auth Token (GET /v5/user/tokens/{tokenId}).
 * @returns `{token}` (never the token's value).
 * @throws VercelApiError 400, 401, 403, 404 (no such token of this user).
 * @throws VercelUnavailableError on timeout, network failure or a malformed answer.
 * @throws TypeError for an empty `tokenId`.
 */
export function getAuthToken(
  call: AuthenticatedCall,
  tokenId: string,
): Promise<GetAuthTokenResponse> {
  return requestJson({
    method: 'GET',
    url: new URL(tokenPath('/v5/user/tokens', tokenId), call.apiUrl),
    schema: getAuthTokenResponseSchema,
    ...common(call),
  });
}

/**
 * One page of the user's tokens, newest first: `GET /v6/user/tokens` (or `/v5/user/tokens`, the seed)
 * with `limit` and `until`/`since`. Follow `pagination.next` (as `until`) until it is null to see every token.
 * Vercel REST API: Authentication › List Auth Tokens (GET /v5/user/tokens, GET /v6/user/tokens).
 * @returns `{tokens, pagination: {count, next, prev}}` (never token values).
 * @throws VercelApiError 400 (bad `limit`/`until`/`since`), 401, 403.
 * @throws VercelUnavailableError on timeout, network failure or a malformed answer.
 * @throws TypeError when `limit` (or a numeric `until`/`since`) is not a finite number.
 */
export function listAuthTokens(
  call: AuthenticatedCall,
  options: ListAuthTokensOptions = {},
): Promise<ListAuthTokensResponse> {
  return requestJson({
    method: 'GET',
    url: new URL(`/${options.version ?? 'v6'}/user/tokens`, call.apiUrl),
    query: { limit: options.limit, until: options.until, since: options.since },
    schema: listAuthTokensResponseSchema,
    ...common(call),
  });
}
