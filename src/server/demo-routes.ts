import { Router, type RequestHandler } from 'express';
import type { Config } from '../config';
import type { VercelSso } from '../index';
import type { LoginTrails } from './how-you-got-here';

/** What `createApp({ demo })` needs for demo mode (issue 17). Development only. */
export interface DemoExtras {
  /** Records each sign-in for the "How you got here" panel (wraps the `onLogin` option). */
  trails: LoginTrails;
  /** The emulator's base URL, e.g. `http://127.0.0.1:4000` (links back to its dashboard). */
  emulatorUrl: string;
}

/** Path of the demo's "Expire my provider session" control (`GET`: a page with the button; `POST`: the action). */
export const EXPIRE_SESSION_PATH = '/_demo/expire-session';

/** Path of the page between the expiry and the round trip (see {@link demoRouter}). */
export const SESSION_EXPIRED_PATH = '/_demo/session-expired';

/** Longest `rd` (return path) accepted, characters. */
export const MAX_RETURN_PATH_LENGTH = 512;

/**
 * A same-origin path to return to, or `/`: starts with one `/`, no `//` or `/\\` (protocol-relative
 * URLs), no control characters or backslashes (OWASP ASVS V5.1.5, open redirects).
 */
export function localReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > MAX_RETURN_PATH_LENGTH) return '/';
  // eslint-disable-next-line no-control-regex -- refuses control characters on purpose
  if (!value.startsWith('/') || value.startsWith('//') || /[\u0000-\u001f\u007f\\]/.test(value))
    return '/';
  return value.startsWith('/_demo/') ? '/' : value;
}

/**
 * The demo's "Expire my provider session" control, so provider-initiated SSO (VERCEL-SSO.md §3)
 * can be seen in one click instead of waiting `SESSION_IDLE_TIMEOUT_SECONDS`:
 *
 * - `GET /_demo/expire-session?rd=/path`: a page with the button (the emulator dashboard links here);
 * - `POST /_demo/expire-session` (signed in, CSRF token `_csrf`, return path `rd`): the browser forgets
 *   its session cookie (the installation hint cookie stays) and a 303 leads to
 * - `GET /_demo/session-expired?rd=/path`: a page that says what happens next and goes on to `rd` at once
 *   (`<meta http-equiv="refresh">`, with a link). A plain 303 to `rd` would not do: `rd` redirects to
 *   Vercel, and CSP `form-action 'self'` covers every redirect after a form post. `rd` finds no session,
 *   so the library sends the browser to Vercel's `/sso/integrations/…`, which signs it in again and
 *   returns it to the same page.
 *
 * The stored session itself is not deleted (the library keeps its store private); it ends at its
 * idle timeout, and nothing holds its id any more. Never mounted in production (`createApp` refuses).
 */
export function demoRouter(sso: VercelSso, formBody: RequestHandler, config: Config): Router {
  const router = Router();
  router.get(EXPIRE_SESSION_PATH, sso.requireUser(), (req, res) => {
    res.render('expire-session', {
      title: 'Expire my provider session',
      returnPath: localReturnPath(req.query.rd),
    });
  });
  router.post(EXPIRE_SESSION_PATH, formBody, sso.requireUser({ csrf: true }), (req, res) => {
    const identity = res.locals.identity as { installationId: string; userId: string };
    const returnPath = localReturnPath((req.body as Record<string, unknown> | undefined)?.rd);
    res.clearCookie(config.session.cookieName, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: config.session.secureCookies,
    });
    req.log.info(
      {
        event: 'demo_session_expired',
        installation_id: identity.installationId,
        user_id: identity.userId,
      },
      'demo: provider session cookie dropped; the next page goes through provider-initiated SSO',
    );
    res.redirect(303, `${SESSION_EXPIRED_PATH}?rd=${encodeURIComponent(returnPath)}`);
  });
  router.get(SESSION_EXPIRED_PATH, (req, res) => {
    const returnPath = localReturnPath(req.query.rd);
    res.set('Cache-Control', 'no-store');
    res.render('session-expired', {
      title: 'Provider session expired',
      returnPath,
      refreshTo: returnPath,
    });
  });
  return router;
}
