/**
 * The typed client for Vercel's authentication endpoints (docs/VERCEL-SSO.md §1.3 and §5): the SSO
 * code exchange and the four user-token calls, configured once. All five go through the one fetch
 * wrapper in `./http` and throw `VercelApiError` (non-2xx, with `status`, `apiCode`, `apiMessage`) or
 * `VercelUnavailableError` (timeout, network, redirect, malformed body). The bearer token is never
 * logged and never part of an error message.
 *
 * @example
 * const vercel = createVercelAuthClient({ apiUrl: new URL('https://api.vercel.com'), bearerToken });
 * const { tokens, pagination } = await vercel.listTokens({ limit: 20 });
 *
 * @module
 */
import type {
  CreateAuthTokenRequest,
  CreateAuthTokenResponse,
  DeleteAuthTokenResponse,
  GetAuthTokenResponse,
  ListAuthTokensResponse,
} from './auth-token';
import { exchangeSsoCode, type SsoCodeExchange, type SsoTokenResponse } from './sso-token';
import {
  createAuthToken,
  deleteAuthToken,
  getAuthToken,
  listAuthTokens,
  type AuthenticatedCall,
  type ListAuthTokensOptions,
  type TeamSelector,
} from './user-tokens';

export * from './auth-token';
export {
  MAX_RETRY_AFTER_SECONDS,
  parseRetryAfterSeconds,
  VercelApiError,
  VercelUnavailableError,
  type VercelApiErrorDetails,
  type VercelUnavailableReason,
} from './errors';
export { exchangeSsoCode, type SsoCodeExchange, type SsoTokenResponse } from './sso-token';
export {
  CURRENT_TOKEN,
  createAuthToken,
  deleteAuthToken,
  getAuthToken,
  listAuthTokens,
  type AuthenticatedCall,
  type ListAuthTokensOptions,
  type TeamSelector,
} from './user-tokens';

/** Default timeout of every call, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Options of {@link createVercelAuthClient}. */
export interface VercelAuthClientOptions extends TeamSelector {
  /** Origin of the Vercel API: `https://api.vercel.com`, or the emulator in development. */
  apiUrl: URL;
  /** Token for the user-token calls (not needed for {@link VercelAuthClient.exchangeSsoCode}). Secret. */
  bearerToken?: string;
  /** Per-call timeout in milliseconds (default {@link DEFAULT_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Injectable fetch (tests); defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** The five calls, bound to one API origin, token, team and timeout. See `./user-tokens` for each call's errors. */
export interface VercelAuthClient {
  /** `POST /v1/integrations/sso/token` (no bearer token). Vercel REST API: Marketplace › SSO Token Exchange. */
  exchangeSsoCode(
    input: Omit<SsoCodeExchange, 'apiUrl' | 'timeoutMs' | 'fetch'>,
  ): Promise<SsoTokenResponse>;
  /** `POST /v3/user/tokens`. Vercel REST API: Authentication › Create an Auth Token. `bearerToken` is in this answer only. */
  createToken(body: CreateAuthTokenRequest): Promise<CreateAuthTokenResponse>;
  /** `DELETE /v3/user/tokens/{tokenId|current}`. Vercel REST API: Authentication › Delete an Auth Token. */
  deleteToken(tokenId: string): Promise<DeleteAuthTokenResponse>;
  /** `GET /v5/user/tokens/{tokenId|current}`. Vercel REST API: Authentication › Get an Auth Token. */
  getToken(tokenId: string): Promise<GetAuthTokenResponse>;
  /** `GET /v6/user/tokens` (or `/v5` with `version: 'v5'`). Vercel REST API: Authentication › List Auth Tokens. */
  listTokens(options?: ListAuthTokensOptions): Promise<ListAuthTokensResponse>;
}

/**
 * Bind the five calls to one configuration.
 * @throws TypeError from the user-token calls (as a rejection) when no `bearerToken` was configured.
 */
export function createVercelAuthClient(options: VercelAuthClientOptions): VercelAuthClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fetchOption = options.fetch ? { fetch: options.fetch } : {};
  const authenticated = async (): Promise<AuthenticatedCall> => {
    if (options.bearerToken === undefined) throw new TypeError('this call needs a bearer token');
    return {
      apiUrl: options.apiUrl,
      bearerToken: options.bearerToken,
      timeoutMs,
      ...(options.teamId !== undefined ? { teamId: options.teamId } : {}),
      ...(options.slug !== undefined ? { slug: options.slug } : {}),
      ...fetchOption,
    };
  };
  return {
    exchangeSsoCode: (input) =>
      exchangeSsoCode({ ...input, apiUrl: options.apiUrl, timeoutMs, ...fetchOption }),
    createToken: async (body) => createAuthToken(await authenticated(), body),
    deleteToken: async (tokenId) => deleteAuthToken(await authenticated(), tokenId),
    getToken: async (tokenId) => getAuthToken(await authenticated(), tokenId),
    listTokens: async (listOptions) => listAuthTokens(await authenticated(), listOptions),
  };
}
