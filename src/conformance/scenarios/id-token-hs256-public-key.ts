/** `id-token-hs256-public-key`: id_token HMAC-signed with the public key (HS256): no session. */
import { forgedIdToken } from '../factories';

export const scenario = forgedIdToken({
  id: 'id-token-hs256-public-key',
  title: 'id_token HMAC-signed with the public key (HS256)',
  override: () => ({ signWith: 'hs256-public-key' }),
  why: 'The classic algorithm confusion: anyone holding the public JWKS can mint tokens for a verifier that trusts the header’s alg.',
  source: 'RFC 8725 §2.1, §3.1; ASVS 5.0 V9.1.2',
});
