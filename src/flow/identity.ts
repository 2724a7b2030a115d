import { z } from 'zod';

/**
 * `user_role` values (VERCEL-SSO.md §2): `USER` is read-only (Vercel Billing/Viewer).
 * @example
 * ```ts
 * app.post('/billing', sso.requireUser({ role: 'ADMIN' satisfies VercelRole }), handler);
 * ```
 */
export type VercelRole = 'ADMIN' | 'USER';

/**
 * The verified Vercel user behind a login, taken from the id_token claims (VERCEL-SSO.md §2).
 * Users are keyed by (`installationId`, `userId`), never by e-mail.
 * @example
 * ```ts
 * onLogin: ({ identity }: { identity: VercelIdentity }) => ({ allow: true, accountRef: `${identity.installationId}/${identity.userId}` }),
 * ```
 */
export interface VercelIdentity {
  /** `sub`: `account:<hex>:user:<hex>`. */
  subject: string;
  /** `account_id`: the Vercel team or personal account. */
  accountId: string;
  /** `installation_id` (`icfg_…`): the partition key; installations are team-scoped. */
  installationId: string;
  /** `user_id`: unique per installation only. */
  userId: string;
  role: VercelRole;
  /** `user_name`, display only, truncated to 256 characters. */
  name?: string;
  /** `user_email`, display only; never used to link accounts. */
  email?: string;
  /** `user_avatar_url`, an http(s) URL, display only. */
  avatarUrl?: string;
}

/**
 * What the session holds: the identity, the vendor's account reference and times. Never a token.
 * @example
 * ```ts
 * app.get('/me', sso.requireUser(), (req, res) => {
 *   const user: SessionIdentity = sso.identity(req)!;
 *   res.json({ org: user.accountRef, role: user.role, since: new Date(user.loginAt) });
 * });
 * ```
 */
export interface SessionIdentity extends VercelIdentity {
  /** The vendor's own account id for this user, when the account hook returned one. */
  accountRef?: string;
  /** Login time, ms since epoch (absolute lifetime starts here). */
  loginAt: number;
}

/** Stable key of an identity: installation and user id (VERCEL-SSO.md §2 "identify a user by"). */
export function identityKey(identity: Pick<VercelIdentity, 'installationId' | 'userId'>): string {
  return `${identity.installationId}:${identity.userId}`;
}

const id = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'malformed');

/**
 * The user claims a login requires beyond the registered ones jose checks (iss, aud, exp, iat).
 * A system token (`sub` without `:user:`) fails `sub` (VERCEL-SSO.md §2, §4).
 */
export const userClaimsSchema = z.object({
  sub: z
    .string()
    .regex(/^account:[A-Za-z0-9_-]{1,128}:user:[A-Za-z0-9_-]{1,128}$/, 'not a user subject'),
  aud: z.string(),
  account_id: id,
  installation_id: id,
  user_id: id,
  user_role: z.enum(['ADMIN', 'USER']),
  type: z.literal('id_token').optional(),
  user_email: z.string().optional(),
  user_name: z.string().optional(),
  user_avatar_url: z.string().optional(),
});

/** Maps validated claims to an identity, dropping unusable display-only values. */
export function identityFromClaims(claims: z.infer<typeof userClaimsSchema>): VercelIdentity {
  const name = claims.user_name?.trim().slice(0, 256);
  const email =
    claims.user_email && claims.user_email.length <= 320 ? claims.user_email : undefined;
  const avatarUrl =
    claims.user_avatar_url && isHttpUrl(claims.user_avatar_url)
      ? claims.user_avatar_url
      : undefined;
  return {
    subject: claims.sub,
    accountId: claims.account_id,
    installationId: claims.installation_id,
    userId: claims.user_id,
    role: claims.user_role,
    ...(name ? { name } : {}),
    ...(email ? { email } : {}),
    ...(avatarUrl ? { avatarUrl } : {}),
  };
}

function isHttpUrl(value: string): boolean {
  if (value.length > 2048) return false;
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password
    );
  } catch {
    return false;
  }
}
