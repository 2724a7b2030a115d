/** `id-token-bad-role`: user_role outside ADMIN/USER: no session. */
import { forgedIdToken } from '../factories';

export const scenario = forgedIdToken({
  id: 'id-token-bad-role',
  title: 'user_role outside ADMIN/USER',
  override: () => ({ claims: { user_role: 'OWNER' } }),
  why: 'An unknown role must not be mapped to some default privilege.',
  source: 'VERCEL-SSO.md §2 (user_role: “always validate the user’s role”)',
});
