/**
 * `callback-mode-missing`: a real code and state, but mode parameter missing: the callback must not treat
 * it as a Marketplace SSO login.
 * @module
 */
import type { Scenario } from '../types';
import { expectRefused } from '../verdicts';

export const scenario: Scenario = {
  id: 'callback-mode-missing',
  group: 'callback',
  title: 'Callback with mode parameter missing',
  expected: 'no session',
  why: 'Vercel always sends mode=sso; a callback that ignores it accepts requests Vercel never made (section 6 of the guide lists this fault).',
  source: 'VERCEL-SSO.md §1.2 (mode always sso), §6',
  required: true,
  async run(kit) {
    const browser = kit.browser();
    const { visit } = await kit.login(browser, kit.users.admin, {
      edit: (url) => void url.searchParams.delete('mode'),
    });
    return expectRefused(kit, browser, visit);
  },
};
