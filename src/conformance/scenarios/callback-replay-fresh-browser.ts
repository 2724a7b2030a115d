/**
 * `callback-replay-fresh-browser`: a code already used by one browser is opened again in another
 * (a leaked link, a shared screen, browser history): the second browser gets no session.
 * @module
 */
import type { Scenario } from '../types';
import { expectLanded, expectRefused } from '../verdicts';

export const scenario: Scenario = {
  id: 'callback-replay-fresh-browser',
  group: 'callback',
  title: 'Replayed code in a fresh browser',
  expected: 'first browser signed in; second browser: no session',
  why: 'A callback URL copied from history or a log must not sign a second person in as the first.',
  source: 'RFC 6749 §4.1.2 and §10.5 (codes are single use); RFC 9700 §4.2',
  required: true,
  async run(kit) {
    const first = kit.browser();
    const { visit, minted } = await kit.login(first, kit.users.admin);
    const landed = await expectLanded(kit, first, visit);
    if (landed.verdict !== 'PASS')
      return {
        verdict: 'WARN',
        seen: `the first login did not work, cannot judge: ${landed.seen}`,
      };
    const second = kit.browser();
    return expectRefused(kit, second, await second.visit(minted.redirectUrl));
  },
};
