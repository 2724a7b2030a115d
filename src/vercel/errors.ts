/**
 * Errors raised by the Vercel API client. One type for "Vercel answered with an error"
 * ({@link VercelApiError}) and one for "we could not get a usable answer" ({@link VercelUnavailableError}).
 */

/** Vercel answered with a non-2xx status. `code`/`message` come from Vercel's `{"error":{"code","message"}}` body when it had one. */
export class VercelApiError extends Error {
  constructor(
    /** HTTP status Vercel answered with. */
    readonly status: number,
    /** Vercel's `error.code`, when the body had one. Never shown to users. */
    readonly code: string | undefined,
    /** Vercel's `error.message`, when the body had one. Never shown to users. */
    readonly apiMessage: string | undefined,
    /** Details of the answer beyond the status: see {@link VercelApiErrorDetails}. */
    details: VercelApiErrorDetails = {},
  ) {
    super(`Vercel API answered ${status}${code ? ` (${code})` : ''}`);
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
 * Why no usable answer came back. `body_too_large`: the answer exceeded its byte limit (see
 * `bounded-body.ts`); it is handled like `malformed_response`.
 */
export type VercelUnavailableReason =
  'timeout' | 'network' | 'malformed_response' | 'body_too_large';

/** Vercel could not be reached in time, or its 2xx answer did not match the documented shape. */
export class VercelUnavailableError extends Error {
  constructor(
    readonly reason: VercelUnavailableReason,
    detail: string,
    /** For `body_too_large`: the limit exceeded, bytes of decoded body (safe to log). */
    readonly limitBytes?: number,
  ) {
    super(`Vercel API unavailable (${reason}): ${detail}`);
    this.name = 'VercelUnavailableError';
  }
}
