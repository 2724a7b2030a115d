import path from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Config } from '../config';
import {
  createVercelSso,
  helmetOptions,
  type SessionIdentity,
  type VercelSso,
  type VercelSsoOptions,
} from '../index';
import type { SsoMetrics } from '../metrics';
import { createSidecar, type Sidecar } from '../sidecar';
import { createHttpLogger } from '../web/logger';
import { dashboardRouter } from './dashboard';
import type { DrainState } from './drain';
import { demoRouter, type DemoExtras } from './demo-routes';
import { errorHandler, notFound } from './error-handler';
import { partnerApiRouter } from './partner-api';
import { useEtaViews } from './views';

/** What {@link createApp} needs. */
export interface AppDependencies {
  config: Config;
  logger: Logger;
  /** Extra library options (e.g. `onLogin`, `now`), merged over the ones the environment gave. */
  options?: Partial<VercelSsoOptions>;
  /** A prebuilt library instance (tests with their own stores); default: `createVercelSso` from `config.options`. */
  sso?: VercelSso;
  /** Shutdown state: while draining, `/readyz` answers 503 (see `src/server/drain.ts`). */
  drain?: DrainState;
  /**
   * Demo mode (`npm run demo`, issue 17): the "How you got here" panel and the "Expire my provider
   * session" control. Development only. Wraps `options.onLogin` to record each sign-in (with a
   * prebuilt `sso`, wrap it yourself: `onLogin: demo.trails.wrap(yourOnLogin)`).
   * @throws Error from {@link createApp} when set with `NODE_ENV=production`.
   */
  demo?: DemoExtras;
  /**
   * Prometheus metrics (`METRICS_PORT`): the library reports to it (its observer becomes the
   * `metrics` option; with a prebuilt `sso`, pass `metrics.observer` to it yourself) and every
   * request is timed by route template.
   */
  metrics?: SsoMetrics;
}

/** The library's own cookies besides the session (unprefixed names; see src/flow/cookies.ts): never sent to an upstream app. */
const SIDECAR_PRIVATE_COOKIES = ['sso_installation', 'sso_return_to', 'sso_switch'];

/** The assembled reference service. */
export interface ReferenceApp {
  app: Express;
  sso: VercelSso;
  /** The sidecar, when `config.sidecar` is set (its `upgrade` listener goes on the HTTP server). */
  sidecar?: Sidecar;
}

/** Upper bound on POST bodies of the service's own forms (the admin action carries a CSRF token only). */
export const FORM_BODY_LIMIT = '4kb';

/**
 * The reference service's composition root: one app, built from the public face like any vendor
 * would. Settings a host app owns are set here (trust proxy, the query parser, the view engine,
 * request logging, helmet for every page, `/static`), then `sso.router` at `/`, the placeholder
 * provider dashboard guarded by `sso.requireUser()`, `/api/session`, `/healthz` (liveness),
 * `/readyz` (readiness: the session store answers and the issuer's keys are reachable or cached),
 * the example Partner API routes and the webhook (`partner-api.ts`), and a final 404. Does not listen.
 */
export function createApp(deps: AppDependencies): ReferenceApp {
  const { config, demo } = deps;
  if (demo && config.env === 'production')
    throw new Error('Demo mode is a development tool and refuses to run with NODE_ENV=production');
  const options: Partial<VercelSsoOptions> = { ...deps.options };
  if (demo) options.onLogin = demo.trails.wrap(deps.options?.onLogin);
  if (deps.metrics) options.metrics ??= deps.metrics.observer;
  const sso = deps.sso ?? createVercelSso({ ...config.options, logger: deps.logger, ...options });
  // Sidecar mode (issue 11): the library's router and the sidecar's routes live under the prefix.
  const sidecar = config.sidecar
    ? createSidecar(
        sso,
        {
          ...config.sidecar,
          publicUrl: config.publicUrl,
          allowedOrigins: config.deepLinks.allowedOrigins,
          trustRequestId: config.trustRequestId,
          trustProxy: config.trustProxy !== false,
          privateCookies: [
            config.session.cookieName,
            ...SIDECAR_PRIVATE_COOKIES.map((name) =>
              config.session.secureCookies ? `__Host-${name}` : name,
            ),
          ],
        },
        deps.logger,
      )
    : undefined;

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');
  useEtaViews(app, config.env === 'production');
  app.locals.productName = config.productName;
  app.locals.ssoBase = '';
  if (deps.metrics)
    app.use(deps.metrics.httpDuration(['', ...(config.sidecar ? [config.sidecar.prefix] : [])]));
  app.locals.assetBase = '/static';
  // Where "open it from your Vercel dashboard" links to (the emulator's dashboard in the demo).
  app.locals.vercelDashboardUrl = demo
    ? `${demo.emulatorUrl}/`
    : new URL('/dashboard', config.vercel.ssoUrl).href;
  if (demo)
    app.locals.demo = {
      emulatorUrl: demo.emulatorUrl,
      trailFor: (identity: SessionIdentity) => demo.trails.forIdentity(identity),
    };

  // Sidecar (issue 11): the forward-auth check and the upstream proxy come first, before request
  // logging and helmet: they keep their own request id and log only failures (the check runs on
  // every page view; the upstream keeps its own access log and headers).
  if (sidecar) app.get(`${config.sidecar!.prefix}/auth`, sidecar.check);
  if (sidecar?.proxy) app.use(sidecar.proxy);
  app.use(createHttpLogger(deps.logger, config.trustRequestId));
  app.use(helmet(helmetOptions(config)));
  app.use((req, res, next) => {
    res.locals.requestId = String(req.id);
    next();
  });
  if (demo) {
    // The page the demo panel's "Expire my provider session" returns to.
    app.use((req, res, next) => {
      if (req.method === 'GET') res.locals.returnPath = req.originalUrl;
      next();
    });
  }
  app.use(
    '/static',
    express.static(path.resolve(__dirname, '..', '..', 'public'), {
      index: false,
      fallthrough: false,
      maxAge: '1h',
    }),
  );
  app.get('/favicon.ico', (_req, res) => {
    res.redirect(301, '/static/favicon.svg');
  });
  app.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  app.get('/readyz', async (req, res) => {
    if (deps.drain?.draining)
      return void res.status(503).set('Cache-Control', 'no-store').json({ status: 'draining' });
    const { sessionStore, issuerKeys, checkedAgoMs } = await sso.ready();
    const ready = sessionStore && issuerKeys;
    const checks = {
      session_store: sessionStore ? 'ok' : 'unavailable',
      issuer_keys: issuerKeys ? 'ok' : 'unavailable',
    };
    if (!ready)
      req.log.warn({ event: 'not_ready', ...checks, checked_ago_ms: checkedAgoMs }, 'not ready');
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ready ? 'ready' : 'not_ready', checks });
  });

  if (sidecar) {
    app.use(config.sidecar!.prefix, sso.router);
    // Uninstall still ends sessions in sidecar mode: Vercel's webhook (integration-configuration.removed,
    // VERCEL-SSO.md §4a) at PREFIX/webhooks/vercel. The Partner API itself is the vendor's app's.
    app.post(`${config.sidecar!.prefix}/webhooks/vercel`, sso.webhooks());
    app.use(sidecar.router);
    app.use(notFound);
    app.use(errorHandler);
    return { app, sso, sidecar };
  }
  app.use(sso.router);
  app.use(partnerApiRouter(sso));

  app.get('/api/session', sso.optionalUser(), (req, res) => {
    res.set('Cache-Control', 'no-store');
    const identity = sso.identity(req);
    if (!identity) {
      res.status(401).json({
        error: { code: 'no_session', message: 'Not signed in.' },
        request_id: String(req.id),
      });
      return;
    }
    res.json({
      installation_id: identity.installationId,
      account_id: identity.accountId,
      user_id: identity.userId,
      sub: identity.subject,
      user_role: identity.role,
      user_name: identity.name ?? null,
      user_email: identity.email ?? null,
      user_avatar_url: identity.avatarUrl ?? null,
      account_ref: identity.accountRef ?? null,
      login_at: new Date(identity.loginAt).toISOString(),
    });
  });

  const formBody = express.urlencoded({
    extended: false,
    limit: FORM_BODY_LIMIT,
    parameterLimit: 20,
  });
  app.use(dashboardRouter(sso, formBody));
  if (demo) app.use(demoRouter(sso, formBody, config));

  // The 404 page keeps the signed-in user in the header (and their sign-out button).
  app.use(sso.optionalUser(), notFound);
  app.use(errorHandler);
  return { app, sso };
}
