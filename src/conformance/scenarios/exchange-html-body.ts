/** `exchange-html-body`: token endpoint answers 200 with an html body: no session, an answer (not 500) within the bound. */
import { exchangeFault } from '../factories';

export const scenario = exchangeFault({
  id: 'exchange-html-body',
  title: 'Token endpoint answers 200 with an HTML body',
  fault: { kind: 'non_json' },
  why: 'A proxy or outage page instead of JSON must be a failed login, not a crash.',
});
