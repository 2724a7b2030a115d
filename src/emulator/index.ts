/**
 * A local stand-in for Vercel's side of the Marketplace SSO contract (VERCEL-SSO.md §1-4a), for
 * development and tests only. One origin plays api.vercel.com (token endpoint),
 * marketplace.vercel.com (issuer, discovery, JWKS) and vercel.com (dashboard, provider-initiated
 * SSO). Refuses to start when `NODE_ENV === 'production'`.
 *
 * @example
 * const emu = await createEmulator({ integration: { clientId: 'oac_test', clientSecret: 's3cret',
 *   slug: 'acme', name: 'Acme Provider', redirectLoginUrl: 'http://127.0.0.1:3000/callback' } });
 * const { url, close } = await emu.listen(0);
 *
 * @module
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Express } from 'express';
import pino, { type Logger } from 'pino';
import { avatarsRouter } from './routes/avatars';
import { CodeStore } from './model/codes';
import { zeroStats, type EmulatorContext, type EmulatorIntegration } from './context';
import { controlsRouter, createControls, type EmulatorControls } from './routes/controls';
import { dashboardRouter } from './routes/dashboard';
import { errorHandler, notFound } from './http/errors';
import { FaultRegistry } from './http/faults';
import { KeyRing } from './model/keys';
import { openRouter } from './routes/open';
import { createSeed, type EmulatorSeed } from './model/seed';
import { ssoStartRouter } from './routes/sso-start';
import { tokenRouter } from './routes/token-endpoint';
import { PresignedTokens, type IdTokenShape } from './model/tokens';
import { RefreshTokenStore } from './model/refresh-tokens';
import { seedDevTokens, type DevToken } from './model/dev-tokens';
import { UserTokenStore } from './model/user-tokens';
import { userTokensRouter } from './routes/user-tokens-endpoint';
import { wellKnownRouter } from './routes/well-known';

export type { EmulatorIntegration, EmulatorStats, TokenRequestRecord } from './context';
export type { EmulatorControls } from './routes/controls';
export type { Fault, FaultTarget } from './http/faults';
export type { TokenOverride, IdTokenClaims, IdTokenShape } from './model/tokens';
export { DEFAULT_ID_TOKEN_TTL_SECONDS } from './model/tokens';
export type { MintLoginInput, MintedLogin, ContextKey } from './actions/login';
export { CONTEXT_KEYS, LoginError } from './actions/login';
export { LINK_KINDS, linkContexts, type LinkKind } from './routes/dashboard';
export {
  webhookSignature,
  type PartnerToken,
  type PartnerTokenInput,
  type PartnerTokenKind,
  type UninstallResult,
} from './actions/partner';
export type { DevToken } from './model/dev-tokens';
export type { UserTokenStore, StoredUserToken } from './model/user-tokens';
export type {
  EmulatorSeed,
  SeedTeam,
  SeedPerson,
  SeedMember,
  SeedInstallation,
  SeedResource,
  SeedProject,
  SeedCheck,
  SeedInvoice,
  SeedExperimentationItem,
  UserRole,
} from './model/seed';

/** Options of {@link createEmulator}. */
export interface EmulatorOptions {
  /** The integration as configured in the (emulated) Integration Console. The object is kept and may be mutated later (e.g. `redirectLoginUrl`). */
  integration: EmulatorIntegration;
  /** Authorization code lifetime in seconds (default 60; fractions allowed for tests). */
  codeTtlSeconds?: number;
  /**
   * id_token lifetime in seconds, `exp - iat`; also the token response's `expires_in`. Default: 3600 for
   * the `current` shape, 300 for `legacy`.
   */
  idTokenTtlSeconds?: number;
  /**
   * Claim shape of issued id_tokens (default `current`: no `type`, `nbf` = `iat`, as seen in the wild in
   * 2026; `legacy`: `type: "id_token"`, no `nbf`). See `IdTokenShape`; also `controls.setIdTokenShape`.
   */
  idTokenShape?: IdTokenShape;
  /** Logger (default: a silent pino logger). The client secret is never logged. */
  logger?: Logger;
  /**
   * Bench mode (default false): the token endpoint reuses one id_token per (installation, user),
   * signed at most once per ~30 s (and again after a key rotation), instead of signing one per
   * exchange, so that a load test measures the backend and not the emulator's RSA signing. Every
   * other check of the exchange still runs per request; overridden tokens are always signed fresh.
   */
  presignTokens?: boolean;
}

/** A running (or ready-to-listen) emulator. */
export interface Emulator {
  /** The express app (usable with supertest; routes that need the base URL require `listen` or `setBaseUrl` first). */
  app: Express;
  /**
   * Listen on `host:port` (port 0 = ephemeral; host default `127.0.0.1`). Sets the base URL /
   * issuer to `http://<host>:<port>` unless {@link Emulator.setBaseUrl} was called before.
   * `close()` destroys open connections (including `hang` faults) and resolves when closed.
   * @throws (rejects) when the port cannot be bound or the emulator is already listening.
   */
  listen(port: number, host?: string): Promise<{ url: string; close(): Promise<void> }>;
  /** Base URL = issuer (e.g. `http://127.0.0.1:4000`, no trailing slash). Throws if neither listening nor set. */
  readonly baseUrl: string;
  /**
   * Set the base URL / issuer explicitly (trailing slash removed); takes precedence over the
   * listening address.
   * @throws TypeError when not an absolute http(s) URL without query or fragment.
   */
  setBaseUrl(url: string): void;
  /** The integration (same object as passed in; mutable). */
  integration: EmulatorIntegration;
  /** The seeded teams/installations/users/resources (see `model/seed.ts`). */
  seed: EmulatorSeed;
  /** Test controls (also over HTTP under `/_emulator/*`). */
  controls: EmulatorControls;
  /** The user-token store behind `/v3|v5|v6/user/tokens` (holds hashes of token values only). */
  userTokens: UserTokenStore;
  /** The seeded development API tokens, one per seeded person (also on the dashboard). */
  devTokens: readonly DevToken[];
}

/**
 * Create an emulator: generates an RS256 signing key and builds the express app. Does not listen.
 * @throws Error when `process.env.NODE_ENV === 'production'`.
 * @throws TypeError on invalid options (empty client id/secret/slug, non-positive TTLs).
 */
export async function createEmulator(options: EmulatorOptions): Promise<Emulator> {
  if (process.env.NODE_ENV === 'production') {
    throw new Error(
      'The Vercel emulator is a development tool and refuses to run with NODE_ENV=production',
    );
  }
  const { integration } = options;
  for (const key of ['clientId', 'clientSecret', 'slug'] as const) {
    if (typeof integration[key] !== 'string' || integration[key].length === 0) {
      throw new TypeError(`integration.${key} must be a non-empty string`);
    }
  }
  const idTokenTtlSeconds = options.idTokenTtlSeconds;
  if (
    idTokenTtlSeconds !== undefined &&
    (!Number.isInteger(idTokenTtlSeconds) || idTokenTtlSeconds <= 0)
  ) {
    throw new TypeError('idTokenTtlSeconds must be a positive integer number of seconds');
  }
  if (
    options.idTokenShape !== undefined &&
    options.idTokenShape !== 'current' &&
    options.idTokenShape !== 'legacy'
  ) {
    throw new TypeError('idTokenShape must be "current" or "legacy"');
  }
  const logger = options.logger ?? pino({ level: 'silent' });

  let explicitBaseUrl: string | undefined;
  let listeningUrl: string | undefined;
  const resolveBaseUrl = (): string => {
    const url = explicitBaseUrl ?? listeningUrl;
    if (!url)
      throw new Error('The emulator base URL is unknown: call listen() or setBaseUrl() first');
    return url;
  };

  const ctx: EmulatorContext = {
    integration,
    seed: createSeed(),
    keys: await KeyRing.create(),
    codes: new CodeStore(options.codeTtlSeconds ?? 60),
    faults: new FaultRegistry(),
    stats: zeroStats(),
    logger,
    idTokenTtlSeconds,
    idTokenShape: options.idTokenShape ?? 'current',
    refreshTokens: new RefreshTokenStore(),
    baseUrl: resolveBaseUrl,
    nextTokenOverride: null,
    tokenRequests: [],
    removedInstallations: new Set(),
  };
  const controls = createControls(ctx);
  const userTokens = new UserTokenStore();
  const devTokens = seedDevTokens(userTokens, ctx.seed);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(wellKnownRouter(ctx));
  app.use(tokenRouter(ctx, options.presignTokens ? new PresignedTokens() : undefined));
  app.use(userTokensRouter(ctx, userTokens));
  app.use(dashboardRouter(ctx, devTokens));
  app.use(openRouter(ctx));
  app.use(ssoStartRouter(ctx));
  app.use(avatarsRouter(ctx));
  app.use(controlsRouter(controls));
  app.get('/favicon.ico', (_req, res) => {
    res
      .type('image/svg+xml')
      .set('Cache-Control', 'public, max-age=86400')
      .send(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#000"/><path d="M16 7l10 17H6z" fill="#fff"/></svg>',
      );
  });
  app.use(notFound);
  app.use(errorHandler(logger));

  let server: Server | undefined;

  return {
    app,
    integration,
    seed: ctx.seed,
    controls,
    userTokens,
    devTokens,
    get baseUrl(): string {
      return resolveBaseUrl();
    },
    setBaseUrl(url: string): void {
      explicitBaseUrl = normalizeBaseUrl(url);
    },
    listen(port: number, host = '127.0.0.1') {
      if (server) return Promise.reject(new Error('The emulator is already listening'));
      return new Promise((resolve, reject) => {
        const s = app.listen(port, host);
        server = s;
        s.once('error', (err) => {
          server = undefined;
          reject(err);
        });
        s.once('listening', () => {
          const address = s.address() as AddressInfo;
          const hostPart =
            host === '0.0.0.0'
              ? '127.0.0.1'
              : host === '::'
                ? '[::1]'
                : host.includes(':')
                  ? `[${host}]`
                  : host;
          listeningUrl = `http://${hostPart}:${address.port}`;
          const url = resolveBaseUrl();
          logger.info({ url }, 'emulator: listening');
          resolve({
            url,
            close: () =>
              new Promise<void>((done, fail) => {
                s.close((err) => {
                  if (server === s) server = undefined;
                  listeningUrl = undefined;
                  if (err) fail(err);
                  else done();
                });
                s.closeAllConnections();
              }),
          });
        });
      });
    },
  };
}

/**
 * Validate and normalise a base URL (drop trailing slashes).
 * @throws TypeError when not an absolute http(s) URL without query or fragment.
 */
export function normalizeBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(`invalid base URL: ${raw}`);
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.search ||
    url.hash ||
    url.username ||
    url.password
  ) {
    throw new TypeError(`invalid base URL: ${raw}`);
  }
  return url.href.replace(/\/+$/, '');
}
