/**
 * `keys-shared-kid`: after a rotation the JWKS holds two keys with the new `kid`, a never-signing
 * decoy first. A verifier should try every key matching the `kid`; advisory, since RFC 7517 only
 * says kids SHOULD be distinct.
 * @module
 */
import type { Scenario } from '../types';
import { answerProblem, expectLanded } from '../verdicts';

export const scenario: Scenario = {
  id: 'keys-shared-kid',
  group: 'keys',
  title: 'Several JWKS keys share one kid',
  expected: 'signs in (every key with the kid is tried)',
  why: 'Picking the first key with a matching kid fails every login while an issuer publishes two keys under one kid.',
  source: 'RFC 7517 §4.5 (kids SHOULD be distinct); RFC 7515 §4.1.4',
  required: false,
  async run(kit) {
    await kit.emulator.controls.rotateKey({ keepPrevious: true, decoySharingKid: true });
    try {
      const browser = kit.browser();
      const { visit } = await kit.login(browser, kit.users.admin);
      return answerProblem(kit, visit) ?? (await expectLanded(kit, browser, visit));
    } finally {
      await kit.emulator.controls.rotateKey({ keepPrevious: true });
    }
  },
};
