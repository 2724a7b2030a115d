/**
 * `browser-no-secret-echo`: the code, the state and the id_token never appear in a page or a
 * `Location` header, neither on a successful login nor on a refused replay (they would reach
 * history, Referer headers, analytics and logs).
 * @module
 */
import type { Visit } from '../browser';
import type { Scenario } from '../types';

export const scenario: Scenario = {
  id: 'browser-no-secret-echo',
  group: 'browser',
  title: 'No code, state or token echoed in pages or redirects',
  expected: 'no code/state/id_token in any page or Location',
  why: 'An echoed code or token travels on in history, Referer headers and third-party scripts.',
  source: 'RFC 9700 §4.2.4 (leakage via Referer and history); ASVS 5.0 V14.2.1',
  required: true,
  async run(kit) {
    const leaks: string[] = [];
    const inspect = (label: string, visit: Visit, secrets: Array<[string, string]>): void => {
      for (const hop of visit.hops) {
        for (const [name, value] of secrets) {
          if (hop.location?.includes(value))
            leaks.push(`${label}: ${name} in the Location of ${kit.display(hop.url)}`);
          if (hop.body.includes(value))
            leaks.push(`${label}: ${name} in the page at ${kit.display(hop.url)}`);
        }
        if (kit.countIdTokens(`${hop.location ?? ''} ${hop.body}`) > 0)
          leaks.push(`${label}: id_token in the answer of ${kit.display(hop.url)}`);
      }
    };
    const first = kit.browser();
    const { visit, minted } = await kit.login(first, kit.users.admin);
    const secrets: Array<[string, string]> = [
      ['code', minted.code],
      ['state', minted.state],
    ];
    inspect('login', visit, secrets);
    const replay = await kit.browser().visit(minted.redirectUrl);
    inspect('replay', replay, secrets);
    if (leaks.length > 0) return { verdict: 'FAIL', seen: [...new Set(leaks)].join('; ') };
    return {
      verdict: 'PASS',
      seen: `nothing echoed in ${visit.hops.length + replay.hops.length} response(s)`,
    };
  },
};
