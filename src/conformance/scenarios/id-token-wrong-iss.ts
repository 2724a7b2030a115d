/** `id-token-wrong-iss`: id_token from another issuer (iss): no session. */
import { forgedIdToken } from '../factories';

export const scenario = forgedIdToken({
  id: 'id-token-wrong-iss',
  title: 'id_token from another issuer (iss)',
  override: () => ({ claims: { iss: 'https://issuer.invalid' } }),
  why: 'Only Vercel’s Marketplace issuer may vouch for a Vercel user.',
  source: 'OIDC Core §3.1.3.7 step 2; VERCEL-SSO.md §2 (iss)',
});
