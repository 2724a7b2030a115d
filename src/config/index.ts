import { environmentSchema } from './env';

/**
 * The validated configuration of the SSO backend. Built once at start-up by {@link loadConfig}.
 * Units are in the names: `…Seconds`, `…Ms`.
 */
export interface Config {
  env: 'development' | 'production' | 'test';
  /** TCP port to listen on; 0 picks a free one (tests). */
  port: number;
  host: string;
  /** Public origin of this backend as the browser sees it, e.g. `https://sso.example.com`. */
  publicUrl: URL;
  /** Path of the Redirect Login URL handler (default `/callback`). */
  callbackPath: string;
  integration: {
    /** `aud` of every id_token we accept (VERCEL-SSO.md §2). */
    clientId: string;
    clientSecret: string;
    /** Integration slug for provider-initiated SSO (VERCEL-SSO.md §3); without it, users are told to open the integration from Vercel. */
    slug?: string;
  };
  vercel: {
    /** Origin of Vercel's REST API; the token exchange is `POST {apiUrl}/v1/integrations/sso/token`. */
    apiUrl: URL;
    /** Exact `iss` of Vercel's id_tokens; discovery is `{issuer}/.well-known/openid-configuration`. */
    issuer: string;
    /** JWKS URL override; when absent the `jwks_uri` of the issuer's discovery document is used. */
    jwksUrl?: URL;
    /** Origin hosting `/sso/integrations/{slug}/{installationId}` (provider-initiated SSO). */
    ssoUrl: URL;
  };
  session: {
    /** Signing secrets, newest first: the first signs, all verify (rotation). */
    secrets: string[];
    /** Idle lifetime: a session unused this long is dead (OWASP ASVS V3.3.2). */
    idleTimeoutSeconds: number;
    /** Absolute lifetime from login, whatever the activity (OWASP ASVS V3.3.4). */
    absoluteTimeoutSeconds: number;
    cookieName: string;
    /** `Secure` attribute on our cookies; true when PUBLIC_URL is https unless overridden. */
    secureCookies: boolean;
  };
  idToken: {
    /** Accepted JWS algorithms (pinned; RFC 8725 §3.1). */
    algorithms: string[];
    clockToleranceSeconds: number;
    /** Maximum age of `iat` (and `iat` may not be further in the future than the tolerance). */
    maxAgeSeconds: number;
  };
  http: {
    tokenExchangeTimeoutMs: number;
    jwksTimeoutMs: number;
    /** Minimum time between two JWKS refetches triggered by an unknown `kid`. */
    jwksCooldownMs: number;
    jwksCacheMaxAgeMs: number;
  };
  /** Express `trust proxy` setting (true, a hop count, or addresses/subnets). */
  trustProxy: boolean | number | string;
  /**
   * Keep a well-formed incoming `X-Request-Id` (`TRUST_REQUEST_ID`, default false): only when the proxy
   * in front always sets or overwrites it; otherwise a client chooses the id shown on pages and in logs.
   */
  trustRequestId: boolean;
  /** Interval of the background readiness check (session store ping, issuer keys when not cached), ms. */
  readinessCheckIntervalMs: number;
  /** Limits of the HTTP server (see `src/server-limits.ts`). */
  server: {
    /** Time a client has to send the request headers, ms (Node `headersTimeout`). */
    headersTimeoutMs: number;
    /** Time a client has to send the whole request, ms (Node `requestTimeout`). */
    requestTimeoutMs: number;
    /** Idle time of a kept-alive connection, ms; above the load balancer's idle timeout (Node `keepAliveTimeout`). */
    keepAliveTimeoutMs: number;
    /** Concurrent connections per instance; more are refused (closed at once) (net `maxConnections`). */
    maxConnections: number;
    /** Largest request head, bytes (Node `maxHeaderSize`). */
    maxHeaderBytes: number;
  };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  deepLinks: {
    /** Origins a `url` deep link may point to; always includes {@link Config.publicUrl}'s origin. */
    allowedOrigins: string[];
  };
  /** Shared state for several instances; absent: in-process stores (one instance). */
  redis?: {
    /** `redis://` or `rediss://` (TLS) URL, credentials included. Secret: never logged. */
    url: string;
    /** Prefix of every key we write (sessions, one-time records, rate-limit counters). */
    keyPrefix: string;
    /** Upper bound on one Redis command, ms: how long a request can wait on Redis before its 503. */
    commandTimeoutMs: number;
  };
  rateLimit: {
    windowSeconds: number;
    /** Requests per client IP per window on the callback. */
    callbackMax: number;
    /** Requests per client IP per window on sign-out. */
    signoutMax: number;
  };
  /** Time in-flight requests get to finish after SIGTERM/SIGINT, ms. */
  shutdownGraceMs: number;
}

/** Thrown by {@link loadConfig}; `message` is one line naming every bad variable and what is expected. */
export class ConfigError extends Error {
  constructor(
    /** The environment variables at fault, in schema order. */
    readonly variables: string[],
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }

  /** The first variable at fault. */
  get variable(): string {
    return this.variables[0] ?? 'environment';
  }
}

/**
 * Validates the environment and shapes it into a {@link Config}. An empty value counts as unset
 * (`PORT=` in a `.env` file means "use the default"; `SESSION_SECRET=` means "missing").
 * @param env - variables to read (default `process.env`).
 * @throws {@link ConfigError} naming every missing or malformed variable, on one line; values are never echoed.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const problems = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? 'environment');
      if (problems.has(variable)) continue;
      problems.set(variable, present[variable] === undefined ? 'is required' : `is malformed: ${issue.message}`);
    }
    const text = [...problems].map(([variable, problem]) => `${variable} ${problem}`).join('; ');
    throw new ConfigError([...problems.keys()], `Invalid configuration: ${text}`);
  }
  const e = parsed.data;
  const publicUrl = new URL(e.PUBLIC_URL);
  const secureCookies = e.SECURE_COOKIES ?? publicUrl.protocol === 'https:';
  const allowedOrigins = [...new Set([publicUrl.origin, ...e.DEEP_LINK_ALLOWED_ORIGINS.map((o) => new URL(o).origin)])];
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    callbackPath: e.CALLBACK_PATH,
    integration: {
      clientId: e.INTEGRATION_CLIENT_ID,
      clientSecret: e.INTEGRATION_CLIENT_SECRET,
      ...(e.INTEGRATION_SLUG ? { slug: e.INTEGRATION_SLUG } : {}),
    },
    vercel: {
      apiUrl: new URL(e.VERCEL_API_URL),
      issuer: e.VERCEL_ISSUER,
      ...(e.VERCEL_JWKS_URL ? { jwksUrl: new URL(e.VERCEL_JWKS_URL) } : {}),
      ssoUrl: new URL(e.VERCEL_SSO_URL),
    },
    session: {
      secrets: e.SESSION_SECRET,
      idleTimeoutSeconds: e.SESSION_IDLE_TIMEOUT_SECONDS,
      absoluteTimeoutSeconds: e.SESSION_ABSOLUTE_TIMEOUT_SECONDS,
      // The __Host- prefix pins the cookie to our host, path / and Secure (RFC 6265bis §4.1.3.2).
      cookieName: e.SESSION_COOKIE_NAME ?? (secureCookies ? '__Host-sso_session' : 'sso_session'),
      secureCookies,
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
    trustProxy: e.TRUST_PROXY,
    trustRequestId: e.TRUST_REQUEST_ID ?? false,
    readinessCheckIntervalMs: e.READINESS_CHECK_INTERVAL_MS,
    server: {
      headersTimeoutMs: e.SERVER_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.SERVER_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.SERVER_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: e.SERVER_MAX_CONNECTIONS,
      maxHeaderBytes: e.SERVER_MAX_HEADER_BYTES,
    },
    logLevel: e.LOG_LEVEL,
    deepLinks: { allowedOrigins },
    ...(e.REDIS_URL ? { redis: { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX, commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS } } : {}),
    rateLimit: { windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS, callbackMax: e.RATE_LIMIT_CALLBACK_MAX, signoutMax: e.RATE_LIMIT_SIGNOUT_MAX },
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  };
}
