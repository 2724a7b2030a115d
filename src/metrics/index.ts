import { createServer, type Server } from 'node:http';
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { LOGIN_FAILURE_CODES } from '../flow/errors';
import type {
  JwksFetchResult,
  LoginOutcome,
  LoginOutcomeReason,
  StoreErrorKind,
  StoreName,
  SsoObserver,
} from '../flow/observer';

/** The `route` label of a request no route template matched (static files, the proxy, 404s). */
export const UNMATCHED_ROUTE = '(unmatched)';

/** HTTP methods kept as they are in the `method` label; any other becomes `OTHER`. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Buckets of the code exchange histogram, seconds (the default `TOKEN_EXCHANGE_TIMEOUT_MS` is 5 s). */
export const EXCHANGE_BUCKETS_SECONDS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Buckets of the HTTP request duration histogram, seconds. */
export const HTTP_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The service's Prometheus metrics (prom-client), in a registry of their own:
 * - `vercel_sso_logins_total{outcome,reason}`: each sign-in by outcome and failure code;
 * - `vercel_sso_exchange_duration_seconds`: each code exchange (VERCEL-SSO.md §1), histogram;
 * - `vercel_sso_jwks_fetches_total{result}`: each JWKS request;
 * - `vercel_sso_store_errors_total{store,kind}`: each failed Redis operation;
 * - `vercel_sso_sessions_revoked_total`: sessions ended by revocation;
 * - `vercel_sso_rate_limited_total{route}`: requests refused by a rate limit;
 * - `vercel_sso_http_request_duration_seconds{method,route,status_code}`: by route template;
 * - the default process metrics (`process_*`, `nodejs_*`).
 * Every label value comes from a closed set (failure codes, route templates, fixed words, status
 * codes): no id, code, token or raw path ever becomes a label (no unbounded series, no secret).
 */
export class SsoMetrics {
  /** The registry `/metrics` serves. */
  readonly registry = new Registry();
  private readonly logins: Counter<'outcome' | 'reason'>;
  private readonly exchange: Histogram;
  private readonly jwks: Counter<'result'>;
  private readonly storeErrors: Counter<'store' | 'kind'>;
  private readonly revoked: Counter;
  private readonly rateLimited: Counter<'route'>;
  private readonly http: Histogram<'method' | 'route' | 'status_code'>;

  constructor() {
    const registers = [this.registry];
    this.logins = new Counter({
      name: 'vercel_sso_logins_total',
      help: 'Sign-ins that reached the callback, by outcome (success, replayed, cancelled, failure) and failure code (reason; none for a success).',
      labelNames: ['outcome', 'reason'],
      registers,
    });
    this.exchange = new Histogram({
      name: 'vercel_sso_exchange_duration_seconds',
      help: 'Duration of the code exchange (POST /v1/integrations/sso/token), successful or not, in seconds.',
      buckets: EXCHANGE_BUCKETS_SECONDS,
      registers,
    });
    this.jwks = new Counter({
      name: 'vercel_sso_jwks_fetches_total',
      help: "Requests for the issuer's JWKS, by result (ok, http_error, failed).",
      labelNames: ['result'],
      registers,
    });
    this.storeErrors = new Counter({
      name: 'vercel_sso_store_errors_total',
      help: 'Failed Redis operations, by store (session, one_time, session_index, rate_limit) and kind (timeout, error).',
      labelNames: ['store', 'kind'],
      registers,
    });
    this.revoked = new Counter({
      name: 'vercel_sso_sessions_revoked_total',
      help: 'Sessions ended by a revocation (uninstall webhook, revokeInstallation, revokeUser).',
      registers,
    });
    this.rateLimited = new Counter({
      name: 'vercel_sso_rate_limited_total',
      help: 'Requests refused by a rate limit, by route template.',
      labelNames: ['route'],
      registers,
    });
    this.http = new Histogram({
      name: 'vercel_sso_http_request_duration_seconds',
      help: `HTTP requests by method, route template (${UNMATCHED_ROUTE} when none matched) and status code, in seconds.`,
      labelNames: ['method', 'route', 'status_code'],
      buckets: HTTP_BUCKETS_SECONDS,
      registers,
    });
    collectDefaultMetrics({ register: this.registry });
    // Every failure code shows up at 0 from the start, so ratios and alerts work before the first failure.
    this.logins.inc({ outcome: 'success', reason: 'none' }, 0);
    for (const reason of LOGIN_FAILURE_CODES) this.logins.inc({ outcome: 'failure', reason }, 0);
  }

  /** The observer to pass as `createVercelSso({ metrics })`. */
  readonly observer: Required<SsoObserver> = {
    loginOutcome: (outcome: LoginOutcome, reason: LoginOutcomeReason) =>
      this.logins.inc({ outcome, reason }),
    exchangeDuration: (seconds: number) => this.exchange.observe(seconds),
    jwksFetch: (result: JwksFetchResult) => this.jwks.inc({ result }),
    storeError: (store: StoreName, kind: StoreErrorKind) => this.storeErrors.inc({ store, kind }),
    sessionsRevoked: (count: number) => this.revoked.inc(count),
    rateLimited: (route: string) => this.rateLimited.inc({ route }),
  };

  /**
   * Express middleware timing every request by route template. Put it first. The `route` label is
   * `mount + req.route.path` when a string route matched and the request's mount path is one of
   * `mounts` (fixed prefixes such as `''` or the sidecar's `/_sso`), else {@link UNMATCHED_ROUTE}:
   * never the raw URL.
   * @param mounts - the fixed prefixes routers are mounted at (default `['']`).
   */
  httpDuration(mounts: readonly string[] = ['']): RequestHandler {
    const known = new Set(mounts);
    return (req, res, next) => {
      const end = this.http.startTimer();
      res.once('finish', () => {
        const template = (req.route as { path?: unknown } | undefined)?.path;
        const route =
          typeof template === 'string' && known.has(req.baseUrl)
            ? `${req.baseUrl}${template}`
            : UNMATCHED_ROUTE;
        end({
          method: METHODS.has(req.method) ? req.method : 'OTHER',
          route,
          status_code: String(res.statusCode),
        });
      });
      next();
    };
  }

  /** The exposition text and its content type (Prometheus text format 0.0.4). */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/**
 * A listener of its own for `GET /metrics` (`METRICS_PORT` / `METRICS_HOST`), so metrics are never
 * served on the public port. Anything else answers 404; a failing collection answers 500.
 * @returns the listening server (`address()` gives the port when `port` is 0).
 * @throws the listen error (port in use, address not available).
 */
export function listenMetrics(metrics: SsoMetrics, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if ((req.method !== 'GET' && req.method !== 'HEAD') || path !== '/metrics') {
      res
        .writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end('Not found. Metrics are at GET /metrics.\n');
      return;
    }
    metrics.scrape().then(
      ({ contentType, body }) =>
        res
          .writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' })
          .end(req.method === 'HEAD' ? undefined : body),
      () =>
        res
          .writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
          .end('metrics collection failed\n'),
    );
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
