import path from 'node:path';
import { csrfSync } from 'csrf-sync';
import express, { type Express, type RequestHandler } from 'express';
import type session from 'express-session';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { keepVercelIdentity, type AccountResolver } from '../flow/account-hook';
import { AccountSwitch } from '../flow/account-switch';
import { createCallbackHandler } from '../flow/callback';
import { AuxiliaryCookies } from '../flow/cookies';
import { IdTokenVerifier } from '../flow/id-token';
import { Readiness } from '../flow/readiness';
import { ReturnToRecords } from '../flow/return-to';
import { createSessionMiddleware, currentIdentity, destroySession, enforceSessionLifetimes, SESSION_STORE_UNAVAILABLE } from '../flow/session';
import { createStores, type Stores } from '../stores';
import type { OneTimeStore } from '../stores/one-time-store';
import type { SsoTokenResponse } from '../vercel/sso-token';
import { dashboardRouter } from './dashboard';
import { errorHandler, notFound } from './error-handler';
import { createHttpLogger } from './logger';
import { createRateLimit } from './rate-limit';
import { requireSession, wouldStartProviderSso } from './require-session';
import { useEtaViews } from './views';

/** What {@link createApp} needs; everything but `config` and `logger` has a single-instance default. */
export interface AppDependencies {
  config: Config;
  logger: Logger;
  /** Sessions, one-time records and rate-limit counters; default: in process (see `createStores`). */
  stores?: Stores;
  /** id_token verifier; default: one built from `config` (one remote JWKS per process). */
  verifier?: IdTokenVerifier;
  /** Vendor extension point, see `src/flow/account-hook.ts`. */
  resolveAccount?: AccountResolver;
  /** Replaces the code exchange (benchmarks); default: the Vercel API client. */
  exchange?: (code: string, state: string) => Promise<SsoTokenResponse>;
  /** Clock, ms since epoch (tests). */
  now?: () => number;
}

/** The assembled application and the long-lived parts it was built with. */
export interface SsoApp {
  app: Express;
  verifier: IdTokenVerifier;
  stores: Stores;
  sessionStore: session.Store;
  oneTimeStore: OneTimeStore;
  /** `/readyz`'s cached state and its background check; `stop()` it when the app is done. */
  readiness: Readiness;
}

/** Upper bound on POST bodies (sign-out and admin forms carry a CSRF token only). */
export const FORM_BODY_LIMIT = '4kb';

/**
 * Builds the express application: security headers, request logging, sessions, the callback,
 * the provider dashboard, sign-out, `/api/session`, `/healthz` (liveness) and `/readyz` (readiness:
 * the session store answered and the issuer's keys are cached, as of the last background check of
 * `src/flow/readiness.ts`; `/readyz` never makes a request itself). Does not listen.
 */
export function createApp(deps: AppDependencies): SsoApp {
  const { config } = deps;
  const verifier =
    deps.verifier ??
    new IdTokenVerifier({
      issuer: config.vercel.issuer,
      audience: config.integration.clientId,
      ...(config.vercel.jwksUrl ? { jwksUrl: config.vercel.jwksUrl } : {}),
      algorithms: config.idToken.algorithms,
      clockToleranceSeconds: config.idToken.clockToleranceSeconds,
      maxAgeSeconds: config.idToken.maxAgeSeconds,
      timeoutMs: config.http.jwksTimeoutMs,
      cooldownMs: config.http.jwksCooldownMs,
      cacheMaxAgeMs: config.http.jwksCacheMaxAgeMs,
    });
  const stores = deps.stores ?? createStores(config, deps.logger);
  const readiness = new Readiness({ ping: () => stores.ping(), verifier, intervalMs: config.readinessCheckIntervalMs });
  const { sessionStore, oneTimeStore } = stores;
  const cookies = new AuxiliaryCookies(config);
  const returnTo = new ReturnToRecords(oneTimeStore, cookies);
  const rateWindow = config.rateLimit.windowSeconds;
  const callbackLimit = createRateLimit({ windowSeconds: rateWindow, max: config.rateLimit.callbackMax, store: stores.rateLimitStore('callback'), logger: deps.logger });
  // Each provider-initiated SSO redirect writes a return-to record: counted per IP like the callback.
  const ssoRedirectLimit = createRateLimit({
    windowSeconds: rateWindow,
    max: config.rateLimit.callbackMax,
    store: stores.rateLimitStore('sso-redirect'),
    logger: deps.logger,
    skip: (req) => !wouldStartProviderSso(config, cookies, req),
  });
  const signoutLimit = createRateLimit({ windowSeconds: rateWindow, max: config.rateLimit.signoutMax, store: stores.rateLimitStore('signout'), logger: deps.logger });
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => {
      const token: unknown = req.body?._csrf;
      return typeof token === 'string' ? token : undefined;
    },
  });
  const formBody = express.urlencoded({ extended: false, limit: FORM_BODY_LIMIT, parameterLimit: 20 });
  const accountSwitch = new AccountSwitch(oneTimeStore, cookies, (req) => generateToken(req));

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');
  useEtaViews(app, config.env === 'production');
  app.locals.productName = 'Acme Provider';

  app.use(createHttpLogger(deps.logger, config.trustRequestId));
  app.use(helmet(helmetOptions(config)));
  app.use((req, res, next) => {
    res.locals.requestId = String(req.id);
    next();
  });
  app.use('/static', express.static(path.resolve(__dirname, '..', '..', 'public'), { index: false, fallthrough: false, maxAge: '1h' }));
  app.get('/favicon.ico', (_req, res) => {
    res.redirect(301, '/static/favicon.svg');
  });
  app.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  app.get('/readyz', async (req, res) => {
    const { ready, checks, checkedAgoMs } = await readiness.report();
    if (!ready) req.log.warn({ event: 'not_ready', ...checks, checked_ago_ms: checkedAgoMs }, 'not ready');
    res.status(ready ? 200 : 503).set('Cache-Control', 'no-store').json({ status: ready ? 'ready' : 'not_ready', checks });
  });

  app.use(createSessionMiddleware(config, sessionStore));
  app.use(enforceSessionLifetimes(config, deps.now));

  app.get(
    config.callbackPath,
    callbackLimit,
    createCallbackHandler({
      config,
      verifier,
      oneTimeStore,
      resolveAccount: deps.resolveAccount ?? keepVercelIdentity,
      cookies,
      returnTo,
      accountSwitch,
      prepareSession: (req) => void generateToken(req),
      ...(deps.exchange ? { exchange: deps.exchange } : {}),
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );

  app.post('/switch-account', callbackLimit, formBody, csrfSynchronisedProtection, accountSwitch.confirm());
  app.post('/switch-account/cancel', callbackLimit, formBody, csrfSynchronisedProtection, accountSwitch.cancel());

  app.get('/api/session', (req, res) => {
    res.set('Cache-Control', 'no-store');
    const identity = currentIdentity(req);
    if (!identity) {
      res.status(401).json({ error: { code: 'no_session', message: 'Not signed in.' }, request_id: String(req.id) });
      return;
    }
    const { accountRef, ...vercel } = identity;
    res.json({
      installation_id: vercel.installationId,
      account_id: vercel.accountId,
      user_id: vercel.userId,
      sub: vercel.subject,
      user_role: vercel.role,
      user_name: vercel.name ?? null,
      user_email: vercel.email ?? null,
      user_avatar_url: vercel.avatarUrl ?? null,
      account_ref: accountRef ?? null,
      login_at: new Date(vercel.loginAt).toISOString(),
    });
  });

  app.post('/signout', signoutLimit, formBody, csrfSynchronisedProtection, async (req, res) => {
    const identity = currentIdentity(req);
    try {
      await destroySession(req);
    } catch {
      throw SESSION_STORE_UNAVAILABLE;
    }
    res.clearCookie(config.session.cookieName, cookies.options());
    res.clearCookie(cookies.installationHint, cookies.options());
    req.log.info({ event: 'signout', installation_id: identity?.installationId, user_id: identity?.userId }, 'signed out');
    res.redirect(303, '/signed-out');
  });

  app.get('/signed-out', (_req, res) => {
    res.set('Cache-Control', 'no-store').render('signed-out', { title: 'Signed out' });
  });

  const signedIn: RequestHandler[] = [
    ssoRedirectLimit,
    requireSession(config, cookies, returnTo),
    (req, res, next) => {
      res.locals.csrfToken = generateToken(req);
      next();
    },
    formBody,
  ];
  app.use(dashboardRouter(signedIn, csrfSynchronisedProtection));

  app.use(notFound);
  app.use(errorHandler);
  return { app, verifier, stores, sessionStore, oneTimeStore, readiness };
}

/**
 * helmet with a Content-Security-Policy our pages satisfy: no inline script or style, forms post
 * to ourselves only, no framing (OWASP ASVS V14.4). Avatars may come from https origins and from
 * the configured Vercel origins (the emulator in development). `Referrer-Policy: no-referrer` keeps
 * the callback's `code` out of Referer headers (RFC 9700 §4.2.4).
 */
function helmetOptions(config: Config): Parameters<typeof helmet>[0] {
  const https = config.publicUrl.protocol === 'https:';
  const vercelOrigins = [...new Set([config.vercel.apiUrl.origin, config.vercel.ssoUrl.origin])];
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:', 'https:', ...vercelOrigins],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        'base-uri': ["'none'"],
        'object-src': ["'none'"],
        ...(https ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  };
}
