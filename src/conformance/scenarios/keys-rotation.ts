/**
 * `keys-rotation`: Vercel rotates its signing key mid-run (the old key stays published); a login
 * signed with the new key must still work, after at most a short JWKS refetch cooldown.
 * @module
 */
import type { Scenario, ScenarioOutcome } from '../types';
import { expectLanded } from '../verdicts';

/** How long the kit keeps retrying a login after a rotation (a verifier may rate-limit JWKS refetches). */
export const ROTATION_RETRY_WINDOW_MS = 12_000;

export const scenario: Scenario = {
  id: 'keys-rotation',
  group: 'keys',
  title: 'Signing key rotated mid-run',
  expected: 'a token signed with the new kid signs in',
  why: 'A verifier that caches the JWKS forever locks every user out at Vercel’s next key rotation.',
  source: 'OIDC Core §10.1.1 (rotation of asymmetric keys); RFC 7517 §4.5',
  required: true,
  async run(kit) {
    await kit.emulator.controls.rotateKey({ keepPrevious: true });
    const started = Date.now();
    let outcome: ScenarioOutcome;
    let attempts = 0;
    do {
      attempts += 1;
      const browser = kit.browser();
      const { visit } = await kit.login(browser, kit.users.admin);
      outcome = await expectLanded(kit, browser, visit);
      if (outcome.verdict === 'PASS') break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    } while (Date.now() - started < ROTATION_RETRY_WINDOW_MS);
    const suffix =
      attempts > 1 ? ` (after ${attempts} attempts over ${Date.now() - started} ms)` : '';
    return { verdict: outcome.verdict, seen: `${outcome.seen}${suffix}` };
  },
};
