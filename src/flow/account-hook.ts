import type { VercelIdentity } from './identity';

/**
 * The outcome of the vendor's account hook.
 * - `allow`: continue with `identity` (possibly adjusted) and an optional `accountRef`,
 *   the vendor's own account id, stored in the session.
 * - `deny`: refuse the login; `reason` is shown to the user (plain text, escaped) and logged.
 */
export type AccountDecision =
  | { allow: true; identity?: VercelIdentity; accountRef?: string }
  | { allow: false; reason: string };

/**
 * **Vendor extension point.** Called once per login, after the id_token is verified and before the
 * session is created. Find or provision the vendor's account for this Vercel user, or refuse.
 * Key accounts by (`installationId`, `userId`), never by e-mail (VERCEL-SSO.md §2, §6).
 * A thrown error fails the login with a 503 page and is logged; no session is created.
 * Wire yours in `src/server.ts` (`createApp({ resolveAccount })`).
 */
export type AccountResolver = (identity: VercelIdentity, context: { requestId: string }) => Promise<AccountDecision>;

/** The default hook: keeps the Vercel identity as it is. */
export const keepVercelIdentity: AccountResolver = async () => ({ allow: true });
