/**
 * `keys-shared-kid`: after a rotation the JWKS holds two keys with the new `kid`, a never-signing
 * decoy first. A verifier should try every key matching the `kid`; advisory, since RFC 7517 only
 * says kids SHOULD be distinct.
 * @module
 */
import type { Scenario, ScenarioOutcome } from '../types';
import { answerProblem, expectLanded } from '../verdicts';
import { ROTATION_RETRY_WINDOW_MS } from './keys-rotation';

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
      // The new kid appears right after the previous rotation: a verifier may still be in its JWKS
      // refetch cooldown, so retry for the same window as keys-rotation.
      const started = Date.now();
      let outcome: ScenarioOutcome;
      let attempts = 0;
      do {
        attempts += 1;
        const browser = kit.browser();
        const { visit } = await kit.login(browser, kit.users.admin);
        outcome = answerProblem(kit, visit) ?? (await expectLanded(kit, browser, visit));
        if (outcome.verdict === 'PASS') break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      } while (Date.now() - started < ROTATION_RETRY_WINDOW_MS);
      const suffix =
        attempts > 1 ? ` (after ${attempts} attempts over ${Date.now() - started} ms)` : '';
      return { ...outcome, seen: `${outcome.seen}${suffix}` };
    } finally {
      await kit.emulator.controls.rotateKey({ keepPrevious: true });
    }
  },
};
