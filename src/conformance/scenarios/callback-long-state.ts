/**
 * `callback-long-state`: a real code with a 10 kB `state`: refused cleanly (not a 500, not a hang).
 * @module
 */
import type { Scenario } from '../types';
import { expectRefused } from '../verdicts';

/** Length of the oversized state, bytes. */
export const LONG_STATE_BYTES = 10_240;

export const scenario: Scenario = {
  id: 'callback-long-state',
  group: 'callback',
  title: '10 kB state parameter',
  expected: 'no session, a 4xx answer (not 500)',
  why: 'Unbounded parameters reach logs, stores and upstream calls; a crafted link must not crash the callback.',
  source: 'ASVS 5.0 V2.2.1 (input bounds); VERCEL-SSO.md §1.3',
  required: true,
  async run(kit) {
    const browser = kit.browser();
    const { visit } = await kit.login(browser, kit.users.admin, {
      edit: (url) => void url.searchParams.set('state', 's'.repeat(LONG_STATE_BYTES)),
    });
    return expectRefused(kit, browser, visit);
  },
};
