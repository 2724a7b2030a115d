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
    /** `Retry-After` of a 429/503 answer, in seconds (RFC 9110 §10.2.3; delta-seconds or an HTTP date). */
    readonly retryAfterSeconds?: number,
  ) {
    super(`Vercel API answered ${status}${code ? ` (${code})` : ''}`);
    this.name = 'VercelApiError';
  }
}

/** Why no usable answer came back. */
export type VercelUnavailableReason = 'timeout' | 'network' | 'malformed_response';

/** Vercel could not be reached in time, or its 2xx answer did not match the documented shape. */
export class VercelUnavailableError extends Error {
  constructor(
    readonly reason: VercelUnavailableReason,
    detail: string,
  ) {
    super(`Vercel API unavailable (${reason}): ${detail}`);
    this.name = 'VercelUnavailableError';
  }
}

/**
 * Parses a `Retry-After` header (RFC 9110 §10.2.3): delta-seconds or an HTTP date.
 * @returns whole seconds from `nowMs` (at least 0), or undefined when absent or malformed.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}
