/** `id-token-iat-future`: id_token issued an hour in the future (iat): no session. */
import { forgedIdToken } from '../factories';

export const scenario = forgedIdToken({
  id: 'id-token-iat-future',
  title: 'id_token issued an hour in the future (iat)',
  override: () => {
    const now = Math.floor(Date.now() / 1000);
    return { claims: { iat: now + 3600, exp: now + 7200 } };
  },
  why: 'A token dated in the future means a broken or forged issuer clock; accepting it stretches its life.',
  source: 'OIDC Core §3.1.3.7 step 10; RFC 7519 §4.1.6',
});
