/**
 * `account-email-linking`: Carol signs in; then Mallory signs in with a genuine, valid token whose
 * `user_email` claims Carol's address. Mallory must not get Carol's session. Needs the
 * session-check URL (its body must identify the user, e.g. by `user_id` or `sub`).
 * @module
 */
import type { Scenario } from '../types';
import { answerProblem, expectLanded } from '../verdicts';

export const scenario: Scenario = {
  id: 'account-email-linking',
  group: 'account',
  title: 'Accounts are not linked by e-mail',
  expected: 'the other user never gets the e-mail owner’s session',
  why: 'Matching users by e-mail lets anyone who can set that address on a Vercel account take over the vendor account (observed in public integrations).',
  source: 'VERCEL-SSO.md §2 (never use user_email to link accounts), §6; OIDC Core §5.7',
  required: true,
  async run(kit) {
    if (!kit.sessionCheckUrl) return { verdict: 'SKIP', seen: 'needs --session-check-url' };
    const { victim, attacker } = kit.users;
    const victimBrowser = kit.browser();
    const first = await kit.login(victimBrowser, victim);
    const landed = await expectLanded(kit, victimBrowser, first.visit);
    if (landed.verdict !== 'PASS')
      return {
        verdict: 'WARN',
        seen: `the victim’s own login did not work, cannot judge: ${landed.seen}`,
      };
    const victimSession = await kit.session(victimBrowser, first.visit);

    const browser = kit.browser();
    const { visit } = await kit.login(browser, attacker, {
      override: { claims: { user_email: victim.email } },
    });
    const problem = answerProblem(kit, visit);
    if (problem) return problem;
    const session = await kit.session(browser, visit);
    if (session.signedIn !== true) return { verdict: 'PASS', seen: `refused (${session.detail})` };
    const body = session.body ?? '';
    if (body.includes(victim.userId) || body.includes(victim.sub))
      return {
        verdict: 'FAIL',
        seen: `signed in as the e-mail’s owner (${victim.label}): the session check names ${victim.label}’s user_id`,
      };
    if (body.includes(attacker.userId) || body.includes(attacker.sub))
      return {
        verdict: 'PASS',
        seen: `signed in as ${attacker.label} (own user_id), not ${victim.label}`,
      };
    if (body !== '' && body === victimSession.body)
      return { verdict: 'FAIL', seen: `the session check answers exactly as for ${victim.label}` };
    return {
      verdict: 'WARN',
      seen: 'signed in, but the session-check answer names neither user; cannot tell whose account it is',
    };
  },
};
