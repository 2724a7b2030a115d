import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import { errorForLog } from '../errors/base';
import type { SessionIdentity, VercelSso } from '../index';
import { AssertionSigner, MAX_ASSERTION_TTL_SECONDS } from './assertion';
import {
  identityHeaders,
  stripClientForwardingHeaders,
  stripClientIdentityHeaders,
  stripCookies,
} from './identity-headers';
import { loadAssertionKeys } from './keys';
import { UpstreamProxy } from './upstream';

export { MAX_ASSERTION_TTL_SECONDS } from './assertion';

/** Settings of the sidecar (environment: `SIDECAR_*`, `UPSTREAM_URL`, `ASSERTION_*`). */
export interface SidecarSettings {
  /** Path prefix of the sidecar's own routes and of the library's router, e.g. `/_sso`. */
  prefix: string;
  /** The public origin (the assertion's `iss`; where `rd` paths resolve). */
  publicUrl: URL;
  /** The vendor's app; when set, every other path is proxied to it (upstream mode). */
  upstreamUrl?: URL;
  /** The assertion's `aud`. */
  audience: string;
  /** Assertion lifetime, seconds (1 to {@link MAX_ASSERTION_TTL_SECONDS}). */
  assertionTtlSeconds: number;
  /** `ASSERTION_SIGNING_KEY` (PEM or JWK, several for rotation); undefined: a generated development key. */
  signingKey?: string;
  /** Origins a WebSocket handshake may come from, besides `publicUrl`'s (browsers send `Origin`). */
  allowedOrigins?: readonly string[];
  /**
   * A trusted proxy stands in front (`TRUST_PROXY`): keep its `X-Forwarded-*` headers. Otherwise the
   * sidecar is the edge: client-sent forwarding headers are dropped and set anew.
   */
  trustProxy?: boolean;
  /** Cookies never passed to the upstream app (the library's session cookie and its companions). */
  privateCookies?: readonly string[];
  /** Keep a well-formed incoming `X-Request-Id` (set it when a trusted proxy is in front). Default false. */
  trustRequestId?: boolean;
  /** Clock, ms since epoch (tests). */
  now?: () => number;
}

/** The sidecar: forward-auth, the JWKS, a sign-out page and, in upstream mode, the proxy. */
export interface Sidecar {
  /** `GET {prefix}/auth`, `GET {prefix}/signout` and `GET /.well-known/jwks.json`; mount at `/`. */
  readonly router: Router;
  /**
   * The forward-auth handler alone (also in {@link router}): mount it first, before request
   * logging and helmet, for the cheapest check. It sets `X-Request-Id` and logs only failures.
   */
  readonly check: RequestHandler;
  /**
   * Upstream mode only: proxies every request outside the service's own paths (`{prefix}/…`,
   * `/.well-known/jwks.json`, `/healthz`, `/readyz`) and calls `next()` for those. Mount before
   * anything that alters responses (helmet), so the upstream's own headers pass untouched.
   */
  readonly proxy?: RequestHandler;
  /** Upstream mode only: the `upgrade` listener that passes signed-in WebSocket handshakes through. */
  readonly upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** Paths the service answers itself (exact, or prefixes ending in `/`). */
  readonly ownPaths: readonly string[];
  /** Resolves once the keys are loaded. @throws `AssertionKeyError` for a bad `ASSERTION_SIGNING_KEY`. */
  ready(): Promise<void>;
  /** Closes the upstream connections. */
  close(): void;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Longest `X-Forwarded-Uri` / request path remembered as the place to return to. */
const MAX_RETURN_PATH_LENGTH = 512;

/**
 * Builds the sidecar on a library instance (the public face only: {@link VercelSso.lookupIdentity}
 * for the checks, `optionalUser`/`csrfToken` for the sign-out page). Mount `sso.router` at
 * `settings.prefix`, so the Redirect Login URL is `publicUrl + prefix + callbackPath` and sign-in
 * starts at `{prefix}/start?rd=`.
 * @throws {RangeError} for an assertion lifetime outside 1..60 s.
 */
export function createSidecar(sso: VercelSso, settings: SidecarSettings, logger: Logger): Sidecar {
  const { prefix } = settings;
  if (
    !Number.isInteger(settings.assertionTtlSeconds) ||
    settings.assertionTtlSeconds < 1 ||
    settings.assertionTtlSeconds > MAX_ASSERTION_TTL_SECONDS
  ) {
    throw new RangeError(
      `createSidecar: assertionTtlSeconds must be 1 to ${MAX_ASSERTION_TTL_SECONDS}`,
    );
  }
  const signerReady = loadAssertionKeys(settings.signingKey).then(
    (keys) =>
      new AssertionSigner(keys, {
        issuer: settings.publicUrl.origin,
        audience: settings.audience,
        ttlSeconds: settings.assertionTtlSeconds,
        ...(settings.now ? { now: settings.now } : {}),
      }),
  );
  signerReady.catch(() => undefined); // surfaced by ready()
  if (!settings.signingKey)
    logger.warn(
      { event: 'configuration_warning' },
      'ASSERTION_SIGNING_KEY is not set: signing identity assertions with a key generated for this process (development only; upstreams must re-read the JWKS after a restart).',
    );
  const publicOrigin = settings.publicUrl.origin;
  const allowedOrigins = new Set([publicOrigin, ...(settings.allowedOrigins ?? [])]);

  /** The identity, or undefined; a store failure rejects with the library's `session_store_unavailable`. */
  const lookup = (req: IncomingMessage): Promise<SessionIdentity | undefined> =>
    sso.lookupIdentity(req as Request);

  /** Where the browser should go to sign in and come back to `req`'s page. */
  const signInUrl = (req: IncomingMessage, originalPath: string | undefined): string => {
    const path =
      originalPath && originalPath.startsWith('/') && originalPath.length <= MAX_RETURN_PATH_LENGTH
        ? originalPath
        : '/';
    const host = header(req, 'x-forwarded-host');
    const proto = header(req, 'x-forwarded-proto');
    let rd = path;
    if (host && proto && /^https?$/.test(proto)) {
      const origin = `${proto}://${host}`;
      if (origin !== publicOrigin && URL.canParse(origin)) rd = new URL(path, origin).href;
    }
    return `${prefix}/start?rd=${encodeURIComponent(rd)}`;
  };

  const wantsPage = (req: IncomingMessage): boolean =>
    /\btext\/html\b/.test(header(req, 'accept') ?? '');

  /** A request id for the check and the proxy, which run before pino-http (kept when pino-http set one). */
  const requestId = (req: IncomingMessage, res: Response | undefined): string => {
    const slot = req as IncomingMessage & { id?: unknown };
    if (slot.id === undefined) {
      const incoming = settings.trustRequestId ? header(req, 'x-request-id') : undefined;
      slot.id = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      if (res && !res.headersSent) res.setHeader('X-Request-Id', String(slot.id));
    }
    return String(slot.id);
  };

  const refuse = (
    req: Request,
    res: Response,
    status: number,
    code: string,
    message: string,
    extra: Record<string, string> = {},
  ): void => {
    res
      .status(status)
      .set('Cache-Control', 'no-store')
      .json({ error: { code, message, ...extra }, request_id: requestId(req, res) });
  };

  const storeDown = (req: Request, res: Response, error: unknown): void => {
    logger.warn(
      {
        event: 'session_store_error',
        req: { id: requestId(req, res), path: req.path },
        err: errorForLog(error),
      },
      'session lookup failed',
    );
    res.set('Retry-After', '5');
    refuse(
      req,
      res,
      503,
      'session_store_unavailable',
      'Sessions are unavailable. Try again in a few seconds.',
    );
  };

  // Forward-auth (nginx auth_request, Caddy forward_auth, Traefik forwardAuth): one session read,
  // no store write, no log line unless the store fails.
  const check: RequestHandler = async (req, res) => {
    requestId(req, res);
    res.setHeader('Cache-Control', 'no-store');
    const role = req.query.role;
    if (role !== undefined && role !== 'ADMIN' && role !== 'USER') {
      refuse(req, res, 400, 'invalid_role', 'role must be ADMIN or USER.');
      return;
    }
    let identity: SessionIdentity | undefined;
    try {
      identity = await lookup(req);
    } catch (error) {
      storeDown(req, res, error);
      return;
    }
    if (!identity) {
      const location = signInUrl(
        req,
        header(req, 'x-forwarded-uri') ?? header(req, 'x-original-uri'),
      );
      res.set('X-SSO-Sign-In', location);
      // Caddy and Traefik hand a non-2xx answer to the browser as is: ?redirect=1 makes it a redirect for pages.
      if (req.query.redirect === '1' && wantsPage(req)) {
        res.redirect(302, location);
        return;
      }
      refuse(req, res, 401, 'no_session', 'Not signed in.', { sign_in: location });
      return;
    }
    if (role && identity.role !== role) {
      refuse(req, res, 403, 'role_not_allowed', `This page needs the ${role} role.`);
      return;
    }
    const assertion = await (await signerReady).sign(identity);
    res.writeHead(200, identityHeaders(identity, assertion)).end();
  };

  // Strict and case-sensitive: `/_sso/auth/` or `/_SSO/AUTH` must not reach the check from outside a
  // proxy that marks only the exact `/_sso/auth` internal (nginx `internal`).
  const router = Router({ strict: true, caseSensitive: true });
  router.get(`${prefix}/auth`, check);

  // A sign-out page for upstream apps (they cannot mint the CSRF token POST {prefix}/signout needs): link to it.
  router.get(`${prefix}/signout`, sso.optionalUser(), (req, res) => {
    res.set('Cache-Control', 'no-store');
    const token = sso.csrfToken(req);
    if (!token) {
      res.redirect(303, `${prefix}/signed-out`);
      return;
    }
    res
      .type('html')
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign out</title><link rel="stylesheet" href="${prefix}/sso-assets/app.css"></head><body><main><h1>Sign out?</h1>` +
          `<form method="post" action="${prefix}/signout"><input type="hidden" name="_csrf" value="${escapeHtml(token)}"><button type="submit">Sign out</button></form></main></body></html>`,
      );
  });

  router.get('/.well-known/jwks.json', async (_req, res) => {
    const signer = await signerReady;
    res.set('Cache-Control', 'public, max-age=300').json(signer.jwks());
  });

  const ownPaths = [`${prefix}/`, '/.well-known/jwks.json', '/healthz', '/readyz'];
  const isOwn = (path: string): boolean =>
    path === prefix ||
    ownPaths.some((own) => (own.endsWith('/') ? path.startsWith(own) : path === own));

  if (!settings.upstreamUrl) {
    return {
      router,
      check,
      ownPaths,
      ready: async () => void (await signerReady),
      close: () => undefined,
    };
  }

  const upstream = new UpstreamProxy(settings.upstreamUrl, logger);
  const privateCookies = new Set(settings.privateCookies ?? []);
  /** What the upstream must not see from the client: forged forwarding headers (unless a trusted proxy set them) and our cookies. */
  const toUpstream = (req: IncomingMessage): void => {
    if (!settings.trustProxy) stripClientForwardingHeaders(req.headers);
    stripCookies(req.headers, privateCookies);
  };

  const proxy: RequestHandler = async (req, res, next) => {
    if (isOwn(req.path)) {
      next();
      return;
    }
    requestId(req, res);
    stripClientIdentityHeaders(req.headers);
    let identity: SessionIdentity | undefined;
    try {
      identity = await lookup(req);
    } catch (error) {
      storeDown(req, res, error);
      return;
    }
    if (!identity) {
      res.set('Cache-Control', 'no-store');
      const location = signInUrl(req, req.originalUrl);
      if (wantsPage(req) && (req.method === 'GET' || req.method === 'HEAD'))
        res.redirect(302, location);
      else refuse(req, res, 401, 'no_session', 'Not signed in.', { sign_in: location });
      return;
    }
    const assertion = await (await signerReady).sign(identity);
    toUpstream(req);
    Object.assign(req.headers, lowerCase(identityHeaders(identity, assertion)), {
      'x-request-id': requestId(req, res),
    });
    upstream.web(req, res);
  };

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // A client may reset the socket at any moment; Node gives an upgraded socket no 'error' listener.
    socket.on('error', () => socket.destroy());
    const reject = (status: string) => {
      if (!socket.destroyed && socket.writable)
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      else socket.destroy();
    };
    const origin = header(req, 'origin');
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (isOwn(path)) return reject('404 Not Found');
    // Cross-site WebSocket hijacking (OWASP ASVS V13.5): a browser handshake must come from our pages.
    if (origin !== undefined && !allowedOrigins.has(origin)) return reject('403 Forbidden');
    stripClientIdentityHeaders(req.headers);
    void (async () => {
      const identity = await lookup(req);
      if (!identity) return reject('401 Unauthorized');
      const assertion = await (await signerReady).sign(identity);
      toUpstream(req);
      Object.assign(req.headers, lowerCase(identityHeaders(identity, assertion)));
      if (socket.destroyed) return;
      upstream.ws(req, socket, head);
    })().catch(() => reject('503 Service Unavailable'));
  };

  return {
    router,
    check,
    proxy,
    upgrade,
    ownPaths,
    ready: async () => void (await signerReady),
    close: () => upstream.close(),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
