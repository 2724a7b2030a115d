/** `id-token-expired`: Expired id_token (exp an hour ago): no session. */
import { forgedIdToken } from '../factories';

export const scenario = forgedIdToken({
  id: 'id-token-expired',
  title: 'Expired id_token (exp an hour ago)',
  override: () => {
    const now = Math.floor(Date.now() / 1000);
    return { claims: { iat: now - 7200, exp: now - 3600 } };
  },
  why: 'An old token (from a log or a leak) must not sign anyone in.',
  source: 'OIDC Core §3.1.3.7 step 9; RFC 7519 §4.1.4',
});
