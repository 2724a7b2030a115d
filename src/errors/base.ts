/**
 * The root of every error class of the product (STYLE.md, "One errors module"; issue 15 item 2).
 * Imports nothing, so every layer (core, Vercel client, stores, web, service) may extend it without
 * breaking the one-way dependencies. The public face of the classes is `src/errors/index.ts`.
 *
 * @module
 */

/**
 * The base of every error the product throws: a stable `code` from the closed union of the
 * throwing module (so callers can `switch (error.code)`), and the original error as `cause` when it
 * wraps one (ES2022 `Error.cause`; kept for logs, never shown to users). Messages never hold a secret
 * (no authorization code, state, token or cookie). Modelled on jose's `JOSEError`.
 * @example
 * ```ts
 * import { VercelSsoError } from 'vercel-marketplace-sso';
 * if (error instanceof VercelSsoError) logger.warn({ error_code: error.code }, error.message);
 * ```
 */
export abstract class VercelSsoError<Code extends string = string> extends Error {
  /** The stable code of this error, from the closed union of its module. */
  abstract readonly code: Code;

  /**
   * @param message - what went wrong, without secrets.
   * @param options - `cause`: the original error this one wraps (a jose, fetch, Redis or zod error…).
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A log-safe summary of an error and its causes: class names and codes only, never messages (a
 * message may quote a token, a key or a Redis key). Shape: `{ name, error_code?, cause? }`, nested
 * for each `cause` that is an error up to {@link ERROR_LOG_MAX_DEPTH} levels (jose's claim errors
 * have a plain `{ claim, reason, payload }` cause: never followed, it holds the token's claims).
 * The field is `error_code`, not `code`: the loggers redact every `*.code` (the OAuth authorization
 * code).
 */
export interface ErrorLogSummary {
  /** The error's class name ({@link errorName}), e.g. `JWTExpired`, `TypeError`, `ClientClosedError`. */
  name: string;
  /** Its `code` when it has a short, printable one: `ERR_JWT_EXPIRED`, `ECONNREFUSED`, … */
  error_code?: string;
  /** The same summary of its `cause`. */
  cause?: ErrorLogSummary;
}

/** How many levels of `cause` {@link errorForLog} follows. */
export const ERROR_LOG_MAX_DEPTH = 4;

/** A name or code that is safe to log: a short identifier, nothing that could be a secret value. */
const LOGGABLE_WORD = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;

/**
 * The class name of `error`: its `name`, or its constructor's name when `name` is the generic
 * `Error` (node-redis's `ClientClosedError`, `ErrorReply`, … do not set `name`). Only a short
 * identifier is returned; anything else is `Error`.
 * @example
 * ```ts
 * errorName(new ClientClosedError()); // 'ClientClosedError' (its `name` is 'Error')
 * ```
 */
export function errorName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return typeof error;
  const { name } = error as { name?: unknown };
  const constructorName = (error as { constructor?: { name?: unknown } }).constructor?.name;
  const chosen =
    (name === undefined || name === 'Error') && typeof constructorName === 'string'
      ? constructorName
      : name;
  return typeof chosen === 'string' && LOGGABLE_WORD.test(chosen) ? chosen : 'Error';
}

/**
 * An error of any realm (undici's errors come from Node's internals, not the caller's `Error`): an
 * object with a string `name` and `message`. jose's claim errors carry a plain
 * `{ claim, reason, payload }` as cause, which is not one: it is never followed (it holds the claims).
 */
function isErrorLike(value: unknown): value is Error {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/**
 * Summarises `error` for a pino log line so the original's name survives wrapping (a jose
 * `JWTExpired` inside an `InvalidIdTokenError`, a `TypeError` with `cause.code = 'ECONNREFUSED'`
 * inside a `VercelUnavailableError`, a Redis error inside a `StoreUnavailableError`).
 * @param error - anything thrown.
 * @returns `{ name, error_code?, cause? }`; a value that is not an object is named `typeof value`.
 */
export function errorForLog(error: unknown, depth = 0): ErrorLogSummary {
  if (typeof error !== 'object' || error === null) return { name: typeof error };
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  const summary: ErrorLogSummary = { name: errorName(error) };
  if (typeof code === 'string' && LOGGABLE_WORD.test(code)) summary.error_code = code;
  if (isErrorLike(cause) && depth + 1 < ERROR_LOG_MAX_DEPTH)
    summary.cause = errorForLog(cause, depth + 1);
  return summary;
}
