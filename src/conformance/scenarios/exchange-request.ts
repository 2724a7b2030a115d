/**
 * `exchange-request`: the code exchange the vendor's server sends, as the emulator received it:
 * JSON with `grant_type=authorization_code`, `code`, `state`, `client_id` and `client_secret`.
 * @module
 */
import type { Scenario } from '../types';
import { expectLanded } from '../verdicts';

const REQUIRED_FIELDS = ['grant_type', 'code', 'state', 'client_id', 'client_secret'] as const;

export const scenario: Scenario = {
  id: 'exchange-request',
  group: 'exchange',
  title: 'Code exchange request shape',
  expected: 'POST JSON with grant_type, code, state, client_id, client_secret',
  why: 'Vercel’s spec made grant_type required in 2026 and checks state against the code; a vendor that omits them breaks when Vercel enforces it.',
  source: 'VERCEL-SSO.md §1.3; RFC 6749 §4.1.3',
  required: true,
  async run(kit) {
    const browser = kit.browser();
    const { visit, minted } = await kit.login(browser, kit.users.admin);
    const record = kit.emulator.controls.tokenRequest(minted.code);
    if (!record) {
      const landed = await expectLanded(kit, browser, visit);
      return {
        verdict: 'FAIL',
        seen: `the token endpoint never received this code (${landed.seen})`,
      };
    }
    const problems: string[] = [];
    if (!record.json)
      problems.push(`Content-Type ${record.contentType ?? 'absent'} (expected application/json)`);
    const missing = REQUIRED_FIELDS.filter((f) => !record.fields.includes(f));
    if (missing.length > 0) problems.push(`missing ${missing.join(', ')}`);
    if (record.grantType !== undefined && record.grantType !== 'authorization_code')
      problems.push('grant_type is not authorization_code');
    if (record.status !== 200) problems.push(`the exchange was refused with ${record.status}`);
    if (problems.length > 0) return { verdict: 'FAIL', seen: problems.join('; ') };
    return { verdict: 'PASS', seen: `JSON with ${record.fields.join(', ')}` };
  },
};
