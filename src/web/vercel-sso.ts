import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { csrfSync } from 'csrf-sync';
import express, {
  Router,
  type ErrorRequestHandler,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { Logger } from 'pino';
import { parseVercelSsoOptions, type SsoSettings, type VercelSsoOptions } from '../config/options';
import { AccountSwitch } from '../flow/account-switch';
import { createCallbackFlow } from '../flow/callback';
import { AuxiliaryCookies } from '../flow/cookies';
import { LoginFailure } from '../flow/errors';
import { errorForLog } from '../errors/base';
import { IdTokenVerifier } from '../flow/id-token';
import { completeObserver } from '../flow/observer';
import { Readiness } from '../flow/readiness';
import type { SessionIdentity, VercelRole } from '../flow/identity';
import { ReturnToRecords } from '../flow/return-to';
import {
  createSessionMiddleware,
  destroySession,
  enforceSessionLifetimes,
  sessionStoreUnavailable,
} from '../flow/session';
import { createStores, type Stores } from '../stores';
import { IndexedSessionStore } from '../stores/session-index';
import { createLogger } from './logger';
import { PageRenderer, toFailureAnswer, wantsJson } from './pages';
import { createRequireVercelAuth, type RequireVercelAuthOptions } from './partner-auth';
import { createRateLimit } from './rate-limit';
import { securityHeaders } from './security-headers';
import { IdentityLookup } from './identity-lookup';
import { SessionScope } from './session-scope';
import { createWebhookHandler, type WebhooksOptions } from './webhooks';

/** Upper bound on the router's POST bodies (forms carry a CSRF token and an id only). */
export const FORM_BODY_LIMIT = '4kb';

/**
 * Options of {@link VercelSso.requireUser}.
 * @example
 * ```ts
 * app.post('/settings', express.urlencoded({ extended: false }), sso.requireUser({ role: 'ADMIN', csrf: true }), saveSettings);
 * ```
 */
export interface RequireUserOptions {
  /**
   * `ADMIN`: only administrators pass, a `USER` gets 403 (VERCEL-SSO.md §2 "always validate the
   * user's role"; `USER` is Vercel's read-only role). `USER` (the default): any signed-in user.
   */
  role?: VercelRole;
  /**
   * Check the CSRF token on POST/PUT/PATCH/DELETE (OWASP ASVS V4.2.2): the `_csrf` field of a body
   * your app parsed before this middleware, or an `X-CSRF-Token` header (see {@link VercelSso.csrfToken}).
   * The library never parses your request bodies. Default false: the session cookie is `SameSite=Lax` already.
   */
  csrf?: boolean;
}

/**
 * Readiness of the library's dependencies (for a `/readyz`).
 * @example
 * ```ts
 * app.get('/readyz', async (_req, res) => {
 *   const { sessionStore, issuerKeys } = await sso.ready();
 *   res.status(sessionStore && issuerKeys ? 200 : 503).end();
 * });
 * ```
 */
export interface VercelSsoReadiness {
  /** The session store answered its last ping. */
  sessionStore: boolean;
  /** A JWKS is cached (fetched now or earlier): tokens verify. */
  issuerKeys: boolean;
  /** Age of the background check these answers come from, ms (`readinessCheckIntervalMs` at most, once running). */
  checkedAgoMs: number;
}

/**
 * Vercel Marketplace SSO for an Express app: the router that serves the Redirect Login URL and its
 * companions, and the middleware that guards the host app's routes. Built by {@link createVercelSso}.
 * @example
 * ```ts
 * const sso: VercelSso = createVercelSso(options);
 * app.use('/vercel', sso.router);
 * app.get('/app', sso.requireUser(), (req, res) => res.send(`Hello ${sso.identity(req)!.name}`));
 * ```
 */
export interface VercelSso {
  /**
   * Mount anywhere (`app.use('/vercel', sso.router)`); the Redirect Login URL is then
   * `publicUrl + '/vercel' + callbackPath`. Serves `GET {callbackPath}`, `POST /signout`,
   * `GET /signed-out`, `GET /switch-account` (the pending switch prompt), `POST /switch-account`, `POST /switch-account/cancel`, `GET /start`
   * (provider-initiated sign-in) and `GET /sso-assets/*` (its stylesheet). Every other path falls
   * through to the host app; nothing app-wide is changed.
   */
  readonly router: Router;
  /** Guards a route: a signed-in user (with `role`, when given) passes; others are sent to sign in or refused. */
  requireUser(options?: RequireUserOptions): RequestHandler;
  /** Loads the session when there is one and never refuses; use before {@link identity} on public routes. */
  optionalUser(): RequestHandler;
  /** The signed-in identity of `req` after {@link requireUser} or {@link optionalUser}; undefined otherwise. Never a token. */
  identity(req: Request): SessionIdentity | undefined;
  /**
   * The signed-in identity of `req`, looked up cheaply for a per-request check such as a
   * forward-auth endpoint: the session cookie's signature is checked and the record read, and
   * nothing else happens. No session is created, saved or regenerated, no cookie is set, nothing
   * is logged; the record's idle TTL is refreshed through the same throttled `touch` as
   * {@link requireUser} (at most one store write per session per `idleTimeoutSeconds / 20`, capped at 60 s,
   * OWASP ASVS V3.3.2). A session past its absolute lifetime (ASVS V3.3.4) reads as signed out.
   * Does not need {@link optionalUser} first and does not make {@link identity} answer.
   * @returns the identity, or undefined when there is no valid session.
   * @throws {@link LoginFailure} `session_store_unavailable` (503) when the store cannot be read.
   * @example
   * ```ts
   * app.get('/auth', async (req, res) => {
   *   const user = await sso.lookupIdentity(req).catch(() => undefined);
   *   res.sendStatus(user ? 204 : 401);
   * });
   * ```
   */
  lookupIdentity(req: Request): Promise<SessionIdentity | undefined>;
  /** The CSRF token of the signed-in session (for forms that post to `…/signout` or a `requireUser({ csrf: true })` route). */
  csrfToken(req: Request): string | undefined;
  /**
   * Guards a Partner API route (Vercel calling the vendor, VERCEL-SSO.md §4): verifies
   * `Authorization: Bearer <JWT>` with the login's key set, algorithms, issuer, audience and
   * clock checks, reads the claim schema from `X-Vercel-Auth: user|system`, and checks the kind,
   * the path installation and the role. Refusals in Vercel's shape `{"error":{"code","message"}}`:
   * 401 (no or invalid token or header), 403 (valid token that may not do this), 503 (keys
   * unreachable). Sets `req.vercelCaller`.
   * @throws TypeError for bad options (at construction).
   * @example
   * ```ts
   * app.delete('/v1/installations/:installationId', sso.requireVercelAuth({ allow: ['system', 'user'], role: 'ADMIN' }), async (req, res) => {
   *   await sso.revokeInstallation(req.params.installationId);
   *   res.json({ finalized: true });
   * });
   * ```
   */
  requireVercelAuth(options?: RequireVercelAuthOptions): RequestHandler;
  /**
   * The handler of the integration's webhook URL (VERCEL-SSO.md §4a): checks `x-vercel-signature`
   * (HMAC-SHA1 of the raw body with the client secret, constant-time) before parsing, bounds the
   * body, runs each event id once across instances, revokes the installation's sessions on
   * `integration-configuration.removed`, then calls `onEvent`. Mount it before any body parser.
   * @throws TypeError for bad options (at construction).
   * @example
   * ```ts
   * app.post('/webhooks/vercel', sso.webhooks({ onEvent: async (event) => audit.record(event.type, event.id) }));
   * ```
   */
  webhooks(options?: WebhooksOptions): RequestHandler;
  /**
   * Ends every session of an installation on every instance (its users' next request is signed
   * out). Runs on uninstall by default (the webhook, and the example `DELETE /v1/installations/:id`).
   * @returns the number of live sessions ended (also logged as `event: "sessions_revoked"`).
   * @throws TypeError for a malformed id; a store error (`StoreUnavailableError`) when the store fails.
   * @example
   * ```ts
   * const ended = await sso.revokeInstallation('icfg_abc123');
   * ```
   */
  revokeInstallation(installationId: string): Promise<number>;
  /**
   * Ends every session of one user of an installation on every instance.
   * @returns the number of live sessions ended (also logged).
   * @throws TypeError for a malformed id; a store error when the store fails.
   * @example
   * ```ts
   * await sso.revokeUser('icfg_abc123', 'a11ce000000000000000000000000000000000000000000000000000000000a1');
   * ```
   */
  revokeUser(installationId: string, userId: string): Promise<number>;
  /**
   * Whether the session store and Vercel's keys are usable, from a background check every
   * `readinessCheckIntervalMs` (started by the first call, which waits for it). Never throws and never
   * makes a request of its own, so a `/readyz` cannot be used to make this service call Vercel.
   */
  ready(): Promise<VercelSsoReadiness>;
  /** Releases timers and connections the library opened (not a Redis client you passed in). */
  close(): Promise<void>;
}

/** @internal Parts tests and the reference service may supply instead of the defaults. */
export interface VercelSsoParts {
  stores?: Stores;
  verifier?: IdTokenVerifier;
}

/**
 * Creates Vercel Marketplace SSO for an Express app. Validates `options` at once.
 * @throws {@link VercelSsoOptionsError} (`code` `ERR_VERCEL_SSO_OPTIONS`) naming every bad option.
 * @example
 * ```ts
 * import express from 'express';
 * import { createVercelSso } from 'vercel-marketplace-sso';
 *
 * const app = express();
 * const sso = createVercelSso({
 *   clientId: process.env.INTEGRATION_CLIENT_ID!,
 *   clientSecret: process.env.INTEGRATION_CLIENT_SECRET!,
 *   publicUrl: 'https://app.example.com',
 *   sessionSecret: process.env.SESSION_SECRET!,
 *   onLogin: async ({ identity }) => ({ allow: true, accountRef: await findOrCreateOrg(identity) }),
 * });
 * app.use('/vercel', sso.router); // Redirect Login URL: https://app.example.com/vercel/callback
 * app.get('/dashboard', sso.requireUser(), (req, res) => res.json(sso.identity(req)));
 * ```
 */
export function createVercelSso(options: VercelSsoOptions): VercelSso {
  return assembleVercelSso(parseVercelSsoOptions(options));
}

/** @internal The id_token verifier (one remote JWKS per process) for `settings`. */
export function createIdTokenVerifier(
  settings: SsoSettings,
  onJwksFetch?: ConstructorParameters<typeof IdTokenVerifier>[0]['onJwksFetch'],
): IdTokenVerifier {
  return new IdTokenVerifier({
    issuer: settings.vercel.issuer,
    audience: settings.integration.clientId,
    ...(settings.vercel.jwksUrl ? { jwksUrl: settings.vercel.jwksUrl } : {}),
    algorithms: settings.idToken.algorithms,
    clockToleranceSeconds: settings.idToken.clockToleranceSeconds,
    maxAgeSeconds: settings.idToken.maxAgeSeconds,
    timeoutMs: settings.http.jwksTimeoutMs,
    cooldownMs: settings.http.jwksCooldownMs,
    cacheMaxAgeMs: settings.http.jwksCacheMaxAgeMs,
    ...(onJwksFetch ? { onJwksFetch } : {}),
  });
}

/** @internal Builds the library from validated settings (shared by {@link createVercelSso} and tests). */
export function assembleVercelSso(settings: SsoSettings, parts: VercelSsoParts = {}): VercelSso {
  const logger: Logger = settings.logger ?? createLogger('info');
  const now = settings.now ?? Date.now;
  // Metrics (issue 14 item 2): the host's observer, or one that records nothing.
  const observer = completeObserver(settings.metrics);
  const verifier = parts.verifier ?? createIdTokenVerifier(settings, observer.jwksFetch);
  const stores = parts.stores ?? createStores(settings, logger, observer.storeError);
  // ready() answers from a background check: readiness is never a way to make us call Vercel (issue 19).
  const readiness = new Readiness({
    ping: () => stores.ping(),
    verifier,
    intervalMs: settings.readinessCheckIntervalMs,
    now,
  });
  if (settings.production && stores.kind === 'memory' && !settings.sessionStore) {
    logger.warn(
      { event: 'configuration_warning' },
      'No Redis: sessions, redeemed codes and rate limits are kept in this process only. Run a single instance, or configure Redis (REDIS_URL, or the redis option).',
    );
  }
  // Sessions are indexed by installation and user, so that uninstalling ends them (issue 12).
  const sessionStore = new IndexedSessionStore(
    settings.sessionStore ?? stores.sessionStore,
    stores.sessionIndex,
    settings.session.absoluteTimeoutSeconds * 1000,
    now,
  );
  const { oneTimeStore } = stores;
  const cookies = new AuxiliaryCookies(settings);
  const returnTo = new ReturnToRecords(oneTimeStore, cookies, {
    publicOrigin: settings.publicUrl.origin,
    allowedOrigins: settings.deepLinks.allowedOrigins,
  });
  const lookup = new IdentityLookup(settings, sessionStore, now);
  // The signed-in fast path of requireUser/optionalUser (issue 16): a valid session read through
  // `lookup` (cookie signature, record, absolute lifetime, throttled touch) without running
  // express-session on the request. For an unchanged session express-session would only have done
  // the same (resave/rolling are off, the cookie carries no expiry, so no Set-Cookie). Anything
  // else (no or expired session, a missing CSRF token, a refused role, an unsafe method under
  // `csrf: true`) takes the full path, so its answers are unchanged; a store error is the full
  // path's 503 (`session_store_unavailable`) with its log line.
  const signedInFast = new WeakMap<Request, { identity: SessionIdentity; csrfToken: string }>();
  const readSignedIn = async (req: Request, role?: 'ADMIN' | 'USER') => {
    const found = await lookup.signedIn(req).catch((error: unknown) => {
      // The full path's log line and 503, without reading the failing store a second time.
      const cause = error instanceof LoginFailure ? error.cause : error;
      req.log?.warn(
        { event: 'session_store_error', err: errorForLog(cause) },
        'session store read failed',
      );
      throw error;
    });
    if (!found?.csrfToken) return undefined;
    if (role === 'ADMIN' && found.identity.role !== 'ADMIN') return undefined;
    const fast = { identity: found.identity, csrfToken: found.csrfToken };
    signedInFast.set(req, fast);
    return fast;
  };
  const pages = new PageRenderer({
    productName: settings.productName,
    ...(settings.supportUrl ? { supportUrl: settings.supportUrl } : {}),
    cache: settings.production,
    ...(settings.render ? { render: settings.render } : {}),
    onRenderError: (error, req, res) => lastResort(error, req, res),
    vercelDashboardUrl: new URL('/dashboard', settings.vercel.ssoUrl).href,
  });
  const scope = new SessionScope([
    createSessionMiddleware(settings, sessionStore),
    enforceSessionLifetimes(settings, now),
  ]);
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    // The `_csrf` form field (parsed by the router, or by the host app's body parser before a
    // `requireUser({ csrf: true })` route), or an `X-CSRF-Token` header (fetch/XHR callers).
    getTokenFromRequest: (req) => {
      const token: unknown =
        (req.body as Record<string, unknown> | undefined)?._csrf ?? req.headers['x-csrf-token'];
      return typeof token === 'string' ? token : undefined;
    },
  });
  const prepareSession = (req: Request) => void generateToken(req);
  const ourRoute = Symbol('vercel-sso-route');
  const accountSwitch = new AccountSwitch(oneTimeStore, cookies, prepareSession, observer);
  const callback = createCallbackFlow({
    config: settings,
    verifier,
    oneTimeStore,
    cookies,
    returnTo,
    accountSwitch,
    prepareSession,
    now,
    observer,
  });

  const rateWindow = settings.rateLimit.windowSeconds;
  // The metric label is the route template inside our router (never the raw path), or a fixed word
  // for the provider-initiated redirect of requireUser() on the host's routes.
  const onLimited = (req: Request) => {
    const template = (req.route as { path?: unknown } | undefined)?.path;
    observer.rateLimited(
      (req as Request & { [ourRoute]?: boolean })[ourRoute] && typeof template === 'string'
        ? template
        : '(requireUser)',
    );
  };
  const callbackLimit = createRateLimit({
    windowSeconds: rateWindow,
    max: settings.rateLimit.callbackMax,
    store: stores.rateLimitStore('callback'),
    logger,
    onLimited,
  });
  const signoutLimit = createRateLimit({
    windowSeconds: rateWindow,
    max: settings.rateLimit.signoutMax,
    store: stores.rateLimitStore('signout'),
    logger,
    onLimited,
  });
  // Each provider-initiated SSO redirect writes a return-to record: counted per IP like the callback.
  const ssoRedirectLimit = createRateLimit({
    windowSeconds: rateWindow,
    max: settings.rateLimit.callbackMax,
    store: stores.rateLimitStore('sso-redirect'),
    logger,
    onLimited,
  });
  const formBody = express.urlencoded({
    extended: false,
    limit: FORM_BODY_LIMIT,
    parameterLimit: 20,
  });
  const headers = securityHeaders(settings);

  /** Gives requests a request id and a logger when the host app has none (no pino-http). */
  const context: RequestHandler = (req, res, next) => {
    (req as Request & { [ourRoute]?: boolean })[ourRoute] = true;
    ensureRequestContext(req, res, logger);
    next();
  };
  // Only our own session's identity and token go into our pages, never what the host put in res.locals.
  // Where sso.router is mounted: the `mountPath` option, else learned from the first request that
  // passes through the router. Pages sent from the host's own routes (requireUser) use it for the
  // sign-out form and the stylesheet, since their own `req.baseUrl` is the host's.
  let routerBase: string | undefined = settings.mountPath;
  const baseOf = (req: Request): string =>
    (req as Request & { [ourRoute]?: boolean })[ourRoute] ? req.baseUrl : (routerBase ?? '');
  const layoutLocals = (
    req: Request,
    _res: Response,
    shadow?: Request,
  ): Record<string, unknown> => {
    const identity = shadow?.session?.identity;
    const base = baseOf(req);
    return {
      identity,
      csrfToken: identity && shadow ? generateToken(shadow) : undefined,
      ssoBase: base,
      assetBase: `${base}${ASSETS_PATH}`,
    };
  };
  /** Answers `error` with our page; never throws (a failing page or `render` becomes a plain 500). */
  const fail = (error: unknown, req: Request, res: Response, shadow?: Request): void => {
    const answer = toFailureAnswer(error);
    if (answer.unexpected) req.log?.error({ err: error }, 'unhandled error');
    else if (!(error instanceof LoginFailure))
      req.log?.info({ reason: answer.code, status: answer.status }, 'request refused');
    try {
      applyHeaders(req, res);
      res.set(answer.headers);
      res.set('Cache-Control', 'no-store');
      pages.send(
        req,
        res,
        {
          kind: answer.kind,
          status: answer.status,
          title: answer.page.title,
          message: answer.page.message,
          code: answer.code,
          data: answer.data,
        },
        layoutLocals(req, res, shadow),
      );
    } catch (renderError) {
      lastResort(renderError, req, res);
    }
  };
  /** The router's security headers on a response sent outside its routes (requireUser pages). */
  const applyHeaders = (req: Request, res: Response): void => {
    if (!res.headersSent) headers(req, res, () => undefined);
  };
  /** Wraps an async route step: our session loaded, errors rendered as our pages. */
  const withSession =
    (
      handler: (shadow: Request, req: Request, res: Response) => Promise<void> | void,
    ): RequestHandler =>
    async (req, res) => {
      let shadow: Request | undefined;
      try {
        shadow = await scope.load(req, res);
        await handler(shadow, req, res);
      } catch (error) {
        if (res.headersSent) return;
        fail(error, req, res, shadow);
      }
    };
  const csrf: RequestHandler = (req, res, next) => {
    void scope.load(req, res).then(
      (shadow) => csrfSynchronisedProtection(shadow, res, next),
      (error: unknown) => next(error),
    );
  };

  const router = Router();
  router.use((req, _res, next) => {
    routerBase ??= req.baseUrl;
    next();
  });
  // A name of our own (not `/assets`), and unknown files fall through: a router mounted at `/` never hides the host's assets.
  router.use(
    ASSETS_PATH,
    context,
    headers,
    express.static(path.resolve(__dirname, '..', '..', 'public'), {
      index: false,
      fallthrough: true,
      maxAge: '1h',
    }),
  );

  router.get(
    settings.callbackPath,
    context,
    headers,
    (_req, res, next) => {
      res.set('Cache-Control', 'no-store');
      res.set('Referrer-Policy', 'no-referrer');
      next();
    },
    callbackLimit,
    withSession(async (shadow, req, res) => {
      const outcome = await callback(shadow, res, req);
      if (outcome.kind === 'switch') {
        // POST-redirect-GET style: the prompt lives at GET …/switch-account, so a reload shows it again.
        accountSwitch.remember(res, outcome.offer);
        res.redirect(303, `${req.baseUrl}/switch-account`);
      }
    }),
  );

  router.get(
    '/switch-account',
    context,
    headers,
    callbackLimit,
    withSession(async (shadow, req, res) => {
      res.set('Cache-Control', 'no-store');
      const offer = await accountSwitch.pending(shadow);
      if (!offer) {
        req.log.info(
          { event: 'switch_prompt', outcome: 'switch_not_found' },
          'no live account switch for this browser',
        );
        throw new LoginFailure('switch_not_found');
      }
      res.locals.identity = offer.current;
      res.locals.csrfToken = generateToken(shadow);
      const { current, next, switchId, location } = offer;
      pages.send(
        req,
        res,
        {
          kind: 'switch-account',
          status: 200,
          title: 'Switch account?',
          message: 'You are signed in as another user.',
          data: { current, next, switchId, location, csrfToken: res.locals.csrfToken },
        },
        layoutLocals(req, res, shadow),
      );
    }),
  );

  router.post(
    '/switch-account',
    context,
    headers,
    callbackLimit,
    formBody,
    csrf,
    withSession(async (shadow, _req, res) => {
      res.set('Cache-Control', 'no-store');
      await accountSwitch.confirm(shadow, res);
    }),
  );

  router.post(
    '/switch-account/cancel',
    context,
    headers,
    callbackLimit,
    formBody,
    csrf,
    withSession(async (shadow, _req, res) => {
      await accountSwitch.cancel(shadow, res);
      res.redirect(303, '/');
    }),
  );

  router.post(
    '/signout',
    context,
    headers,
    signoutLimit,
    formBody,
    csrf,
    withSession(async (shadow, req, res) => {
      const identity = shadow.session?.identity;
      try {
        await destroySession(shadow);
      } catch (error) {
        throw sessionStoreUnavailable(error);
      }
      res.clearCookie(settings.session.cookieName, {
        ...cookies.options(),
        ...(settings.session.cookieDomain ? { domain: settings.session.cookieDomain } : {}),
      });
      res.clearCookie(cookies.installationHint, cookies.options());
      req.log.info(
        { event: 'signout', installation_id: identity?.installationId, user_id: identity?.userId },
        'signed out',
      );
      res.redirect(303, `${req.baseUrl}/signed-out`);
    }),
  );

  router.get('/signed-out', context, headers, (req, res) => {
    res.set('Cache-Control', 'no-store');
    pages.send(
      req,
      res,
      {
        kind: 'signed-out',
        status: 200,
        title: 'Signed out',
        message: 'To sign in again, open the integration from your Vercel dashboard.',
        data: {},
      },
      layoutLocals(req, res),
    );
  });

  router.get(
    '/start',
    context,
    headers,
    ssoRedirectLimit,
    withSession(async (shadow, req, res) => {
      res.set('Cache-Control', 'no-store');
      // rd: a same-origin path or a URL on publicUrl / deepLinkAllowedOrigins (RFC 9700 §4.11).
      const rd = typeof req.query.rd === 'string' ? returnTo.target(req.query.rd) : undefined;
      if (shadow.session?.identity) {
        res.redirect(302, rd ?? '/');
        return;
      }
      if (await startProviderSso(shadow, res, rd ?? '/')) return;
      // No known installation: remember rd anyway, so opening the integration from Vercel lands there.
      if (rd) await returnTo.remember(shadow, res, rd);
      throw new LoginFailure('no_session');
    }),
  );

  // Errors raised inside our routes (body parser, CSRF, rate limit) become our pages; anything
  // else belongs to the host app and passes on untouched.
  const routeErrors: ErrorRequestHandler = (error: unknown, req, res, next) => {
    if (!(req as Request & { [ourRoute]?: boolean })[ourRoute] || res.headersSent) {
      next(error);
      return;
    }
    fail(error, req, res, scope.peek(req));
  };
  router.use(routeErrors);

  /** Redirects to provider-initiated SSO (VERCEL-SSO.md §3) when the installation is known; remembers where to return. */
  async function startProviderSso(
    shadow: Request,
    res: Response,
    returnPath: string,
  ): Promise<boolean> {
    const installationId = cookies.readInstallationHint(shadow);
    const slug = settings.integration.slug;
    if (!installationId || !slug || shadow.method !== 'GET') return false;
    await returnTo.remember(shadow, res, returnPath);
    const target = new URL(
      `/sso/integrations/${encodeURIComponent(slug)}/${encodeURIComponent(installationId)}`,
      settings.vercel.ssoUrl,
    );
    shadow.log.info(
      { event: 'provider_initiated_sso', installation_id: installationId },
      'no session; redirecting to Vercel to sign in again',
    );
    res.redirect(302, target.href);
    return true;
  }

  function requireUser(options: RequireUserOptions = {}): RequestHandler {
    if (options.role !== undefined && options.role !== 'ADMIN' && options.role !== 'USER') {
      throw new TypeError(
        `requireUser({ role }): expected 'ADMIN' or 'USER', got ${JSON.stringify(options.role)}`,
      );
    }
    return (req, res, next) => {
      ensureRequestContext(req, res, logger);
      res.set('Cache-Control', 'no-store');
      let shadow: Request | undefined;
      const refuse = (error: unknown) => {
        if (!res.headersSent) fail(error, req, res, shadow);
      };
      void (async () => {
        if (!(options.csrf && !['GET', 'HEAD', 'OPTIONS'].includes(req.method))) {
          const fast = await readSignedIn(req, options.role);
          if (fast) {
            res.locals.identity = fast.identity;
            res.locals.csrfToken = fast.csrfToken;
            res.locals.ssoBase ??= '';
            next();
            return;
          }
        }
        shadow = await scope.load(req, res);
        const identity: SessionIdentity | undefined = shadow.session?.identity;
        if (identity) {
          res.locals.identity = identity;
          res.locals.csrfToken = generateToken(shadow);
          res.locals.ssoBase ??= '';
          // ADMIN may do what USER may (VERCEL-SSO.md §2: USER is the read-only role); `role: 'ADMIN'` refuses USER.
          if (options.role === 'ADMIN' && identity.role !== 'ADMIN')
            throw new LoginFailure('role_not_allowed');
          if (options.csrf && !['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
            // The host app's body parser runs first (the library never parses the host's bodies);
            // without one, only the X-CSRF-Token header can carry the token.
            if (req.body === undefined && req.headers['x-csrf-token'] === undefined) {
              req.log.warn(
                { event: 'csrf_without_body_parser' },
                'requireUser({ csrf: true }): no parsed body and no X-CSRF-Token header; put a body parser before it',
              );
            }
            await runMiddleware(csrfSynchronisedProtection, shadow, res);
          }
          next();
          return;
        }
        // A page gets provider-initiated SSO; an API call (Accept: application/json) gets its 401 JSON.
        if (
          req.method === 'GET' &&
          !wantsJson(req) &&
          settings.integration.slug &&
          cookies.readInstallationHint(shadow)
        ) {
          await runMiddleware(ssoRedirectLimit, req, res);
          if (await startProviderSso(shadow, res, req.originalUrl)) return;
        }
        throw new LoginFailure('no_session', {
          sessionExpired: res.locals.sessionExpired === true,
        });
      })().catch(refuse);
    };
  }

  function optionalUser(): RequestHandler {
    return (req, res, next) => {
      ensureRequestContext(req, res, logger);
      const signedIn = async (): Promise<{
        identity: SessionIdentity;
        csrfToken: string;
      } | null> => {
        const fast = await readSignedIn(req);
        if (fast) return fast;
        const shadow = await scope.load(req, res);
        const identity = shadow.session?.identity;
        return identity ? { identity, csrfToken: generateToken(shadow) } : null;
      };
      signedIn()
        .then(
          (found) => {
            if (found) {
              res.set('Cache-Control', 'no-store');
              res.locals.identity = found.identity;
              res.locals.csrfToken = found.csrfToken;
            }
            next();
          },
          (error: unknown) => fail(error, req, res),
        )
        .catch((error: unknown) => lastResort(error, req, res));
    };
  }

  const revoked = (
    scope: 'installation' | 'user',
    installationId: string,
    userId: string | undefined,
    count: number,
  ) => {
    logger.info(
      {
        event: 'sessions_revoked',
        scope,
        installation_id: installationId,
        ...(userId ? { user_id: userId } : {}),
        count,
      },
      `${count} session(s) revoked`,
    );
    observer.sessionsRevoked(count);
    return count;
  };
  const revokeInstallation = async (installationId: string) =>
    revoked(
      'installation',
      installationId,
      undefined,
      await sessionStore.revokeInstallation(installationId),
    );
  const revokeUser = async (installationId: string, userId: string) =>
    revoked('user', installationId, userId, await sessionStore.revokeUser(installationId, userId));
  const prepare = (req: Request, res: Response) => ensureRequestContext(req, res, logger);

  return {
    router,
    requireUser,
    optionalUser,
    requireVercelAuth: createRequireVercelAuth(verifier, prepare),
    webhooks: (options) =>
      createWebhookHandler(
        {
          clientSecret: settings.integration.clientSecret,
          oneTimeStore,
          revokeInstallation,
          prepare,
        },
        options,
      ),
    revokeInstallation,
    revokeUser,
    identity: (req) => signedInFast.get(req)?.identity ?? scope.peek(req)?.session?.identity,
    lookupIdentity: (req) => lookup.identity(req),
    csrfToken: (req) => {
      const fast = signedInFast.get(req);
      if (fast) return fast.csrfToken;
      const shadow = scope.peek(req);
      return shadow?.session?.identity ? generateToken(shadow) : undefined;
    },
    ready: async () => {
      const { checks, checkedAgoMs } = await readiness.report();
      return {
        sessionStore: checks.session_store === 'ok',
        issuerKeys: checks.issuer_keys === 'ok',
        checkedAgoMs,
      };
    },
    close: async () => {
      readiness.stop();
      await stores.close();
    },
  };
}

/** Where the router serves its stylesheet and icon, under its mount path. */
export const ASSETS_PATH = '/sso-assets';

/** The answer when even our error page cannot be rendered (a throwing `render`, a broken template): a plain 500. */
function lastResort(error: unknown, req: Request, res: Response): void {
  req.log?.error({ err: error }, 'could not render the sign-in page');
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  res
    .status(500)
    .type('text')
    .set('Cache-Control', 'no-store')
    .send(`Something went wrong. Request id: ${String(req.id ?? '')}\n`);
}

/** Runs one middleware as a promise (rejects with what it passes to `next`). */
function runMiddleware(middleware: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const next: NextFunction = (error?: unknown) => (error ? reject(error) : resolve());
    try {
      const result: unknown = middleware(req, res, next);
      if (result instanceof Promise) result.catch(reject);
    } catch (error) {
      reject(error);
    }
  });
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** A request id and a child logger on `req` when the host app has none (pino-http provides both). */
function ensureRequestContext(req: Request, res: Response, logger: Logger): void {
  if (req.log && req.id !== undefined) return;
  const id =
    req.id !== undefined && REQUEST_ID.test(String(req.id)) ? String(req.id) : randomUUID();
  (req as { id: unknown }).id = id;
  if (!res.headersSent && !res.getHeader('X-Request-Id')) res.setHeader('X-Request-Id', id);
  if (!req.log) (req as { log: Logger }).log = logger.child({ req: { id } });
}
