/** `id-token-alg-none`: Unsigned id_token (alg: none): no session. */
import { forgedIdToken } from '../factories';

export const scenario = forgedIdToken({
  id: 'id-token-alg-none',
  title: 'Unsigned id_token (alg: none)',
  override: () => ({ signWith: 'none' }),
  why: 'An unsigned token can be written by anyone: the verifier must pin the algorithm.',
  source: 'RFC 8725 §2.1, §3.1; OIDC Core §3.1.3.7 step 7; ASVS 5.0 V9.1.2',
});
