import { parse as parseCookieHeader } from 'cookie';
import type { CookieOptions, Request } from 'express';
import type { SsoSettings } from '../config/options';
import { isValidId } from './deep-links';

/** Lifetime of the installation hint cookie, ms (30 days). Not a credential: it only names the installation. */
export const INSTALLATION_HINT_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
/** Lifetime of the provider-initiated "where to land" record and cookie, ms (10 minutes). */
export const RETURN_TO_MAX_AGE_MS = 10 * 60 * 1000;

/**
 * Names and attributes of our two non-session cookies. Both are `HttpOnly`, `SameSite=Lax`,
 * `Secure` when the session cookie is, and `__Host-` prefixed when Secure.
 * - installation hint: the last installation id (not secret) so an expired session can start
 *   provider-initiated SSO (VERCEL-SSO.md §3);
 * - return-to: a random id of a one-time record holding where the user wanted to go.
 */
export class AuxiliaryCookies {
  readonly installationHint: string;
  readonly returnTo: string;
  /** The id of the account switch offered to this browser (issue 17: the prompt survives a reload). */
  readonly switchOffer: string;

  constructor(private readonly config: Pick<SsoSettings, 'session'>) {
    const prefix = config.session.secureCookies ? '__Host-' : '';
    this.installationHint = `${prefix}sso_installation`;
    this.returnTo = `${prefix}sso_return_to`;
    this.switchOffer = `${prefix}sso_switch`;
  }

  /** Cookie attributes for a cookie living `maxAgeMs` milliseconds. */
  options(maxAgeMs?: number): CookieOptions {
    return {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.session.secureCookies,
      path: '/',
      ...(maxAgeMs !== undefined ? { maxAge: maxAgeMs } : {}),
    };
  }

  /** The installation id from the hint cookie, when well-formed. */
  readInstallationHint(req: Request): string | undefined {
    const value = readCookie(req, this.installationHint);
    return value !== undefined && isValidId(value) ? value : undefined;
  }

  /** The return-to record id from its cookie, when well-formed. */
  readReturnTo(req: Request): string | undefined {
    const value = readCookie(req, this.returnTo);
    return value !== undefined && /^[A-Za-z0-9_-]{16,64}$/.test(value) ? value : undefined;
  }

  /** True when the request carries the return-to cookie at all (well-formed or not). */
  hasReturnTo(req: Request): boolean {
    return readCookie(req, this.returnTo) !== undefined;
  }
}

/**
 * Reads one cookie as a plain string with the `cookie` package. (No cookie-parser: its `j:` JSON
 * cookies turn strings into objects, which express-session then chokes on.)
 */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  try {
    return parseCookieHeader(header)[name];
  } catch {
    return undefined;
  }
}
