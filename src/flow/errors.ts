import { VercelSsoError } from '../errors/base';

/**
 * Every way a sign-in (or a request that needs one) can fail, as one closed set of codes. The flow
 * throws {@link LoginFailure}; the Express adapter maps each code to a page in one table
 * (`src/web/pages.ts`). Codes are stable: vendors may `switch (error.code)`; they appear in the
 * `reason` field of the `event: "login"` log line and in JSON error bodies.
 * @example
 * ```ts
 * import { LOGIN_FAILURE_STATUS } from 'vercel-marketplace-sso';
 * LOGIN_FAILURE_STATUS.exchange_timeout; // 504
 * ```
 */
export const LOGIN_FAILURE_STATUS = {
  /** The callback query is malformed (missing/repeated `code`, `state`, `mode≠sso`, …). */
  invalid_callback: 400,
  /** Vercel sent `error=…` instead of a code (RFC 6749 §4.1.2.1). */
  login_cancelled: 400,
  /** An https deployment reached over http: the Secure cookie would never be stored. */
  insecure_request: 503,
  /** The `code` was already redeemed by another browser (RFC 9700 §4.2.4 one-time use). */
  code_replayed: 400,
  /** Vercel refused the code (400/404: bad, expired or reused). */
  exchange_rejected: 400,
  /** Vercel answered 429 to the exchange: retry later (503 with Retry-After). */
  exchange_rate_limited: 503,
  /** Vercel answered 401/403 to the exchange: our client id or secret is wrong. */
  client_misconfigured: 502,
  /** Vercel did not answer the exchange in time. */
  exchange_timeout: 504,
  /** The exchange failed upstream (5xx, malformed answer, network). */
  exchange_failed: 502,
  /** The id_token failed a check (signature, iss, aud, exp, iat, claims; OIDC Core §3.1.3.7). */
  invalid_id_token: 401,
  /** The issuer's keys could not be fetched. */
  issuer_keys_unavailable: 503,
  /** The vendor's `onLogin` threw. */
  account_hook_failed: 503,
  /** The vendor's `onLogin` refused the user. */
  account_refused: 403,
  /** A shared store (one-time records, rate limits) is unavailable. */
  store_unavailable: 503,
  /** The session store could not be read or written. */
  session_store_unavailable: 503,
  /** An account-switch confirmation that is unknown, expired or not this session's. */
  switch_not_found: 400,
  /** A page that needs a signed-in user, without one. */
  no_session: 401,
  /** A signed-in user whose role may not do this (VERCEL-SSO.md §2 "always validate the user's role"). */
  role_not_allowed: 403,
  /** Too many requests from one client on a sign-in route (OWASP ASVS V11.1.4). */
  rate_limited: 429,
} as const;

/**
 * The closed set of failure codes; see {@link LOGIN_FAILURE_STATUS} for each one's meaning and status.
 * @example
 * ```ts
 * function advice(code: LoginFailureCode): string {
 *   switch (code) {
 *     case 'client_misconfigured': return 'Check INTEGRATION_CLIENT_ID and INTEGRATION_CLIENT_SECRET.';
 *     default: return 'See docs/troubleshooting.md.';
 *   }
 * }
 * ```
 */
export type LoginFailureCode = keyof typeof LOGIN_FAILURE_STATUS;

/**
 * Every {@link LoginFailureCode}, in table order.
 * @example
 * ```ts
 * for (const code of LOGIN_FAILURE_CODES) alertRules.push({ code, status: LOGIN_FAILURE_STATUS[code] });
 * ```
 */
export const LOGIN_FAILURE_CODES = Object.keys(LOGIN_FAILURE_STATUS) as LoginFailureCode[];

/**
 * Details a failure may carry for its page or headers; never a secret.
 * @example
 * ```ts
 * if (error instanceof LoginFailure && error.details.retryAfterSeconds) res.set('Retry-After', String(error.details.retryAfterSeconds));
 * ```
 */
export interface LoginFailureDetails {
  /** Shown to the user (escaped): the vendor's refusal reason, Vercel's `error` word. */
  userMessage?: string;
  /** `error_description` of a cancelled login (escaped, truncated). */
  description?: string;
  /** Seconds for `Retry-After`. */
  retryAfterSeconds?: number;
  /** Whether the session had just expired (for the "no session" page). */
  sessionExpired?: boolean;
}

/**
 * A failed sign-in or a refused request: `code` from the closed {@link LoginFailureCode} set, the
 * HTTP `status` it maps to, the original error as `cause` (kept for logs, never shown): an
 * `InvalidIdTokenError`, `KeysUnavailableError`, `VercelApiError`, `VercelUnavailableError`,
 * `StoreUnavailableError`, `InvalidCallbackError` or the vendor's own `onLogin` error.
 * @example
 * ```ts
 * import { LoginFailure } from 'vercel-marketplace-sso';
 * if (error instanceof LoginFailure && error.code === 'exchange_timeout') retryLater();
 * ```
 */
export class LoginFailure extends VercelSsoError<LoginFailureCode> {
  /** HTTP status for this code ({@link LOGIN_FAILURE_STATUS}). */
  readonly status: number;

  constructor(
    readonly code: LoginFailureCode,
    readonly details: LoginFailureDetails = {},
    options?: { cause?: unknown },
  ) {
    super(`sign-in failed: ${code}`, options);
    this.name = 'LoginFailure';
    this.status = LOGIN_FAILURE_STATUS[code];
  }
}
