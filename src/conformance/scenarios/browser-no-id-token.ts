/**
 * `browser-no-id-token`: after a login, no cookie the browser keeps and no page it was shown holds
 * the id_token (a page would be how it reaches `localStorage`).
 * @module
 */
import type { Scenario } from '../types';
import { expectLanded } from '../verdicts';

export const scenario: Scenario = {
  id: 'browser-no-id-token',
  group: 'browser',
  title: 'The id_token stays on the server',
  expected: 'no cookie value or page holds the id_token',
  why: 'Vercel’s example keeps the raw id_token in a script-readable cookie: any XSS then steals a bearer proof of the user’s identity.',
  source: 'VERCEL-SSO.md §1.4 (do not persist the id_token), §6; ASVS 5.0 V3.3.4, V14.3.3',
  required: true,
  async run(kit) {
    const browser = kit.browser();
    const { visit } = await kit.login(browser, kit.users.admin);
    const landed = await expectLanded(kit, browser, visit);
    const found: string[] = [];
    const cookies = await browser.jar.getCookies(kit.redirectLoginUrl, { allPaths: true });
    for (const cookie of cookies) {
      let value = cookie.value;
      try {
        value = decodeURIComponent(value);
      } catch {
        // keep the raw value
      }
      if (kit.countIdTokens(value) > 0)
        found.push(`cookie "${cookie.key}"${cookie.httpOnly ? '' : ' (readable by scripts)'}`);
    }
    for (const hop of visit.hops) {
      if (kit.countIdTokens(hop.body) > 0) found.push(`the page at ${kit.display(hop.url)}`);
      if (hop.location && kit.countIdTokens(hop.location) > 0) found.push('a Location header');
    }
    if (found.length > 0)
      return { verdict: 'FAIL', seen: `the id_token is in ${found.join(', ')}` };
    if (landed.verdict !== 'PASS')
      return {
        verdict: 'WARN',
        seen: `no id_token found, but the login did not work: ${landed.seen}`,
      };
    return {
      verdict: 'PASS',
      seen: `no id_token in ${cookies.length} cookie(s) or ${visit.hops.length} response(s)`,
    };
  },
};
