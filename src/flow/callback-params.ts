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

/** Why a callback query was rejected; safe to log (never a parameter value). */
export class InvalidCallbackError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InvalidCallbackError';
  }
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * Validates the query of `GET /callback`. Every parameter must be a single string
 * (a repeated or nested parameter is refused outright, RFC 9700 §4.5 mix-up defences rely on exact values).
 * @param query - `req.query` as parsed by express's simple (node:querystring) parser.
 * @throws {@link InvalidCallbackError} with a loggable reason.
 */
export function parseCallbackQuery(query: Record<string, unknown>): SsoCallback | ErrorCallback {
  for (const [name, value] of Object.entries(query)) {
    if (typeof value !== 'string') throw new InvalidCallbackError(`parameter ${safeName(name)} is repeated or not a string`);
    if (name.includes('[') || name.includes(']')) throw new InvalidCallbackError('nested parameters are not accepted');
    if (value.length > MAX_PARAM_LENGTH) throw new InvalidCallbackError(`parameter ${safeName(name)} is too long`);
  }
  const get = (name: string): string | undefined => query[name] as string | undefined;

  const error = get('error');
  if (error !== undefined) {
    const description = get('error_description');
    // RFC 6749 §4.1.2.1 error codes are ASCII words; anything else is shown as a generic code.
    const code = /^[a-z_]{1,64}$/.test(error) ? error : 'unknown_error';
    return { kind: 'error', error: code, ...(description !== undefined ? { description: description.slice(0, 300) } : {}) };
  }

  if (get('mode') !== 'sso') throw new InvalidCallbackError('mode is not sso');
  const code = get('code');
  const state = get('state');
  if (!code) throw new InvalidCallbackError('code is missing or empty');
  if (!state) throw new InvalidCallbackError('state is missing or empty');
  if (code.length > MAX_CODE_LENGTH) throw new InvalidCallbackError('code is too long');
  if (state.length > MAX_STATE_LENGTH) throw new InvalidCallbackError('state is too long');
  if (CONTROL_CHARACTERS.test(code) || /\s/.test(code)) throw new InvalidCallbackError('code holds control or space characters');
  if (CONTROL_CHARACTERS.test(state) || /\s/.test(state)) throw new InvalidCallbackError('state holds control or space characters');

  const deepLink: DeepLinkParams = {};
  for (const name of DEEP_LINK_PARAMS) {
    const value = get(name);
    if (value !== undefined) deepLink[name] = value;
  }
  return { kind: 'sso', code, state, deepLink };
}

/** A parameter name trimmed to something safe to put in a log line. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_[\]-]/g, '?').slice(0, 40);
}
