/**
 * The mutable state shared by the emulator's route modules. Internal: not part of the public API.
 *
 * @module
 */
import type { Logger } from 'pino';
import type { CodeStore } from './model/codes';
import type { FaultRegistry } from './http/faults';
import type { KeyRing } from './model/keys';
import type { EmulatorSeed } from './model/seed';
import type { RefreshTokenStore } from './model/refresh-tokens';
import {
  DEFAULT_ID_TOKEN_TTL_SECONDS,
  type IdTokenShape,
  type TokenOverride,
} from './model/tokens';

/** The integration as the emulated Vercel knows it (Integration Console settings). */
export interface EmulatorIntegration {
  /** Client id, e.g. `oac_…`; the id_token's `aud`. */
  clientId: string;
  /** Client secret checked by the token endpoint. */
  clientSecret: string;
  /** Integration slug, for `/sso/integrations/:slug/:installationId`. */
  slug: string;
  /** Display name, e.g. `Acme Provider`. */
  name: string;
  /** The backend's `/callback` URL (absolute http(s)); mutable, read on every login. */
  redirectLoginUrl: string;
  /**
   * Base URL of the provider's Partner API (VERCEL-SSO.md §4); the dashboard's Uninstall calls
   * `DELETE {partnerApiUrl}/v1/installations/{id}`. Default: the Redirect Login URL's origin. Mutable.
   */
  partnerApiUrl?: string;
  /** The integration's webhook URL (VERCEL-SSO.md §4a); Uninstall sends the signed event there. Unset: no webhook. Mutable. */
  webhookUrl?: string;
  /**
   * Development only (`npm run demo`): a provider page that drops the provider's own session, shown on
   * the dashboard as "Expire my provider session" so that provider-initiated SSO can be tried at once.
   */
  expireProviderSessionUrl?: string;
}

/** Request counters (since start or the last `resetStats`). */
export interface EmulatorStats {
  jwksRequests: number;
  discoveryRequests: number;
  tokenRequests: number;
  codesIssued: number;
}

/**
 * What the token endpoint received in one request that reached body parsing (no fault answered
 * it first). Holds no secret: the code only as a SHA-256 hash, field names without values.
 */
export interface TokenRequestRecord {
  /** base64url SHA-256 of the `code` field when it was a string; `undefined` otherwise. */
  codeSha256: string | undefined;
  /** The request's `Content-Type` header (`undefined` when absent). */
  contentType: string | undefined;
  /** `true` when the body was parsed as JSON (`application/json`). */
  json: boolean;
  /** Names of the body's fields, sorted. */
  fields: string[];
  /** The `grant_type` value when it was a string. */
  grantType: string | undefined;
  /** Status the endpoint answered. */
  status: number;
}

/** Shared state handed to every route module. */
export interface EmulatorContext {
  integration: EmulatorIntegration;
  seed: EmulatorSeed;
  keys: KeyRing;
  codes: CodeStore;
  faults: FaultRegistry;
  stats: EmulatorStats;
  logger: Logger;
  /** Configured id_token lifetime, seconds; undefined = the default of the shape (see {@link idTokenTtl}). */
  idTokenTtlSeconds: number | undefined;
  /** Claim shape of issued id_tokens (`current` by default, `legacy` for the pre-2026 shape). */
  idTokenShape: IdTokenShape;
  /** Refresh tokens issued with token responses (refresh grant). */
  refreshTokens: RefreshTokenStore;
  /** The issuer / base URL; throws when neither listening nor set. */
  baseUrl(): string;
  /** The pending one-shot token override, or null. */
  nextTokenOverride: TokenOverride | null;
  /** The last {@link TOKEN_REQUEST_LOG_SIZE} token requests, oldest first. */
  tokenRequests: TokenRequestRecord[];
  /** Installations removed with Uninstall: the dashboard's links and provider-initiated SSO refuse them (as on Vercel); the `mintLogin` control does not. */
  removedInstallations: Set<string>;
}

/** How many token requests the emulator remembers for `controls.tokenRequest`. */
export const TOKEN_REQUEST_LOG_SIZE = 500;

/** The id_token lifetime in effect, seconds: the configured one, else the shape's default. */
export function idTokenTtl(
  ctx: Pick<EmulatorContext, 'idTokenTtlSeconds' | 'idTokenShape'>,
): number {
  return ctx.idTokenTtlSeconds ?? DEFAULT_ID_TOKEN_TTL_SECONDS[ctx.idTokenShape];
}

/** Fresh zeroed counters. */
export function zeroStats(): EmulatorStats {
  return { jwksRequests: 0, discoveryRequests: 0, tokenRequests: 0, codesIssued: 0 };
}
