/** `id-token-missing-installation`: id_token without installation_id: no session. */
import { forgedIdToken } from '../factories';

export const scenario = forgedIdToken({
  id: 'id-token-missing-installation',
  title: 'id_token without installation_id',
  override: () => ({ claims: { installation_id: null } }),
  why: 'installation_id scopes the user to one team; without it the vendor cannot tell whose data to show.',
  source: 'VERCEL-SSO.md §2 (installation_id)',
});
