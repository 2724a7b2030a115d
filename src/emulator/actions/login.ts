/**
 * Minting a login exactly as an "Open in Provider" click does (VERCEL-SSO.md §1.1-1.2): a
 * single-use code bound to the client id, a fresh `state`, the installation and the user, and the
 * redirect URL `redirectLoginUrl?mode=sso&code=…&state=…&<deep-link context>`.
 *
 * @module
 */
import type { EmulatorContext } from '../context';
import { EmulatorError } from '../error-base';
import { findInstallation, findMember } from '../model/seed';

/**
 * Deep-link context parameters Vercel may add to the Redirect Login URL (VERCEL-SSO.md §1.2).
 * The dashboard (`/open`) and provider-initiated SSO forward only these.
 */
export const CONTEXT_KEYS = [
  'product_id',
  'resource_id',
  'project_id',
  'check_id',
  'invoice_id',
  'experimentation_item_id',
  'pr',
  'path',
  'url',
  'support',
] as const;

/** One of {@link CONTEXT_KEYS}. */
export type ContextKey = (typeof CONTEXT_KEYS)[number];

const CONTEXT_KEY_SET: ReadonlySet<string> = new Set(CONTEXT_KEYS);
const RESERVED_KEYS: ReadonlySet<string> = new Set(['mode', 'code', 'state']);

/** Input of {@link mintLogin}. */
export interface MintLoginInput {
  /** `icfg_…` installation id. */
  installationId: string;
  /** Per-installation `user_id` of a member of that installation. */
  userId: string;
  /** Extra query parameters appended after `mode`, `code`, `state`. */
  context?: Record<string, string>;
}

/** Output of {@link mintLogin}. */
export interface MintedLogin {
  code: string;
  state: string;
  /** Absolute URL on the Redirect Login URL (what Vercel opens in the new tab). */
  redirectUrl: string;
}

/** Error thrown by {@link mintLogin} for an unknown installation/user; `status` is the HTTP status to use. */
export class LoginError extends EmulatorError<'ERR_EMULATOR_LOGIN'> {
  readonly code = 'ERR_EMULATOR_LOGIN' as const;
  constructor(
    message: string,
    readonly status: 400 | 404 | 500,
  ) {
    super(message);
    this.name = 'LoginError';
  }
}

/**
 * Keep only the known deep-link context keys ({@link CONTEXT_KEYS}) with single string values from
 * a parsed query object (repeated parameters, which parse as arrays, are dropped).
 */
export function pickContext(query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of CONTEXT_KEYS) {
    const value = query[key];
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/** `true` when `key` is one of {@link CONTEXT_KEYS}. */
export function isContextKey(key: string): key is ContextKey {
  return CONTEXT_KEY_SET.has(key);
}

/**
 * Mint a code + state and build the redirect URL. Increments `stats.codesIssued`.
 *
 * Every key of `input.context` is appended, including keys outside {@link CONTEXT_KEYS}, so that
 * a test can check that unknown extra parameters break nothing (VERCEL-SSO.md §1.2); the HTTP
 * routes filter with {@link pickContext} first. Any query already present on the Redirect Login
 * URL is kept; `mode`, `code` and `state` are set (replacing any such existing parameters).
 *
 * @throws LoginError (404) unknown installation, (400) user not a member of it or a context key
 *   of `mode`/`code`/`state`, (500) Redirect Login URL not an absolute http(s) URL.
 */
export function mintLogin(ctx: EmulatorContext, input: MintLoginInput): MintedLogin {
  const installation = findInstallation(ctx.seed, input.installationId);
  if (!installation) throw new LoginError('Unknown installation', 404);
  const member = findMember(installation, input.userId);
  if (!member) throw new LoginError('That user is not a member of this installation', 400);
  const context = input.context ?? {};
  for (const key of Object.keys(context)) {
    if (RESERVED_KEYS.has(key)) throw new LoginError(`context may not contain "${key}"`, 400);
  }
  const url = parseRedirectLoginUrl(ctx.integration.redirectLoginUrl);
  const minted = ctx.codes.mint({
    clientId: ctx.integration.clientId,
    installationId: installation.id,
    userId: member.userId,
  });
  ctx.stats.codesIssued += 1;
  url.searchParams.set('mode', 'sso');
  url.searchParams.set('code', minted.code);
  url.searchParams.set('state', minted.state);
  for (const [key, value] of Object.entries(context)) url.searchParams.append(key, String(value));
  ctx.logger.debug(
    { installationId: installation.id, userId: member.userId },
    'emulator: code minted',
  );
  return { code: minted.code, state: minted.state, redirectUrl: url.toString() };
}

/**
 * Parse the Redirect Login URL.
 * @throws LoginError (500) when it is not an absolute http(s) URL.
 */
export function parseRedirectLoginUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new LoginError('The integration has no valid Redirect Login URL', 500);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LoginError('The integration has no valid Redirect Login URL', 500);
  }
  return url;
}
