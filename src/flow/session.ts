import type { Request, RequestHandler } from 'express';
import 'pino-http';
import session from 'express-session';
import type { SsoSettings } from '../config/options';
import { errorForLog } from '../errors/base';
import { LoginFailure } from './errors';
import { dropIfStillEmpty } from './expired-session';
import type { SessionIdentity } from './identity';

declare module 'express-session' {
  interface SessionData {
    /** The signed-in user. Only identity: never the id_token or access_token (VERCEL-SSO.md §1.4). */
    identity?: SessionIdentity;
  }
}

/** The session store could not be read or written: 503, nothing half-written. */
export function sessionStoreUnavailable(cause?: unknown): LoginFailure {
  return new LoginFailure('session_store_unavailable', { retryAfterSeconds: 5 }, { cause });
}

/** The session settings the session functions read. */
type SessionSettings = Pick<SsoSettings, 'session'>;

/**
 * express-session configured for this service: server-side store, cookie `HttpOnly`,
 * `SameSite=Lax` (the Vercel redirect is a cross-site top-level GET), `Secure` per config; signing
 * secrets rotate (first signs, all verify). The cookie has no `Max-Age`: it lasts the browser
 * session, and both lifetimes are enforced on the server (the store's TTL for idle, the login time
 * for absolute), so responses need not re-send it. A store failure becomes a 503 (never a 500).
 */
export function createSessionMiddleware(
  config: SessionSettings,
  store: session.Store,
): RequestHandler {
  const middleware = session({
    name: config.session.cookieName,
    secret: config.session.secrets,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    // unset stays 'keep': with 'destroy', a request whose store read failed (req.session unset)
    // would delete the session at its end, turning a Redis hiccup into a sign-out.
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.session.secureCookies,
      path: '/',
      ...(config.session.cookieDomain ? { domain: config.session.cookieDomain } : {}),
    },
  });
  return (req, res, next) => {
    let called = false;
    const done = (error?: unknown) => {
      if (called) return;
      called = true;
      if (error) {
        req.log?.warn(
          { event: 'session_store_error', err: errorForLog(error) },
          'session store read failed',
        );
        next(sessionStoreUnavailable(error));
        return;
      }
      next();
    };
    try {
      middleware(req, res, done);
    } catch (error) {
      done(error);
    }
  };
}

/**
 * Enforces the absolute lifetime on the server (OWASP ASVS V3.3.4): a session older than
 * `absoluteTimeoutSeconds` since login is destroyed before the request sees it; sets
 * `res.locals.sessionExpired`.
 *
 * The idle lifetime (ASVS V3.3.2) is enforced by the store itself: every record expires
 * `idleTimeoutSeconds` after its last use (express-session refreshes the TTL with the store's
 * `touch`, throttled, which never recreates a deleted record). Requests do not write the session: a write racing a
 * sign-out on another request or instance would bring the session back.
 */
export function enforceSessionLifetimes(
  config: SessionSettings,
  now: () => number = Date.now,
): RequestHandler {
  const absoluteMs = config.session.absoluteTimeoutSeconds * 1000;
  return async (req, res, next) => {
    const identity = req.session?.identity;
    if (!identity || now() - identity.loginAt <= absoluteMs) return next();
    req.log?.info(
      {
        event: 'session_expired',
        lifetime: 'absolute',
        installation_id: identity.installationId,
        user_id: identity.userId,
      },
      'session expired',
    );
    res.locals.sessionExpired = true;
    try {
      // regenerate, not destroy: the old record is deleted and the request continues with an empty session.
      await new Promise<void>((resolve, reject) =>
        req.session.regenerate((error) => (error ? reject(error) : resolve())),
      );
    } catch (error) {
      return next(sessionStoreUnavailable(error));
    }
    dropIfStillEmpty(req, res); // no new record, no new cookie for the empty replacement (issue 19)
    next();
  };
}

/** The signed-in identity of this request, if any (after {@link enforceSessionLifetimes}). */
export function currentIdentity(req: Request): SessionIdentity | undefined {
  return req.session?.identity;
}

/**
 * Starts a fresh session for `identity`: regenerates the session id (no fixation, OWASP ASVS V3.2.1),
 * stores the identity (and whatever `prepare` adds, e.g. the CSRF token, so later requests never
 * need to write the session) and saves it before the caller redirects.
 * @throws {@link LoginFailure} `session_store_unavailable` (503) when the store fails; no session is created.
 */
export async function establishSession(
  req: Request,
  identity: SessionIdentity,
  prepare?: (req: Request) => void,
): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) =>
      req.session.regenerate((error) => (error ? reject(error) : resolve())),
    );
    req.session.identity = identity;
    prepare?.(req);
    await new Promise<void>((resolve, reject) =>
      req.session.save((error) => (error ? reject(error) : resolve())),
    );
  } catch (error) {
    throw sessionStoreUnavailable(error);
  }
}

/** Destroys the session on the server. @throws the store's error. */
export function destroySession(req: Request): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    req.session.destroy((error) => (error ? reject(error) : resolve())),
  );
}
