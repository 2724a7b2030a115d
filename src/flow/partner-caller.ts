import { z } from 'zod';
import type { VercelRole } from './identity';

/**
 * The two claim schemas of Partner API tokens, named by the `X-Vercel-Auth` header
 * (VERCEL-SSO.md §4): `user` (a person acting in the Vercel dashboard) or `system` (Vercel itself).
 * @example
 * ```ts
 * app.delete('/v1/installations/:installationId', sso.requireVercelAuth({ allow: ['system'] satisfies PartnerTokenKind[] }), handler);
 * ```
 */
export type PartnerTokenKind = 'user' | 'system';

/** Every {@link PartnerTokenKind}, as the `X-Vercel-Auth` header spells it. */
export const PARTNER_TOKEN_KINDS: readonly PartnerTokenKind[] = ['user', 'system'];

/**
 * Vercel called the Partner API on behalf of a user (VERCEL-SSO.md §4 "user tokens": the §2 claims).
 * @example
 * ```ts
 * const caller = req.vercelCaller;
 * if (caller?.kind === 'user') audit(caller.userId, caller.role);
 * ```
 */
export interface VercelUserCaller {
  kind: 'user';
  /** `sub`: `account:<id>:user:<id>`. */
  subject: string;
  /** `account_id`. */
  accountId: string;
  /** `installation_id` (`icfg_…`). */
  installationId: string;
  /** `user_id`: unique per installation only. */
  userId: string;
  /** `user_role`: `USER` is read-only (VERCEL-SSO.md §2). */
  role: VercelRole;
  /** `type` claim when present (`id_token` or `access_token`). */
  tokenType?: 'id_token' | 'access_token';
}

/**
 * Vercel called the Partner API as itself (VERCEL-SSO.md §4 "system tokens").
 * @example
 * ```ts
 * if (req.vercelCaller?.kind === 'system') req.log.info({ account_id: req.vercelCaller.accountId }, 'called by Vercel itself');
 * ```
 */
export interface VercelSystemCaller {
  kind: 'system';
  /** `sub`: `account:<id>`, no user part. */
  subject: string;
  /** `account_id`, or the account part of `sub` when the claim is absent. */
  accountId: string;
  /** `installation_id`; null when the token is not bound to one installation (VERCEL-SSO.md §4). */
  installationId: string | null;
  /** `type` claim when present. */
  tokenType?: 'id_token' | 'access_token';
}

/**
 * The verified caller of a Partner API route (after `requireVercelAuth`). Never the token itself.
 * @example
 * ```ts
 * function who(caller: VercelCaller): string {
 *   return caller.kind === 'user' ? `user ${caller.userId}` : `system (${caller.accountId})`;
 * }
 * ```
 */
export type VercelCaller = VercelUserCaller | VercelSystemCaller;

const id = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'malformed');
const tokenType = z.enum(['id_token', 'access_token']).optional();

/** The claims each kind requires beyond those jose checks (iss, aud, exp, iat). */
export const partnerClaimsSchemas = {
  user: z.object({
    sub: z
      .string()
      .regex(/^account:[A-Za-z0-9_-]{1,128}:user:[A-Za-z0-9_-]{1,128}$/, 'not a user subject'),
    account_id: id,
    installation_id: id,
    user_id: id,
    user_role: z.enum(['ADMIN', 'USER']),
    type: tokenType,
  }),
  system: z.object({
    sub: z.string().regex(/^account:[A-Za-z0-9_-]{1,128}$/, 'not a system subject'),
    account_id: id.optional(),
    installation_id: id.nullable().optional(),
    type: tokenType,
  }),
} as const;

type UserClaims = z.infer<(typeof partnerClaimsSchemas)['user']>;
type SystemClaims = z.infer<(typeof partnerClaimsSchemas)['system']>;

/** Maps validated claims of `kind` to a caller. */
export function callerFromClaims(
  kind: PartnerTokenKind,
  claims: UserClaims | SystemClaims,
): VercelCaller {
  if (kind === 'user') {
    const c = claims as UserClaims;
    return {
      kind,
      subject: c.sub,
      accountId: c.account_id,
      installationId: c.installation_id,
      userId: c.user_id,
      role: c.user_role,
      ...(c.type ? { tokenType: c.type } : {}),
    };
  }
  const c = claims;
  return {
    kind,
    subject: c.sub,
    accountId: c.account_id ?? c.sub.slice('account:'.length),
    installationId: c.installation_id ?? null,
    ...(c.type ? { tokenType: c.type } : {}),
  };
}
