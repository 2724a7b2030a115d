/** `id-token-unknown-kid`: id_token signed by a key absent from the JWKS: no session. */
import { forgedIdToken } from '../factories';

export const scenario = forgedIdToken({
  id: 'id-token-unknown-kid',
  title: 'id_token signed by a key absent from the JWKS',
  override: () => ({ signWith: 'unknown-key' }),
  why: 'A signature by a key the issuer never published proves nothing.',
  source: 'RFC 7515 §4.1.4; OIDC Core §10.1.1',
});
