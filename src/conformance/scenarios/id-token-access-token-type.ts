/** `id-token-access-token-type`: type: access_token instead of id_token: no session. */
import { forgedIdToken } from '../factories';

export const scenario = forgedIdToken({
  id: 'id-token-access-token-type',
  title: 'type: access_token instead of id_token',
  override: () => ({ claims: { type: 'access_token' } }),
  why: 'Only an id_token proves a login; an access token replayed here must not sign anyone in.',
  source: 'VERCEL-SSO.md §2 (type), §4',
});
