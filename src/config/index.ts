import { environmentSchema, sidecarEnabled, type Environment } from './env';
import { VercelSsoError } from '../errors/base';
import {
  parseVercelSsoOptions,
  VercelSsoOptionsError,
  type SsoSettings,
  type VercelSsoOptions,
} from './options';

export { parseVercelSsoOptions, VercelSsoOptionsError, vercelSsoOptionsSchema } from './options';
export type {
  LoginContext,
  LoginDecision,
  PageContext,
  PageKind,
  RedisTopology,
  SsoSettings,
  VercelSsoOptions,
} from './options';

/**
 * Settings of the reference service that are not library options (listening, proxies, logging,
 * shutdown). Each field's type is the type of the variable it comes from in `environmentSchema`
 * (`src/config/env.ts`), the single source of both.
 */
export interface ServiceSettings {
  /** TCP port to listen on; 0 picks a free one (tests). */
  port: Environment['PORT'];
  host: Environment['HOST'];
  /** Express `trust proxy` setting (true, a hop count, or addresses/subnets). */
  trustProxy: Environment['TRUST_PROXY'];
  /**
   * Keep a well-formed incoming `X-Request-Id` (`TRUST_REQUEST_ID`, default false): only when the proxy
   * in front always sets or overwrites it; otherwise a client chooses the id shown on pages and in logs.
   */
  trustRequestId: Environment['TRUST_REQUEST_ID'];
  /** Limits of the HTTP server (see `src/server/limits.ts`). */
  server: {
    /** Time a client has to send the request headers, ms (Node `headersTimeout`). */
    headersTimeoutMs: Environment['SERVER_HEADERS_TIMEOUT_MS'];
    /** Time a client has to send the whole request, ms (Node `requestTimeout`). */
    requestTimeoutMs: Environment['SERVER_REQUEST_TIMEOUT_MS'];
    /** Idle time of a kept-alive connection, ms; above the load balancer's idle timeout (Node `keepAliveTimeout`). */
    keepAliveTimeoutMs: Environment['SERVER_KEEP_ALIVE_TIMEOUT_MS'];
    /** Concurrent connections per instance; more are refused (closed at once) (net `maxConnections`). */
    maxConnections: Environment['SERVER_MAX_CONNECTIONS'];
    /** Largest request head, bytes (Node `maxHeaderSize`). */
    maxHeaderBytes: Environment['SERVER_MAX_HEADER_BYTES'];
  };
  /** `LOG_LEVEL`: pino's level. */
  logLevel: Environment['LOG_LEVEL'];
  /** Time in-flight requests get to finish after SIGTERM/SIGINT, ms. */
  shutdownGraceMs: Environment['SHUTDOWN_GRACE_MS'];
  /**
   * After SIGTERM/SIGINT, how long the listener keeps accepting requests while `/readyz` answers 503,
   * ms (the load balancer's time to notice); part of {@link shutdownGraceMs}. 0: close as soon as no
   * request is in flight.
   */
  shutdownDrainDelayMs: Environment['SHUTDOWN_DRAIN_DELAY_MS'];
  /** `NODE_ENV`. */
  env: Environment['NODE_ENV'];
  /** The library options the environment mapped to (validated; see {@link toVercelSsoOptions}). */
  options: VercelSsoOptions;
  /**
   * The Prometheus metrics listener (`METRICS_PORT`, `METRICS_HOST`; issue 14 item 2), a port of its
   * own so metrics are never public; absent (the default) when `METRICS_PORT` is unset.
   */
  metricsListener?: {
    port: NonNullable<Environment['METRICS_PORT']>;
    host: Environment['METRICS_HOST'];
  };
  /** The sidecar (issue 11), when `SIDECAR_ENABLED=true` or `UPSTREAM_URL` is set; absent otherwise. */
  sidecar?: SidecarConfig;
}

/** The sidecar's settings from the environment (see `src/sidecar`). */
export interface SidecarConfig {
  /** `SIDECAR_PREFIX`: the sidecar's routes and the library's router live under it (default `/_sso`). */
  prefix: Environment['SIDECAR_PREFIX'];
  /** `UPSTREAM_URL`: the vendor's app; set means upstream mode. */
  upstreamUrl?: URL;
  /** `ASSERTION_AUDIENCE`, default the upstream's origin, else PUBLIC_URL's. */
  audience: string;
  /** `ASSERTION_TTL_SECONDS` (1-60). */
  assertionTtlSeconds: Environment['ASSERTION_TTL_SECONDS'];
  /** `ASSERTION_SIGNING_KEY` (PEM or JWK, several for rotation); absent outside production: a generated key. */
  signingKey?: NonNullable<Environment['ASSERTION_SIGNING_KEY']>;
}

/**
 * The validated configuration of the reference service: the library's settings (derived from
 * `vercelSsoOptionsSchema`, the single source of option types) plus {@link ServiceSettings}.
 * Units are in the names: `…Seconds`, `…Ms`.
 */
export type Config = Omit<SsoSettings, 'env'> & ServiceSettings;

/**
 * The code of the service configuration's error (closed): `ERR_CONFIG`.
 * @example
 * ```ts
 * const code: ConfigErrorCode = 'ERR_CONFIG';
 * ```
 */
export type ConfigErrorCode = 'ERR_CONFIG';

/**
 * Thrown by {@link loadConfig}; `message` is one line naming every bad variable and what is expected
 * (values never echoed); `cause` is the zod error or the {@link VercelSsoOptionsError}.
 * @example
 * ```ts
 * try { loadConfig(); } catch (error) { if (error instanceof ConfigError) process.exitCode = 78; }
 * ```
 */
export class ConfigError extends VercelSsoError<ConfigErrorCode> {
  readonly code = 'ERR_CONFIG' as const;
  constructor(
    /** The environment variables at fault, in schema order. */
    readonly variables: string[],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConfigError';
  }

  /** The first variable at fault. */
  get variable(): string {
    return this.variables[0] ?? 'environment';
  }
}

/**
 * Validates the environment and maps it onto `createVercelSso` options plus the service settings.
 * An empty value counts as unset (`PORT=` in a `.env` file means "use the default").
 * @param env - variables to read (default `process.env`).
 * @throws {@link ConfigError} naming every missing or malformed variable, on one line; values are never echoed.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const problems = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? 'environment');
      if (problems.has(variable)) continue;
      problems.set(
        variable,
        present[variable] === undefined ? 'is required' : `is malformed: ${issue.message}`,
      );
    }
    const text = [...problems].map(([variable, problem]) => `${variable} ${problem}`).join('; ');
    throw new ConfigError([...problems.keys()], `Invalid configuration: ${text}`, {
      cause: parsed.error,
    });
  }
  const e = parsed.data;
  const options: VercelSsoOptions = {
    clientId: e.INTEGRATION_CLIENT_ID,
    clientSecret: e.INTEGRATION_CLIENT_SECRET,
    publicUrl: e.PUBLIC_URL,
    sessionSecret: e.SESSION_SECRET,
    ...(e.INTEGRATION_SLUG ? { integrationSlug: e.INTEGRATION_SLUG } : {}),
    callbackPath: e.CALLBACK_PATH,
    vercel: {
      apiUrl: e.VERCEL_API_URL,
      issuer: e.VERCEL_ISSUER,
      ...(e.VERCEL_JWKS_URL ? { jwksUrl: e.VERCEL_JWKS_URL } : {}),
      ssoUrl: e.VERCEL_SSO_URL,
    },
    session: {
      idleTimeoutSeconds: e.SESSION_IDLE_TIMEOUT_SECONDS,
      absoluteTimeoutSeconds: e.SESSION_ABSOLUTE_TIMEOUT_SECONDS,
      ...(e.SESSION_COOKIE_NAME ? { cookieName: e.SESSION_COOKIE_NAME } : {}),
      ...(e.SECURE_COOKIES !== undefined ? { secureCookies: e.SECURE_COOKIES } : {}),
      ...(e.SESSION_COOKIE_DOMAIN ? { cookieDomain: e.SESSION_COOKIE_DOMAIN } : {}),
    },
    idToken: {
      algorithms: e.ID_TOKEN_ALGORITHMS,
      clockToleranceSeconds: e.ID_TOKEN_CLOCK_TOLERANCE_SECONDS,
      maxAgeSeconds: e.ID_TOKEN_MAX_AGE_SECONDS,
    },
    http: {
      tokenExchangeTimeoutMs: e.TOKEN_EXCHANGE_TIMEOUT_MS,
      jwksTimeoutMs: e.JWKS_TIMEOUT_MS,
      jwksCooldownMs: e.JWKS_COOLDOWN_MS,
      jwksCacheMaxAgeMs: e.JWKS_CACHE_MAX_AGE_MS,
    },
    deepLinkAllowedOrigins: e.DEEP_LINK_ALLOWED_ORIGINS,
    ...redisOptions(e),
    rateLimit: {
      windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
      callbackMax: e.RATE_LIMIT_CALLBACK_MAX,
      signoutMax: e.RATE_LIMIT_SIGNOUT_MAX,
    },
    ...(e.PRODUCT_NAME ? { productName: e.PRODUCT_NAME } : {}),
    ...(e.SUPPORT_URL ? { supportUrl: e.SUPPORT_URL } : {}),
    readinessCheckIntervalMs: e.READINESS_CHECK_INTERVAL_MS,
    production: e.NODE_ENV === 'production',
  };
  let settings: SsoSettings;
  try {
    settings = parseVercelSsoOptions(options);
  } catch (error) {
    // The environment schema checks every variable first; this is a safety net.
    if (error instanceof VercelSsoOptionsError)
      throw new ConfigError(error.fields, `Invalid configuration: ${error.message}`, {
        cause: error,
      });
    throw error;
  }
  const { env: _libraryEnv, ...library } = settings;
  return {
    ...library,
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    trustProxy: e.TRUST_PROXY,
    trustRequestId: e.TRUST_REQUEST_ID,
    readinessCheckIntervalMs: e.READINESS_CHECK_INTERVAL_MS,
    server: {
      headersTimeoutMs: e.SERVER_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.SERVER_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.SERVER_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: e.SERVER_MAX_CONNECTIONS,
      maxHeaderBytes: e.SERVER_MAX_HEADER_BYTES,
    },
    logLevel: e.LOG_LEVEL,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    shutdownDrainDelayMs: e.SHUTDOWN_DRAIN_DELAY_MS,
    options,
    ...(e.METRICS_PORT !== undefined
      ? { metricsListener: { port: e.METRICS_PORT, host: e.METRICS_HOST } }
      : {}),
    ...(sidecarEnabled(e)
      ? {
          sidecar: {
            prefix: e.SIDECAR_PREFIX,
            ...(e.UPSTREAM_URL ? { upstreamUrl: new URL(e.UPSTREAM_URL) } : {}),
            audience: e.ASSERTION_AUDIENCE ?? new URL(e.UPSTREAM_URL ?? e.PUBLIC_URL).origin,
            assertionTtlSeconds: e.ASSERTION_TTL_SECONDS,
            ...(e.ASSERTION_SIGNING_KEY ? { signingKey: e.ASSERTION_SIGNING_KEY } : {}),
          },
        }
      : {}),
  };
}

/** `REDIS_URL`, `REDIS_SENTINEL_*` or `REDIS_CLUSTER_NODES` (at most one, checked by the schema) as the library's `redis` option. */
function redisOptions(e: Environment): Pick<VercelSsoOptions, 'redis'> {
  const common = { keyPrefix: e.REDIS_KEY_PREFIX, commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS };
  if (e.REDIS_URL) return { redis: { url: e.REDIS_URL, ...common } };
  if (e.REDIS_SENTINEL_NODES) {
    return {
      redis: {
        sentinel: {
          nodes: e.REDIS_SENTINEL_NODES,
          masterName: e.REDIS_SENTINEL_MASTER_NAME,
          ...(e.REDIS_SENTINEL_MASTER_PASSWORD
            ? { masterPassword: e.REDIS_SENTINEL_MASTER_PASSWORD }
            : {}),
        },
        ...common,
      },
    };
  }
  if (e.REDIS_CLUSTER_NODES)
    return { redis: { cluster: { nodes: e.REDIS_CLUSTER_NODES }, ...common } };
  return {};
}
