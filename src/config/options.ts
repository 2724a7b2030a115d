import type { Request, Response } from 'express';
import type session from 'express-session';
import type { Logger } from 'pino';
import { z } from 'zod';
import { VercelSsoError } from '../errors/base';
import type { DeepLinkParams, DeepLinkTarget } from '../flow/deep-links';
import type { VercelIdentity } from '../flow/identity';
import type { SsoObserver } from '../flow/observer';

/**
 * What `onLogin` decides (see {@link VercelSsoOptions.onLogin}).
 * - `{ allow: true }`: sign the user in. `accountRef` (the vendor's own account id, at most 256
 *   characters) is stored in the session; `redirectTo` (a path of the host app, or an allow-listed
 *   URL) replaces the deep link's landing page.
 * - `{ allow: false, reason }`: refuse; `reason` (plain text, escaped, at most 300 characters) is
 *   shown to the user with a 403 and logged.
 * @example
 * ```ts
 * onLogin: async ({ identity }) =>
 *   identity.role === 'ADMIN' ? { allow: true, accountRef: 'org_1', redirectTo: '/welcome' } : { allow: false, reason: 'Ask an owner to invite you.' },
 * ```
 */
export type LoginDecision =
  { allow: true; accountRef?: string; redirectTo?: string } | { allow: false; reason: string };

/**
 * What `onLogin` receives.
 * @example
 * ```ts
 * onLogin: ({ identity, deepLink, req }) => {
 *   req.session.orgId = orgFor(identity.installationId, deepLink.resource_id);
 *   return { allow: true };
 * },
 * ```
 */
export interface LoginContext {
  /** The verified Vercel user (from the id_token, VERCEL-SSO.md §2). */
  identity: VercelIdentity;
  /**
   * Every deep-link parameter Vercel sent, as received (VERCEL-SSO.md §1.2): `resource_id`,
   * `product_id`, `project_id`, `check_id`, `invoice_id`, `experimentation_item_id`, `path`, `url`,
   * `pr`, `support`. Untrusted input: validate before use.
   */
  deepLink: DeepLinkParams;
  /** Where the user will land unless you return `redirectTo`. */
  landing: DeepLinkTarget;
  /** The callback request; set your own session or cookies here. Do not send a response. */
  req: Request;
  res: Response;
  /** The request id printed on error pages and in every log line of this request. */
  requestId: string;
}

/**
 * The pages the router can render; each is overridable with {@link VercelSsoOptions.render}.
 * @example
 * ```ts
 * render: (page, req, res) => res.render(page.kind === 'signed-out' ? 'goodbye' : 'sso-error', page),
 * ```
 */
export type PageKind =
  'error' | 'signin-error' | 'switch-account' | 'signed-out' | 'sign-in-needed';

/**
 * What {@link VercelSsoOptions.render} receives for one page.
 * @example
 * ```ts
 * createVercelSso({ ...options, render: (page, _req, res) => res.send(`<h1>${escape(page.title)}</h1><p>${escape(page.message)}</p><code>${page.requestId}</code>`) });
 * ```
 */
export interface PageContext {
  kind: PageKind;
  /** HTTP status the page is sent with. */
  status: number;
  title: string;
  message: string;
  /** A stable code (`LoginFailureCode`) for error pages. */
  code?: string;
  requestId: string;
  productName: string;
  supportUrl?: string;
  /** Page-specific values (switch-account: `current`, `next`, `switchId`, `csrfToken`, `actions`). */
  data: Record<string, unknown>;
}

const isFunction = (value: unknown): boolean => typeof value === 'function';
const fn = <T>(expected: string) => z.custom<T>(isFunction, { message: expected });

/** `value` as a URL, or undefined when it does not parse. */
export function parsesAsUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** True for an absolute http(s) URL without credentials (shared with the environment schema). */
export function isHttpUrl(value: string): boolean {
  const url = parsesAsUrl(value);
  return (
    url !== undefined &&
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    !url.username &&
    !url.password
  );
}

/** True for an origin-only http(s) URL: scheme, host, optional port; no path, query, fragment or credentials. */
export function isOriginUrl(value: string): boolean {
  const url = parsesAsUrl(value);
  return (
    isHttpUrl(value) &&
    url !== undefined &&
    (url.pathname === '/' || url.pathname === '') &&
    !url.search &&
    !url.hash
  );
}

const urlLike = z.union([z.string(), z.instanceof(URL)]).transform((value) => String(value).trim());

/** An absolute http(s) URL without credentials. */
const httpUrl = (expected: string) => urlLike.refine(isHttpUrl, expected);

/** An origin-only URL (scheme, host, optional port). */
const originUrl = (expected: string) =>
  urlLike.refine(isOriginUrl, expected).transform((value) => new URL(value));

/** The longest delay Node's timers accept (2^31 − 1 ms); anything larger fires at once. */
const MAX_TIMER_MS = 2_147_483_647;
const positiveInt = (expected: string, max = Number.MAX_SAFE_INTEGER) =>
  z.number({ message: expected }).int(expected).min(1, expected).max(max, expected);
const seconds = (fallback: number) =>
  positiveInt(
    'expected a whole number of seconds from 1 to 2147483 (about 24 days)',
    Math.floor(MAX_TIMER_MS / 1000),
  ).default(fallback);
const milliseconds = (fallback: number) =>
  positiveInt('expected a whole number of milliseconds from 1 to 2147483647', MAX_TIMER_MS).default(
    fallback,
  );

/** The asymmetric JWS algorithms an id_token may be pinned to (RFC 7518 §3.1, RFC 8037). */
export const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/** A Redis client as built by `redis` (node-redis) `createClient()`, owned by the caller. */
export type RedisClientLike = { isOpen: boolean; sendCommand: (...args: never[]) => unknown };

const redisUrl = (expected: string) =>
  z.string().refine((value) => {
    const url = parsesAsUrl(value);
    return url !== undefined && ['redis:', 'rediss:'].includes(url.protocol) && url.hostname !== '';
  }, expected);

const redisOptions = z
  .object({
    /** One server: a `redis://` or `rediss://` URL; the library builds and owns the client. */
    url: redisUrl('expected a redis:// or rediss:// URL').optional(),
    /** A connected node-redis client the vendor already has (single server); the library never closes it. */
    client: z
      .custom<RedisClientLike>(
        (value) =>
          typeof value === 'object' &&
          value !== null &&
          typeof (value as { sendCommand?: unknown }).sendCommand === 'function',
        {
          message: 'expected a node-redis client (createClient() from the redis package)',
        },
      )
      .optional(),
    /** A master watched by Redis Sentinel: the sentinels' URLs and the monitored master's name. */
    sentinel: z
      .object({
        nodes: z
          .array(redisUrl('expected redis://host:port URLs of the sentinels'))
          .min(1, 'expected at least one sentinel'),
        masterName: z
          .string()
          .regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected the master name the sentinels monitor')
          .default('mymaster'),
        /** `requirepass` of the master and its replicas. Secret: never logged. */
        masterPassword: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** A Redis Cluster: seed node URLs (the first URL's credentials and TLS apply to every node). */
    cluster: z
      .object({
        nodes: z
          .array(redisUrl('expected redis:// or rediss:// URLs of cluster nodes'))
          .min(1, 'expected at least one cluster node'),
      })
      .strict()
      .optional(),
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'expected a key prefix of letters, digits and : _ . -')
      .default('vms:'),
    commandTimeoutMs: milliseconds(1000),
  })
  .strict()
  .refine(
    (value) =>
      [value.url, value.client, value.sentinel, value.cluster].filter((v) => v !== undefined)
        .length === 1,
    {
      message: 'expected exactly one of redis.url, redis.client, redis.sentinel or redis.cluster',
    },
  )
  .transform((value): RedisTopology & { keyPrefix: string; commandTimeoutMs: number } => {
    const common = { keyPrefix: value.keyPrefix, commandTimeoutMs: value.commandTimeoutMs };
    if (value.client) return { mode: 'client', client: value.client, ...common };
    if (value.sentinel) {
      return {
        mode: 'sentinel',
        sentinelUrls: value.sentinel.nodes,
        masterName: value.sentinel.masterName,
        ...(value.sentinel.masterPassword ? { masterPassword: value.sentinel.masterPassword } : {}),
        ...common,
      };
    }
    if (value.cluster) return { mode: 'cluster', nodeUrls: value.cluster.nodes, ...common };
    return { mode: 'single', url: value.url!, ...common };
  });

/**
 * Where the shared Redis state lives: one server (a URL, or the vendor's own client), a master
 * watched by Redis Sentinel, or a Redis Cluster. URLs and passwords are secrets: never logged.
 */
export type RedisTopology =
  | { mode: 'single'; /** `redis://` or `rediss://` URL, credentials included. */ url: string }
  | { mode: 'client'; /** The vendor's connected node-redis client. */ client: RedisClientLike }
  | {
      mode: 'sentinel';
      /** `redis://[:password@]host:port` of each sentinel (the password is the sentinels' own). */
      sentinelUrls: string[];
      /** The master name the sentinels monitor (`sentinel monitor <name> …`). */
      masterName: string;
      /** `requirepass` of the master and its replicas, if any. */
      masterPassword?: string;
    }
  | {
      mode: 'cluster';
      /** Seed nodes; the first URL's credentials and TLS apply to every node. */ nodeUrls: string[];
    };

/**
 * The options of `createVercelSso`, as a zod schema: the single source of their types
 * ({@link VercelSsoOptions} is its input, {@link SsoSettings} its validated output).
 * Defaults follow Vercel's documented endpoints (VERCEL-SSO.md §1-§3) and OWASP ASVS V3.3 lifetimes.
 * @example
 * ```ts
 * import { vercelSsoOptionsSchema } from 'vercel-marketplace-sso';
 * const result = vercelSsoOptionsSchema.safeParse(candidate); // validate options read from your own config
 * if (!result.success) logger.error({ issues: result.error.issues }, 'bad SSO options');
 * ```
 */
export const vercelSsoOptionsSchema = z
  .object({
    /** The integration's client id (`oac_…`, Integration Console); the `aud` of every id_token (VERCEL-SSO.md §2). */
    clientId: z
      .string({
        message: 'expected the integration client id (oac_...) from the Integration Console',
      })
      .trim()
      .min(1, 'expected the integration client id (oac_...) from the Integration Console'),
    /** The integration's client secret (Integration Console). Never logged. */
    clientSecret: z
      .string({ message: 'expected the integration client secret from the Integration Console' })
      .min(1, 'expected the integration client secret from the Integration Console'),
    /** The public origin of the host app as the browser sees it, e.g. `https://app.example.com`. */
    publicUrl: originUrl(
      'expected an origin such as https://app.example.com (http(s), no path, query or credentials)',
    ),
    /** Session cookie signing secret(s), each at least 32 characters; an array rotates (first signs, all verify). */
    sessionSecret: z
      .union([z.string(), z.array(z.string())], {
        message: 'expected a secret of at least 32 characters (or an array of them, newest first)',
      })
      .transform((value) =>
        (Array.isArray(value) ? value : [value]).map((s) => s.trim()).filter((s) => s.length > 0),
      )
      .refine(
        (secrets) => secrets.length > 0 && secrets.every((s) => s.length >= 32),
        'expected every secret to be at least 32 characters (openssl rand -base64 48)',
      ),
    /** Integration slug; enables provider-initiated SSO (VERCEL-SSO.md §3). */
    integrationSlug: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]*$/,
        'expected the integration slug (lowercase letters, digits and dashes)',
      )
      .optional(),
    /**
     * Where you mount `sso.router` (e.g. `/vercel`), for the pages `requireUser()` sends from your own
     * routes (their sign-out form and stylesheet). Default: learned from the first request that reaches
     * the router (a sign-in always does); set it so pages sent before that are right too.
     */
    mountPath: z
      .string()
      .regex(
        /^(\/[A-Za-z0-9._~-]+)*$/,
        'expected the mount path such as /vercel (no trailing slash), or empty for /',
      )
      .optional(),
    /** Path of the Redirect Login URL handler inside the router (the Redirect Login URL is publicUrl + mount path + this). */
    callbackPath: z
      .string()
      .regex(/^\/[A-Za-z0-9/_-]*$/, 'expected a path such as /callback')
      .default('/callback'),
    /** Vercel's endpoints; defaults are production Vercel. Point them at the emulator in development. */
    vercel: z
      .object({
        apiUrl: originUrl('expected an origin such as https://api.vercel.com').default(
          new URL('https://api.vercel.com'),
        ),
        issuer: httpUrl('expected the issuer URL, e.g. https://marketplace.vercel.com').default(
          'https://marketplace.vercel.com',
        ),
        jwksUrl: httpUrl('expected an absolute http(s) JWKS URL')
          .transform((value) => new URL(value))
          .optional(),
        ssoUrl: originUrl('expected an origin such as https://vercel.com').default(
          new URL('https://vercel.com'),
        ),
      })
      .strict()
      .prefault({}),
    session: z
      .object({
        /** A session unused this long is dead (OWASP ASVS V3.3.2). Default 30 min. */
        idleTimeoutSeconds: seconds(30 * 60),
        /** A session this old since login is dead whatever the activity (OWASP ASVS V3.3.4). Default 8 h. */
        absoluteTimeoutSeconds: seconds(8 * 60 * 60),
        /** Default `__Host-sso_session` with Secure cookies, `sso_session` otherwise. */
        cookieName: z
          .string()
          .regex(/^[A-Za-z0-9_.-]+$/, 'expected a cookie name (letters, digits, _ . -)')
          .optional(),
        /** `Secure` cookies; default: true when publicUrl is https. */
        secureCookies: z.boolean({ message: 'expected true or false' }).optional(),
        /**
         * Share the session cookie with sub-domains (e.g. `example.com` for `sso.example.com` and
         * `app.example.com`): the cookie gets this `Domain` and the `__Secure-` prefix instead of
         * `__Host-` (RFC 6265bis §4.1.3). Trade-off: every host under the domain receives the session
         * cookie, so a compromised sibling host can replay it. Default: unset (host-only cookie).
         */
        cookieDomain: z
          .string()
          .trim()
          .toLowerCase()
          .regex(
            /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
            'expected a domain such as example.com (no scheme, port or leading dot)',
          )
          .optional(),
      })
      .strict()
      .prefault({})
      .refine((s) => s.idleTimeoutSeconds <= s.absoluteTimeoutSeconds, {
        path: ['idleTimeoutSeconds'],
        message: 'expected at most session.absoluteTimeoutSeconds',
      }),
    idToken: z
      .object({
        /** Pinned JWS algorithms (RFC 8725 §3.1). */
        algorithms: z
          .array(
            z.enum(ALGORITHMS, {
              message: 'expected asymmetric JWS algorithms such as RS256 (RS*, PS*, ES*, EdDSA)',
            }),
          )
          .min(1, 'expected at least one algorithm')
          .default(['RS256']),
        clockToleranceSeconds: z
          .number()
          .int()
          .min(0)
          .max(300, 'expected 0 to 300 seconds')
          .default(30),
        maxAgeSeconds: seconds(10 * 60),
      })
      .strict()
      .prefault({}),
    http: z
      .object({
        tokenExchangeTimeoutMs: milliseconds(5000),
        jwksTimeoutMs: milliseconds(3000),
        jwksCooldownMs: z
          .number()
          .int()
          .min(0, 'expected 0 to 2147483647 milliseconds')
          .max(MAX_TIMER_MS, 'expected 0 to 2147483647 milliseconds')
          .default(5000),
        jwksCacheMaxAgeMs: milliseconds(10 * 60 * 1000),
      })
      .strict()
      .prefault({}),
    /** Origins a `url` deep link may land on besides publicUrl's own (RFC 9700 §4.11). */
    deepLinkAllowedOrigins: z
      .array(originUrl('expected origins such as https://docs.example.com'))
      .default([]),
    /** Shared stores for several instances; absent: in-process memory stores (one instance). */
    redis: redisOptions.optional(),
    rateLimit: z
      .object({
        windowSeconds: seconds(60),
        callbackMax: positiveInt('expected a positive whole number of requests').default(60),
        signoutMax: positiveInt('expected a positive whole number of requests').default(30),
      })
      .strict()
      .prefault({}),
    /** Interval of the background readiness check behind `ready()` (session store ping; issuer keys only when none are cached), ms. */
    readinessCheckIntervalMs: milliseconds(5000),
    /** Shown on the router's pages. */
    productName: z.string().min(1).max(100).default('Acme Provider'),
    /** A support link shown on error pages. */
    supportUrl: httpUrl('expected an absolute http(s) URL').optional(),
    /** Runs after the id_token is verified, before the session; see {@link LoginDecision}. A throw is a 503, no session. */
    onLogin: fn<(context: LoginContext) => LoginDecision | Promise<LoginDecision>>(
      'expected a function ({ identity, deepLink, req, res }) => decision',
    ).optional(),
    /** Replaces the default deep-link map: return a path of the host app (or undefined for the default). */
    landing: fn<(deepLink: DeepLinkParams, fallback: DeepLinkTarget) => string | undefined>(
      'expected a function (deepLink, defaultTarget) => path',
    ).optional(),
    /** Renders the router's pages yourself (default: built-in HTML; JSON when the client asks for it). */
    render: fn<(page: PageContext, req: Request, res: Response) => void>(
      'expected a function (page, req, res) => void that sends the response',
    ).optional(),
    /** pino logger; default: JSON to stdout at info. Requests get a child with their request id. */
    logger: z
      .custom<Logger>(
        (value) =>
          typeof value === 'object' &&
          value !== null &&
          typeof (value as Logger).child === 'function',
        { message: 'expected a pino logger' },
      )
      .optional(),
    /**
     * Metrics: told each login outcome, exchange duration, JWKS fetch, store error, revocation and
     * rate-limited request (see {@link SsoObserver}; every method optional). Default: nothing is recorded.
     */
    metrics: z
      .custom<SsoObserver>(
        (value) =>
          typeof value === 'object' &&
          value !== null &&
          (
            [
              'loginOutcome',
              'exchangeDuration',
              'jwksFetch',
              'storeError',
              'sessionsRevoked',
              'rateLimited',
            ] as const
          ).every(
            (name) =>
              (value as Record<string, unknown>)[name] === undefined ||
              isFunction((value as Record<string, unknown>)[name]),
          ),
        {
          message:
            'expected an observer object such as { loginOutcome(outcome, reason) { … } } (each method optional)',
        },
      )
      .optional(),
    /** Advanced: an express-session store instead of the built-in memory or Redis one. */
    sessionStore: z
      .custom<session.Store>(
        (value) =>
          typeof value === 'object' &&
          value !== null &&
          typeof (value as session.Store).get === 'function',
        { message: 'expected an express-session Store' },
      )
      .optional(),
    /** Production mode: template caching, start-up warnings. Default: NODE_ENV === 'production'. */
    production: z.boolean().default(() => process.env.NODE_ENV === 'production'),
    /** Clock, ms since epoch (tests). */
    now: fn<() => number>('expected a function returning ms since epoch').optional(),
  })
  .strict()
  .refine(
    (o) =>
      !o.session.cookieDomain ||
      o.publicUrl.hostname === o.session.cookieDomain ||
      o.publicUrl.hostname.endsWith(`.${o.session.cookieDomain}`),
    {
      path: ['session', 'cookieDomain'],
      message:
        "expected publicUrl's host or a parent domain of it (browsers refuse any other Domain)",
    },
  )
  .transform((o) => {
    const secureCookies = o.session.secureCookies ?? o.publicUrl.protocol === 'https:';
    return {
      ...o,
      env: (o.production ? 'production' : 'development') as 'production' | 'development' | 'test',
      integration: {
        clientId: o.clientId,
        clientSecret: o.clientSecret,
        ...(o.integrationSlug ? { slug: o.integrationSlug } : {}),
      },
      session: {
        secrets: o.sessionSecret,
        idleTimeoutSeconds: o.session.idleTimeoutSeconds,
        absoluteTimeoutSeconds: o.session.absoluteTimeoutSeconds,
        // The __Host- prefix pins the cookie to our host, path / and Secure (RFC 6265bis §4.1.3.2);
        // a Domain cookie cannot have it, so it gets __Secure- (Secure only, §4.1.3.1).
        cookieName:
          o.session.cookieName ??
          (secureCookies
            ? o.session.cookieDomain
              ? '__Secure-sso_session'
              : '__Host-sso_session'
            : 'sso_session'),
        secureCookies,
        ...(o.session.cookieDomain ? { cookieDomain: o.session.cookieDomain } : {}),
      },
      deepLinks: {
        allowedOrigins: [
          ...new Set([o.publicUrl.origin, ...o.deepLinkAllowedOrigins.map((u) => u.origin)]),
        ],
      },
    };
  });

/**
 * The options of `createVercelSso` (the input of {@link vercelSsoOptionsSchema}). Required:
 * `clientId`, `clientSecret`, `publicUrl`, `sessionSecret`; everything else has a secure default.
 * @example
 * ```ts
 * import type { VercelSsoOptions } from 'vercel-marketplace-sso';
 * const options: VercelSsoOptions = { clientId, clientSecret, publicUrl: 'https://app.example.com', sessionSecret };
 * ```
 */
export type VercelSsoOptions = z.input<typeof vercelSsoOptionsSchema>;

/**
 * Validated, defaulted options as the flow uses them (the output of {@link vercelSsoOptionsSchema}).
 * @example
 * ```ts
 * import { parseVercelSsoOptions, type SsoSettings } from 'vercel-marketplace-sso';
 * const settings: SsoSettings = parseVercelSsoOptions(options);
 * settings.session.cookieName; // '__Host-sso_session' on https
 * ```
 */
export type SsoSettings = z.output<typeof vercelSsoOptionsSchema>;

/**
 * The code of the options module's one error (closed): `ERR_VERCEL_SSO_OPTIONS`.
 * @example
 * ```ts
 * const code: OptionsErrorCode = 'ERR_VERCEL_SSO_OPTIONS';
 * ```
 */
export type OptionsErrorCode = 'ERR_VERCEL_SSO_OPTIONS';

/**
 * `createVercelSso` was given options it cannot use. `code` is `ERR_VERCEL_SSO_OPTIONS`; `message`
 * names every bad field, what is expected and, for unknown fields, the closest known one;
 * `fields` lists them. Thrown at construction, never per request (helmet's habit).
 * @example
 * ```ts
 * try {
 *   createVercelSso(options);
 * } catch (error) {
 *   if (error instanceof VercelSsoOptionsError) logger.error({ fields: error.fields }, error.message); // fields: ['publicUrl', 'sessionSecret']
 *   throw error;
 * }
 * ```
 */
export class VercelSsoOptionsError extends VercelSsoError<OptionsErrorCode> {
  readonly code = 'ERR_VERCEL_SSO_OPTIONS' as const;
  constructor(
    /** The option paths at fault, e.g. `clientId`, `session.idleTimeoutSeconds`. */
    readonly fields: string[],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'VercelSsoOptionsError';
  }
}

/**
 * Validates `options` and applies the defaults.
 * @throws {@link VercelSsoOptionsError} naming every bad field (values are never echoed).
 * @example
 * ```ts
 * const settings = parseVercelSsoOptions({ clientId, clientSecret, publicUrl: 'https://app.example.com', sessionSecret });
 * settings.idToken.algorithms; // ['RS256']
 * ```
 */
export function parseVercelSsoOptions(options: unknown): SsoSettings {
  if (typeof options !== 'object' || options === null) {
    throw new VercelSsoOptionsError(
      ['options'],
      'createVercelSso(options): expected an options object such as { clientId, clientSecret, publicUrl, sessionSecret }',
    );
  }
  const parsed = vercelSsoOptionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = new Map<string, string>();
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const field = [...issue.path, key].join('.');
        const suggestion = closest(key, knownKeys(issue.path.map(String)));
        problems.set(
          field,
          `is not an option${suggestion ? ` (did you mean ${[...issue.path, suggestion].join('.')}?)` : ''}`,
        );
      }
      continue;
    }
    const field = issue.path.join('.') || 'options';
    if (problems.has(field)) continue;
    const value = issue.path.reduce<unknown>(
      (node, key) => (node as Record<PropertyKey, unknown> | undefined)?.[key],
      options,
    );
    problems.set(
      field,
      value === undefined ? `is required: ${issue.message}` : `is invalid: ${issue.message}`,
    );
  }
  const text = [...problems].map(([field, problem]) => `${field} ${problem}`).join('; ');
  throw new VercelSsoOptionsError(
    [...problems.keys()],
    `Invalid createVercelSso options: ${text}`,
    { cause: parsed.error },
  );
}

function knownKeys(path: string[]): string[] {
  let shape: unknown = (
    vercelSsoOptionsSchema as unknown as { in: { shape: Record<string, unknown> } }
  ).in.shape;
  for (const key of path) {
    let node = (shape as Record<string, unknown>)[key];
    // Unwrap optional/default/prefault/pipe/refine layers down to an object's shape.
    for (let i = 0; i < 6 && node && !(node as { shape?: unknown }).shape; i += 1) {
      const def = (node as { def?: { innerType?: unknown; in?: unknown; schema?: unknown } }).def;
      node = def?.innerType ?? def?.in ?? def?.schema;
    }
    shape = (node as { shape?: unknown } | undefined)?.shape ?? {};
  }
  return Object.keys(shape as Record<string, unknown>);
}

/** The known key nearest to `key` (edit distance ≤ 3, case-insensitive), if any. */
function closest(key: string, candidates: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance <= 3 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
