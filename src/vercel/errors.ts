import { VercelSsoError } from '../errors/base';

/**
 * Errors raised by the Vercel API client. One type for "Vercel answered with an error"
 * ({@link VercelApiError}) and one for "we could not get a usable answer" ({@link VercelUnavailableError}).
 */

/**
 * The codes of the Vercel client's errors (closed): `ERR_VERCEL_API` ({@link VercelApiError}) and
 * `ERR_VERCEL_UNAVAILABLE` ({@link VercelUnavailableError}).
 * @example
 * ```ts
 * const upstreamDown = (code: VercelErrorCode) => code === 'ERR_VERCEL_UNAVAILABLE';
 * ```
 */
export type VercelErrorCode = 'ERR_VERCEL_API' | 'ERR_VERCEL_UNAVAILABLE';

/**
 * Vercel answered with a non-2xx status. `apiCode`/`apiMessage` come from Vercel's
 * `{"error":{"code","message"}}` body when it had one (VERCEL-SSO.md §1.3, §5).
 * @example
 * ```ts
 * if (error instanceof VercelApiError && error.status === 429) retryIn(error.retryAfterSeconds ?? 5);
 * ```
 */
export class VercelApiError extends VercelSsoError<'ERR_VERCEL_API'> {
  readonly code = 'ERR_VERCEL_API' as const;
  constructor(
    /** HTTP status Vercel answered with. */
    readonly status: number,
    /** Vercel's `error.code` (e.g. `invalid_grant`, `forbidden`), when the body had one. Never shown to users. */
    readonly apiCode: string | undefined,
    /** Vercel's `error.message`, when the body had one. Never shown to users. */
    readonly apiMessage: string | undefined,
    /** Details of the answer beyond the status: see {@link VercelApiErrorDetails}. */
    details: VercelApiErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(`Vercel API answered ${status}${apiCode ? ` (${apiCode})` : ''}`, options);
    this.name = 'VercelApiError';
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.invalidToken = details.invalidToken === true;
  }

  /**
   * Seconds to wait before retrying, from Vercel's `Retry-After` header (RFC 9110 §10.2.3: delta-seconds
   * or an HTTP-date); undefined when absent or unparsable. Sent with 429 and 503 answers.
   */
  readonly retryAfterSeconds: number | undefined;

  /**
   * True when Vercel flagged the bearer token itself as unusable: `error.invalidToken: true`, which
   * production sends with a 403 for an expired, revoked or unknown token (VERCEL-SSO.md §5, "Observed in
   * production"). Get a new token; retrying with this one cannot succeed.
   */
  readonly invalidToken: boolean;
}

/** Optional parts of a {@link VercelApiError}. */
export interface VercelApiErrorDetails {
  /** Seconds, from `Retry-After`. */
  retryAfterSeconds?: number | undefined;
  /** `error.invalidToken` of the body. */
  invalidToken?: boolean;
}

/** Largest `Retry-After` we pass on, in seconds (one hour); longer waits are capped. */
export const MAX_RETRY_AFTER_SECONDS = 3600;

/**
 * Parses a `Retry-After` header value (RFC 9110 §10.2.3): a non-negative integer of seconds, or an
 * HTTP-date (the seconds from `nowMs` to it, at least 0). Capped at {@link MAX_RETRY_AFTER_SECONDS}.
 * @param value - the header value, or null/undefined when absent.
 * @param nowMs - the current time, ms since epoch (for an HTTP-date).
 * @returns whole seconds, or undefined when absent or not parsable.
 */
export function parseRetryAfterSeconds(
  value: string | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,10}$/.test(trimmed)) return Math.min(Number(trimmed), MAX_RETRY_AFTER_SECONDS);
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(trimmed))
    return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, Math.ceil((at - nowMs) / 1000)), MAX_RETRY_AFTER_SECONDS);
}

/**
 * Why no usable answer came back (the `reason` of a {@link VercelUnavailableError}): `timeout` (no
 * complete answer within the request's timeout), `network` (connection refused, DNS, reset, an
 * unexpected redirect), `malformed_response` (a 2xx body that is not JSON or not the documented shape),
 * `body_too_large` (the answer exceeded its byte limit, see `bounded-body.ts`; handled like
 * `malformed_response`).
 * @example
 * ```ts
 * const retryable = (reason: VercelUnavailableReason) => reason === 'timeout' || reason === 'network';
 * ```
 */
export type VercelUnavailableReason =
  'timeout' | 'network' | 'malformed_response' | 'body_too_large';

/**
 * Vercel could not be reached in time, or its 2xx answer did not match the documented shape. `reason`
 * says which; `cause` is the original (the fetch `TypeError` whose `cause.code` is `ECONNREFUSED`, the
 * `TimeoutError`, the `BodyTooLargeError`, the zod error of a malformed answer).
 * @example
 * ```ts
 * if (error instanceof VercelUnavailableError && error.reason === 'timeout') retryLater();
 * ```
 */
export class VercelUnavailableError extends VercelSsoError<'ERR_VERCEL_UNAVAILABLE'> {
  readonly code = 'ERR_VERCEL_UNAVAILABLE' as const;
  /** For `body_too_large`: the limit exceeded, bytes of decoded body (safe to log). */
  readonly limitBytes: number | undefined;

  constructor(
    readonly reason: VercelUnavailableReason,
    detail: string,
    options: { limitBytes?: number; cause?: unknown } = {},
  ) {
    super(
      `Vercel API unavailable (${reason}): ${detail}`,
      'cause' in options ? { cause: options.cause } : undefined,
    );
    this.name = 'VercelUnavailableError';
    this.limitBytes = options.limitBytes;
  }
}
