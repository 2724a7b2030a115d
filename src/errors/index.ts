/**
 * The one errors module (STYLE.md; issue 15 item 2): every error class a library user can meet, under
 * one base ({@link VercelSsoError}), each with a `code` from a closed union, the original kept as
 * `cause`; their union ({@link AnyVercelSsoError}) is discriminated by `code`, as jose's errors are.
 * The classes live with the code that throws them; this module gathers them for `src/index.ts`.
 * Errors of the reference service, the sidecar and the CLI (`ConfigError` `ERR_CONFIG`,
 * `AssertionKeyError` `ERR_ASSERTION_KEY`, `UsageError` `ERR_USAGE`) and the internal bounded-body
 * errors (`ERR_BODY_TOO_LARGE`, `ERR_UNPARSABLE_JSON`) share the base but are not part of the library.
 *
 * @module
 */
import type { OptionsErrorCode, VercelSsoOptionsError } from '../config/options';
import type { CallbackErrorCode, InvalidCallbackError } from '../flow/callback-params';
import { LOGIN_FAILURE_CODES, type LoginFailure, type LoginFailureCode } from '../flow/errors';
import type { IdTokenErrorCode, InvalidIdTokenError, KeysUnavailableError } from '../flow/id-token';
import type { StoreErrorCode, StoreTimeoutError, StoreUnavailableError } from '../stores/timeout';
import type { VercelApiError, VercelErrorCode, VercelUnavailableError } from '../vercel/errors';
import { VercelSsoError } from './base';

export { VercelSsoError } from './base';
export { VercelSsoOptionsError, type OptionsErrorCode } from '../config/options';
export { InvalidCallbackError, type CallbackErrorCode } from '../flow/callback-params';
export {
  LOGIN_FAILURE_CODES,
  LOGIN_FAILURE_STATUS,
  LoginFailure,
  type LoginFailureCode,
  type LoginFailureDetails,
} from '../flow/errors';
export { InvalidIdTokenError, KeysUnavailableError, type IdTokenErrorCode } from '../flow/id-token';
export { StoreTimeoutError, StoreUnavailableError, type StoreErrorCode } from '../stores/timeout';
export {
  VercelApiError,
  VercelUnavailableError,
  type VercelErrorCode,
  type VercelUnavailableReason,
} from '../vercel/errors';

/**
 * Every `code` a library error can carry: the {@link LoginFailureCode}s plus one `ERR_…` code per
 * other class. The sets do not overlap, so `switch (error.code)` on an {@link AnyVercelSsoError}
 * narrows to the class.
 * @example
 * ```ts
 * function isRetryable(code: VercelSsoErrorCode): boolean {
 *   return code === 'ERR_VERCEL_UNAVAILABLE' || code === 'ERR_STORE_TIMEOUT' || code === 'exchange_timeout';
 * }
 * ```
 */
export type VercelSsoErrorCode =
  | LoginFailureCode
  | OptionsErrorCode
  | CallbackErrorCode
  | IdTokenErrorCode
  | StoreErrorCode
  | VercelErrorCode;

/**
 * Every error class of the library, discriminated by `code` (see {@link VercelSsoErrorCode}).
 * `LoginFailure` is what the router's pages and JSON answers report; the others are thrown by
 * `createVercelSso` (options) or reach you as a `LoginFailure`'s `cause`.
 * @example
 * ```ts
 * function describe(error: AnyVercelSsoError): string {
 *   switch (error.code) {
 *     case 'ERR_VERCEL_API':
 *       return `Vercel answered ${error.status}`; // error is a VercelApiError
 *     case 'ERR_ID_TOKEN_INVALID':
 *       return `id_token check failed: ${error.check}`; // an InvalidIdTokenError
 *     case 'ERR_STORE_TIMEOUT':
 *       return `store too slow (${error.operation})`;
 *     default:
 *       return error.message;
 *   }
 * }
 * ```
 */
export type AnyVercelSsoError =
  | LoginFailure
  | VercelSsoOptionsError
  | InvalidCallbackError
  | InvalidIdTokenError
  | KeysUnavailableError
  | StoreUnavailableError
  | StoreTimeoutError
  | VercelApiError
  | VercelUnavailableError;

/** Each `ERR_…` code once; `satisfies` makes a code missing from (or foreign to) the union a compile error. */
const ERR_CODES = {
  ERR_VERCEL_SSO_OPTIONS: true,
  ERR_INVALID_CALLBACK: true,
  ERR_ID_TOKEN_INVALID: true,
  ERR_ISSUER_KEYS_UNAVAILABLE: true,
  ERR_STORE_UNAVAILABLE: true,
  ERR_STORE_TIMEOUT: true,
  ERR_VERCEL_API: true,
  ERR_VERCEL_UNAVAILABLE: true,
} satisfies Record<Exclude<VercelSsoErrorCode, LoginFailureCode>, true>;

/**
 * Every {@link VercelSsoErrorCode}: the {@link LOGIN_FAILURE_CODES} first, then the `ERR_…` codes.
 * @example
 * ```ts
 * const known = (code: string) => (VERCEL_SSO_ERROR_CODES as readonly string[]).includes(code);
 * ```
 */
export const VERCEL_SSO_ERROR_CODES: readonly VercelSsoErrorCode[] = [
  ...LOGIN_FAILURE_CODES,
  ...(Object.keys(ERR_CODES) as Array<keyof typeof ERR_CODES>),
];

/**
 * True when `error` is one of the library's errors: an instance of {@link VercelSsoError} whose
 * `code` is in {@link VERCEL_SSO_ERROR_CODES}. Narrows it to {@link AnyVercelSsoError}.
 * @example
 * ```ts
 * if (isVercelSsoError(error) && error.code === 'ERR_VERCEL_SSO_OPTIONS') logger.error({ fields: error.fields }, error.message);
 * ```
 */
export function isVercelSsoError(error: unknown): error is AnyVercelSsoError {
  return (
    error instanceof VercelSsoError &&
    (VERCEL_SSO_ERROR_CODES as readonly string[]).includes((error as VercelSsoError<string>).code)
  );
}
