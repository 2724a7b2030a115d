/** `id-token-system-token`: System token (sub without a user) instead of a user id_token: no session. */
import { forgedIdToken } from '../factories';

export const scenario = forgedIdToken({
  id: 'id-token-system-token',
  title: 'System token (sub without a user) instead of a user id_token',
  override: (kit) => ({
    claims: {
      sub: kit.users.admin.sub.replace(/:user:.*$/, ''),
      user_id: null,
      user_role: null,
      user_email: null,
      user_name: null,
      user_avatar_url: null,
    },
  }),
  why: 'A system token names a team, not a person: it must never become a user session.',
  source: 'VERCEL-SSO.md §2 (sub), §4',
});
