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
  ) {
    super(`Vercel API answered ${status}${code ? ` (${code})` : ''}`);
    this.name = 'VercelApiError';
  }
}

/**
 * Why no usable answer came back. `body_too_large`: the answer exceeded its byte limit (see
 * `bounded-body.ts`); it is handled like `malformed_response`.
 */
export type VercelUnavailableReason = 'timeout' | 'network' | 'malformed_response' | 'body_too_large';

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
