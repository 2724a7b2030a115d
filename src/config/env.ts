import proxyAddr from 'proxy-addr';
import { z } from 'zod';
import { ALGORITHMS, isHttpUrl, isOriginUrl, parsesAsUrl } from './options';

/** A whole number read from an environment string, with `expected` as the message for any failure. */
const integer = (expected: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number({ message: expected }).int(expected).min(min, expected).max(max, expected);

/** Seconds, as a positive integer read from an environment string. */
const seconds = (fallback: number) =>
  integer(
    'expected a whole number of seconds from 1 to 2147483 (Node timers hold at most 2^31-1 ms)',
    1,
    2_147_483,
  ).default(fallback);

/** Milliseconds, as a positive integer read from an environment string. */
const milliseconds = (fallback: number) =>
  integer(
    'expected a whole number of milliseconds from 1 to 2147483647 (Node timers hold at most 2^31-1 ms)',
    1,
    2_147_483_647,
  ).default(fallback);

const httpUrl = z
  .string()
  .trim()
  .refine(isHttpUrl, 'expected an absolute http(s) URL without credentials');

/** An origin-only URL (scheme, host, optional port), e.g. `https://sso.example.com`. */
const originUrl = z
  .string()
  .trim()
  .refine(
    isOriginUrl,
    'expected an origin such as https://sso.example.com (http(s), no path, query, fragment or credentials)',
  );

const commaList = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], {
    message: 'expected true or false (1/0, yes/no)',
  })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/**
 * The environment variables this service reads, with their defaults.
 * Every variable is documented in `.env.example` and the README's configuration table, with the
 * same default (test/config/single-source.test.ts checks both against {@link environmentVariables}).
 * Vercel's own names are used where Vercel has them (`INTEGRATION_CLIENT_ID`, `INTEGRATION_CLIENT_SECRET`).
 */
export const environmentSchema = z
  .object({
    NODE_ENV: z
      .enum(['development', 'production', 'test'], {
        message: 'expected development, production or test',
      })
      .default('development'),
    PORT: integer('expected a TCP port (0-65535)', 0, 65535).default(3000),
    HOST: z
      .string()
      .trim()
      .regex(
        /^[A-Za-z0-9.:-]{1,253}$/,
        'expected an IP address or host name to listen on, e.g. 0.0.0.0',
      )
      .default('0.0.0.0'),
    METRICS_PORT: integer('expected a TCP port (0-65535; 0 picks a free one)', 0, 65535).optional(),
    METRICS_HOST: z
      .string()
      .trim()
      .regex(
        /^[A-Za-z0-9.:-]{1,253}$/,
        'expected an IP address or host name to listen on, e.g. 127.0.0.1',
      )
      .default('127.0.0.1'),
    PUBLIC_URL: originUrl,
    CALLBACK_PATH: z
      .string()
      .regex(/^\/[A-Za-z0-9/_-]*$/, 'expected a path such as /callback')
      .default('/callback'),
    INTEGRATION_CLIENT_ID: z
      .string()
      .trim()
      .min(1, 'expected the integration client id (oac_...) from the Integration Console'),
    INTEGRATION_CLIENT_SECRET: z
      .string()
      .min(1, 'expected the integration client secret from the Integration Console'),
    INTEGRATION_SLUG: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]*$/,
        'expected the integration slug (lowercase letters, digits and dashes)',
      )
      .optional(),
    SESSION_SECRET: z
      .string()
      .transform(commaList)
      .refine(
        (secrets) => secrets.length > 0,
        'expected one or more comma-separated secrets, newest first',
      )
      .refine(
        (secrets) => secrets.every((s) => s.length >= 32),
        'expected every secret to be at least 32 characters',
      ),
    SESSION_IDLE_TIMEOUT_SECONDS: seconds(30 * 60),
    SESSION_ABSOLUTE_TIMEOUT_SECONDS: seconds(8 * 60 * 60),
    SESSION_COOKIE_NAME: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'expected a cookie name (letters, digits, _ . -)')
      .optional(),
    VERCEL_API_URL: originUrl.default('https://api.vercel.com'),
    VERCEL_ISSUER: httpUrl.default('https://marketplace.vercel.com'),
    VERCEL_JWKS_URL: httpUrl.optional(),
    VERCEL_SSO_URL: originUrl.default('https://vercel.com'),
    ID_TOKEN_ALGORITHMS: z
      .string()
      .default('RS256')
      .transform(commaList)
      .pipe(
        z
          .array(
            z.enum(ALGORITHMS, {
              message: 'expected asymmetric JWS algorithms such as RS256 (RS*, PS*, ES*, EdDSA)',
            }),
          )
          .min(1, 'expected asymmetric JWS algorithms such as RS256'),
      ),
    ID_TOKEN_CLOCK_TOLERANCE_SECONDS: integer('expected 0 to 300 seconds', 0, 300).default(30),
    ID_TOKEN_MAX_AGE_SECONDS: seconds(10 * 60),
    TOKEN_EXCHANGE_TIMEOUT_MS: milliseconds(5000),
    JWKS_TIMEOUT_MS: milliseconds(3000),
    JWKS_COOLDOWN_MS: integer('expected 0 or more milliseconds', 0).default(5_000),
    JWKS_CACHE_MAX_AGE_MS: milliseconds(10 * 60 * 1000),
    TRUST_PROXY: z
      .string()
      .trim()
      .default('false')
      .refine((value) => {
        if (value === 'true' || value === 'false' || /^\d+$/.test(value)) return true;
        try {
          proxyAddr.compile(value.split(',').map((item) => item.trim()));
          return true;
        } catch {
          return false;
        }
      }, 'expected true, false, a hop count, or comma-separated addresses/subnets (loopback, 10.0.0.0/8)')
      .transform((value): boolean | number | string => {
        if (value === 'true') return true;
        if (value === 'false') return false;
        if (/^\d+$/.test(value)) return Number(value);
        return value;
      }),
    TRUST_REQUEST_ID: booleanString.default(false),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        message: 'expected fatal, error, warn, info, debug, trace or silent',
      })
      .default('info'),
    DEEP_LINK_ALLOWED_ORIGINS: z.string().default('').transform(commaList).pipe(z.array(originUrl)),
    SECURE_COOKIES: booleanString.optional(),
    REDIS_URL: z
      .string()
      .trim()
      .refine(
        (value) => isRedisUrl(value, ['redis:', 'rediss:']),
        'expected a redis:// or rediss:// URL',
      )
      .optional(),
    REDIS_SENTINEL_NODES: z
      .string()
      .transform(commaList)
      .refine(
        (urls) => urls.length > 0 && urls.every((url) => isRedisUrl(url, ['redis:'])),
        'expected comma-separated redis://[:password@]host:port URLs of the sentinels',
      )
      .optional(),
    REDIS_SENTINEL_MASTER_NAME: z
      .string()
      .regex(
        /^[A-Za-z0-9._-]{1,64}$/,
        'expected the master name the sentinels monitor (letters, digits and . _ -)',
      )
      .default('mymaster'),
    REDIS_SENTINEL_MASTER_PASSWORD: z.string().optional(),
    REDIS_CLUSTER_NODES: z
      .string()
      .transform(commaList)
      .refine(
        (urls) => urls.length > 0 && urls.every((url) => isRedisUrl(url, ['redis:', 'rediss:'])),
        'expected comma-separated redis:// or rediss:// URLs of cluster nodes',
      )
      .optional(),
    REDIS_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'expected a key prefix of letters, digits and : _ . -')
      .default('vms:'),
    REDIS_COMMAND_TIMEOUT_MS: milliseconds(1000),
    RATE_LIMIT_WINDOW_SECONDS: seconds(60),
    RATE_LIMIT_CALLBACK_MAX: integer('expected a positive whole number of requests', 1).default(60),
    RATE_LIMIT_SIGNOUT_MAX: integer('expected a positive whole number of requests', 1).default(30),
    SHUTDOWN_GRACE_MS: milliseconds(10_000),
    SHUTDOWN_DRAIN_DELAY_MS: integer(
      'expected a whole number of milliseconds (0 or more)',
      0,
    ).default(0),
    PRODUCT_NAME: z
      .string()
      .trim()
      .min(1)
      .max(100, 'expected a product name of at most 100 characters')
      .optional(),
    SUPPORT_URL: httpUrl.optional(),
    SESSION_COOKIE_DOMAIN: z
      .string()
      .trim()
      .toLowerCase()
      .regex(
        /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
        'expected a domain such as example.com (no scheme, port or leading dot)',
      )
      .optional(),
    // The sidecar (issue 11): forward-auth, the identity assertion and, with UPSTREAM_URL, the proxy.
    SIDECAR_ENABLED: booleanString.optional(),
    SIDECAR_PREFIX: z
      .string()
      .regex(/^(\/[A-Za-z0-9_-]+)+$/, 'expected a path prefix such as /_sso (no trailing slash)')
      .default('/_sso'),
    UPSTREAM_URL: originUrl.optional(),
    ASSERTION_SIGNING_KEY: z.string().min(1).optional(),
    ASSERTION_AUDIENCE: z
      .string()
      .trim()
      .min(1)
      .max(2048, 'expected at most 2048 characters')
      .optional(),
    ASSERTION_TTL_SECONDS: integer('expected 1 to 60 seconds', 1, 60).default(60),
    READINESS_CHECK_INTERVAL_MS: milliseconds(5_000),
    SERVER_HEADERS_TIMEOUT_MS: milliseconds(10_000),
    SERVER_REQUEST_TIMEOUT_MS: milliseconds(15_000),
    SERVER_KEEP_ALIVE_TIMEOUT_MS: milliseconds(65_000),
    SERVER_MAX_CONNECTIONS: integer('expected a positive whole number of connections', 1).default(
      2_000,
    ),
    SERVER_MAX_HEADER_BYTES: integer('expected 1024 to 65536 bytes', 1024, 65_536).default(16_384),
  })
  .refine((e) => e.SESSION_IDLE_TIMEOUT_SECONDS <= e.SESSION_ABSOLUTE_TIMEOUT_SECONDS, {
    path: ['SESSION_IDLE_TIMEOUT_SECONDS'],
    message: 'expected at most SESSION_ABSOLUTE_TIMEOUT_SECONDS',
  })
  .refine(
    (e) =>
      [e.REDIS_URL, e.REDIS_SENTINEL_NODES, e.REDIS_CLUSTER_NODES].filter((v) => v !== undefined)
        .length <= 1,
    {
      path: ['REDIS_URL'],
      message: 'expected only one of REDIS_URL, REDIS_SENTINEL_NODES and REDIS_CLUSTER_NODES',
    },
  )
  .refine((e) => e.SHUTDOWN_DRAIN_DELAY_MS < e.SHUTDOWN_GRACE_MS, {
    path: ['SHUTDOWN_DRAIN_DELAY_MS'],
    message: 'expected less than SHUTDOWN_GRACE_MS',
  })
  .refine(
    (e) => !e.SESSION_COOKIE_DOMAIN || cookieDomainMatches(e.PUBLIC_URL, e.SESSION_COOKIE_DOMAIN),
    {
      path: ['SESSION_COOKIE_DOMAIN'],
      message: "expected PUBLIC_URL's host or a parent domain of it",
    },
  )
  .refine((e) => !(e.UPSTREAM_URL && e.SIDECAR_ENABLED === false), {
    path: ['SIDECAR_ENABLED'],
    message: 'UPSTREAM_URL runs the sidecar: unset SIDECAR_ENABLED or UPSTREAM_URL',
  })
  .refine((e) => !(e.NODE_ENV === 'production' && sidecarEnabled(e) && !e.ASSERTION_SIGNING_KEY), {
    path: ['ASSERTION_SIGNING_KEY'],
    message: 'expected a PEM or JWK private key in production when the sidecar is on',
  })
  .refine((e) => e.SERVER_HEADERS_TIMEOUT_MS <= e.SERVER_REQUEST_TIMEOUT_MS, {
    path: ['SERVER_HEADERS_TIMEOUT_MS'],
    message: 'expected at most SERVER_REQUEST_TIMEOUT_MS',
  });

/** True when `value` parses as a URL with one of `protocols` and a host. */
function isRedisUrl(value: string, protocols: string[]): boolean {
  const url = parsesAsUrl(value);
  return url !== undefined && protocols.includes(url.protocol) && url.hostname !== '';
}

/** Whether the environment turns the sidecar on: `SIDECAR_ENABLED=true`, or `UPSTREAM_URL` set. */
export function sidecarEnabled(e: {
  SIDECAR_ENABLED?: boolean | undefined;
  UPSTREAM_URL?: string | undefined;
}): boolean {
  return e.SIDECAR_ENABLED ?? e.UPSTREAM_URL !== undefined;
}

function cookieDomainMatches(publicUrl: string, domain: string): boolean {
  const host = parsesAsUrl(publicUrl)?.hostname ?? '';
  return host === domain || host.endsWith(`.${domain}`);
}

/** The raw, validated environment (before it is shaped into {@link Config}). */
export type Environment = z.infer<typeof environmentSchema>;

/** The name of one variable {@link environmentSchema} reads. */
export type EnvironmentVariableName = keyof typeof environmentSchema.shape;

/** One variable as {@link environmentSchema} defines it, for documentation checks. */
export interface EnvironmentVariableSpec {
  /** The variable's name, e.g. `PORT`. */
  name: EnvironmentVariableName;
  /** `true` when the schema has no default and the variable must be set. */
  required: boolean;
  /**
   * The schema's default written as an environment string (`3000`, `false`, `RS256`; lists
   * comma-joined), or `undefined` when there is none (an optional variable, or a default that is
   * empty, such as `DEEP_LINK_ALLOWED_ORIGINS`). A default the service derives later (from other
   * variables or the library's options) is not the schema's and is not listed here.
   */
  defaultValue: string | undefined;
}

/**
 * Every variable of {@link environmentSchema}, in schema order, with its default as the schema
 * computes it for an unset variable (so it cannot disagree with the schema). Used by the test that
 * keeps `.env.example` and the README's configuration table in step with the schema.
 */
export function environmentVariables(): EnvironmentVariableSpec[] {
  return (Object.keys(environmentSchema.shape) as EnvironmentVariableName[]).map((name) => {
    const unset = environmentSchema.shape[name].safeParse(undefined);
    if (!unset.success) return { name, required: true, defaultValue: undefined };
    const value: unknown = unset.data;
    const text = Array.isArray(value) ? value.join(',') : value === undefined ? '' : String(value);
    return { name, required: false, defaultValue: text === '' ? undefined : text };
  });
}
