import type { Request, RequestHandler } from 'express';
import type { Config } from '../config';
import type { AuxiliaryCookies } from '../flow/cookies';
import type { ReturnToRecords } from '../flow/return-to';
import { currentIdentity } from '../flow/session';
import { HttpError } from './http-error';

/**
 * True when {@link requireSession} would send this request to provider-initiated SSO (no session,
 * an installation hint, a slug configured): the requests the SSO-redirect rate limit counts.
 */
export function wouldStartProviderSso(config: Config, cookies: AuxiliaryCookies, req: Request): boolean {
  return !currentIdentity(req) && req.method === 'GET' && Boolean(config.integration.slug) && cookies.readInstallationHint(req) !== undefined;
}

/**
 * Guards signed-in pages. Without a session:
 * - when the installation is known from the hint cookie and `INTEGRATION_SLUG` is set, remember
 *   where the user wanted to go and redirect to provider-initiated SSO,
 *   `{VERCEL_SSO_URL}/sso/integrations/{slug}/{installationId}` (VERCEL-SSO.md §3);
 * - otherwise a 401 page telling the user to open the integration from their Vercel dashboard.
 * Signed-in pages are never cached (`Cache-Control: no-store`), so Back after sign-out shows nothing.
 */
export function requireSession(config: Config, cookies: AuxiliaryCookies, returnTo: ReturnToRecords): RequestHandler {
  return async (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    const identity = currentIdentity(req);
    if (identity) {
      res.locals.identity = identity;
      return next();
    }
    const installationId = cookies.readInstallationHint(req);
    const slug = config.integration.slug;
    if (installationId && slug && req.method === 'GET') {
      await returnTo.remember(req, res, req.originalUrl);
      const target = new URL(`/sso/integrations/${encodeURIComponent(slug)}/${encodeURIComponent(installationId)}`, config.vercel.ssoUrl);
      req.log.info({ event: 'provider_initiated_sso', installation_id: installationId }, 'no session; redirecting to Vercel to sign in again');
      res.redirect(302, target.href);
      return;
    }
    throw new HttpError(
      401,
      {
        title: res.locals.sessionExpired ? 'Your session has expired' : 'You are not signed in',
        message: 'Open the integration from your Vercel dashboard to sign in.',
      },
      'no_session',
    );
  };
}

/** Refuses `USER` (read-only) identities with 403 (VERCEL-SSO.md §2: "always validate the user's role"). */
export const requireAdmin: RequestHandler = (_req, res, next) => {
  if (res.locals.identity?.role === 'ADMIN') return next();
  next(new HttpError(403, { title: 'Administrators only', message: 'Your Vercel role for this installation is read-only. Ask a team owner to do this.' }, 'role_not_admin'));
};
