/**
 * `callback-duplicate-params`: `code` and `state` each appear twice (the real value, then another):
 * the callback should refuse the ambiguous link rather than pick one. Advisory.
 * @module
 */
import type { Scenario } from '../types';
import { expectRefused } from '../verdicts';

export const scenario: Scenario = {
  id: 'callback-duplicate-params',
  group: 'callback',
  title: 'Duplicate code and state parameters',
  expected: 'no session (ambiguous link refused)',
  why: 'Frameworks disagree on which of two values wins (first, last, a list); parameter pollution lives in that gap.',
  source: 'RFC 6749 §3.1 (parameters MUST NOT be included more than once); RFC 9700 §4.5',
  required: false,
  async run(kit) {
    const browser = kit.browser();
    const { visit } = await kit.login(browser, kit.users.admin, {
      edit: (url) => {
        url.searchParams.append('code', 'conformance-duplicate-code');
        url.searchParams.append('state', 'conformance-duplicate-state');
      },
    });
    return expectRefused(kit, browser, visit);
  },
};
