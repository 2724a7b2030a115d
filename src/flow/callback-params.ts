import { parse as parseQueryString } from 'node:querystring';
import { VercelSsoError } from '../errors/base';
import { DEEP_LINK_PARAMS, type DeepLinkParams } from './deep-links';

/** Upper bound on `code` and `state` length; Vercel's are far shorter (defence against abuse). */
export const MAX_CODE_LENGTH = 2048;
export const MAX_STATE_LENGTH = 2048;
/** Upper bound on any other parameter (deep-link context, `error_description`). */
export const MAX_PARAM_LENGTH = 4096;

/** A Redirect Login URL request that carries a login to complete (VERCEL-SSO.md §1.2). */
export interface SsoCallback {
  kind: 'sso';
  /** One-time authorization code. Secret: never log it. */
  code: string;
  /** Vercel-minted state, passed back unchanged in the exchange. Secret: never log it. */
  state: string;
  deepLink: DeepLinkParams;
}

/** A callback carrying an OAuth error instead of a code (RFC 6749 §4.1.2.1). */
export interface ErrorCallback {
  kind: 'error';
  error: string;
  description?: string;
}

/**
 * The code of the callback-parameters module's one error (closed): `ERR_INVALID_CALLBACK`.
 * @example
 * ```ts
 * const code: CallbackErrorCode = 'ERR_INVALID_CALLBACK';
 * ```
 */
export type CallbackErrorCode = 'ERR_INVALID_CALLBACK';

/**
 * The Redirect Login URL was called with a query the callback refuses (VERCEL-SSO.md §1.2; RFC 9207
 * §2.4 for `iss`): the login fails with `invalid_callback` (400). `reason` says why and is safe to
 * log: it never holds a parameter value.
 * @example
 * ```ts
 * if (error instanceof InvalidCallbackError) logger.warn({ detail: error.reason }, 'bad callback'); // 'state is missing or empty'
 * ```
 */
export class InvalidCallbackError extends VercelSsoError<CallbackErrorCode> {
  readonly code = 'ERR_INVALID_CALLBACK' as const;
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = 'InvalidCallbackError';
  }
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Options of {@link parseCallbackQuery}. */
export interface CallbackQueryOptions {
  /**
   * The configured issuer (`VERCEL_ISSUER`). When the callback carries `iss` it must equal this
   * exactly (RFC 9207 §2.4, simple string comparison); an absent `iss` (what Vercel sends today,
   * VERCEL-SSO.md §1.2) changes nothing.
   */
  issuer?: string;
}

/**
 * The parameters the callback reads; only these are strict (single string, bounded). Any other
 * parameter is ignored whatever its count, repetition or length (VERCEL-SSO.md §1.2: "unknown extra
 * parameters must not break anything"; issue 13 item 8).
 */
export const READ_PARAMS: readonly string[] = [
  'mode',
  'code',
  'state',
  'iss',
  'error',
  'error_description',
  ...DEEP_LINK_PARAMS,
];

/**
 * The query of a request URL, every parameter kept: node:querystring with no key limit (express's
 * `simple` parser stops at 1,000 keys, so unknown parameters placed first could hide `code`).
 * A repeated parameter becomes an array, as with express.
 * @param url - `req.originalUrl` (path and query).
 */
export function readCallbackQuery(url: string): Record<string, unknown> {
  const at = url.indexOf('?');
  if (at < 0) return {};
  const hash = url.indexOf('#', at);
  return {
    ...parseQueryString(url.slice(at + 1, hash < 0 ? undefined : hash), '&', '=', { maxKeys: 0 }),
  };
}

/**
 * Validates the query of `GET /callback`. Every parameter we read (see {@link READ_PARAMS}) must be a
 * single string (a repeated one is refused outright: RFC 9700 §4.5 mix-up defences rely on exact
 * values) and bounded; unknown parameters are ignored.
 * @param query - {@link readCallbackQuery} of the request URL (or `req.query` as parsed by express's
 *   simple parser).
 * @throws {@link InvalidCallbackError} with a loggable reason.
 */
export function parseCallbackQuery(
  query: Record<string, unknown>,
  options: CallbackQueryOptions = {},
): SsoCallback | ErrorCallback {
  for (const name of READ_PARAMS) {
    if (!Object.prototype.hasOwnProperty.call(query, name)) continue;
    const value = query[name];
    if (typeof value !== 'string')
      throw new InvalidCallbackError(`parameter ${name} is repeated or not a string`);
    if (value.length > MAX_PARAM_LENGTH)
      throw new InvalidCallbackError(`parameter ${name} is too long`);
  }
  const get = (name: string): string | undefined =>
    Object.prototype.hasOwnProperty.call(query, name) ? (query[name] as string) : undefined;

  // RFC 9207 §2.4: checked on success and error responses alike, before anything else is used.
  const iss = get('iss');
  if (iss !== undefined && options.issuer !== undefined && iss !== options.issuer)
    throw new InvalidCallbackError('iss does not match the issuer');

  const error = get('error');
  if (error !== undefined) {
    const description = get('error_description');
    // RFC 6749 §4.1.2.1 error codes are ASCII words; anything else is shown as a generic code.
    const code = /^[a-z_]{1,64}$/.test(error) ? error : 'unknown_error';
    return {
      kind: 'error',
      error: code,
      ...(description !== undefined ? { description: description.slice(0, 300) } : {}),
    };
  }

  if (get('mode') !== 'sso') throw new InvalidCallbackError('mode is not sso');
  const code = get('code');
  const state = get('state');
  if (!code) throw new InvalidCallbackError('code is missing or empty');
  if (!state) throw new InvalidCallbackError('state is missing or empty');
  if (code.length > MAX_CODE_LENGTH) throw new InvalidCallbackError('code is too long');
  if (state.length > MAX_STATE_LENGTH) throw new InvalidCallbackError('state is too long');
  if (CONTROL_CHARACTERS.test(code) || /\s/.test(code))
    throw new InvalidCallbackError('code holds control or space characters');
  if (CONTROL_CHARACTERS.test(state) || /\s/.test(state))
    throw new InvalidCallbackError('state holds control or space characters');

  const deepLink: DeepLinkParams = {};
  for (const name of DEEP_LINK_PARAMS) {
    const value = get(name);
    if (value !== undefined) deepLink[name] = value;
  }
  return { kind: 'sso', code, state, deepLink };
}
