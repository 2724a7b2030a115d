/** `id-token-wrong-aud`: id_token for another client (aud): no session. */
import { forgedIdToken } from '../factories';

export const scenario = forgedIdToken({
  id: 'id-token-wrong-aud',
  title: 'id_token for another client (aud)',
  override: () => ({ claims: { aud: 'oac_someone_else_0000000000' } }),
  why: 'A token minted for another integration must not open this one (token substitution).',
  source: 'OIDC Core §3.1.3.7 step 3; VERCEL-SSO.md §2 (aud)',
});
