/** `exchange-upstream-500`: token endpoint answers 500: no session, an answer (not 500) within the bound. */
import { exchangeFault } from '../factories';

export const scenario = exchangeFault({
  id: 'exchange-upstream-500',
  title: 'Token endpoint answers 500',
  fault: { kind: 'status', status: 500 },
  why: 'Vercel can fail; a vendor that crashes or signs the user in anyway turns an outage into a broken or forged login.',
});
