/** `exchange-missing-id-token`: token endpoint answers 200 without id_token: no session, an answer (not 500) within the bound. */
import { exchangeFault } from '../factories';

export const scenario = exchangeFault({
  id: 'exchange-missing-id-token',
  title: 'Token endpoint answers 200 without id_token',
  fault: { kind: 'missing_id_token' },
  why: 'Only a verified id_token proves who signs in; a vendor that trusts the access token or the status code logs in nobody-in-particular.',
});
