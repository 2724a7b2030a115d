/** `exchange-hang`: token endpoint never answers: no session, an answer (not 500) within the bound. */
import { exchangeFault } from '../factories';

export const scenario = exchangeFault({
  id: 'exchange-hang',
  title: 'Token endpoint never answers',
  fault: { kind: 'hang' },
  why: 'Without a timeout every hung exchange holds a request (and a worker) forever and the user waits on a blank tab.',
});
