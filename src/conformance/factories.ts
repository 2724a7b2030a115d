/**
 * Builders for the families of scenarios that differ only in data: one happy path per deep-link
 * kind, one forged id_token per claim or header fault, one token-endpoint fault per kind, one open
 * redirect per payload. Each scenario still has its own module (and stable id) under `scenarios/`.
 *
 * @module
 */
import { linkContexts, type Fault, type LinkKind, type TokenOverride } from '../emulator';
import type { ConformanceKit } from './kit';
import type { Scenario, ScenarioOutcome } from './types';
import { answerProblem, describeVisit, expectLanded, expectRefused, originOnly } from './verdicts';

/** Worst verdict first. */
const ORDER = ['FAIL', 'WARN', 'SKIP', 'PASS'] as const;

/** Combine outcomes: the worst verdict, the lines joined with `; `. */
export function combine(
  parts: Array<{ label: string; outcome: ScenarioOutcome }>,
): ScenarioOutcome {
  const verdict = ORDER.find((v) => parts.some((p) => p.outcome.verdict === v)) ?? 'PASS';
  return { verdict, seen: parts.map((p) => `${p.label}: ${p.outcome.seen}`).join('; ') };
}

/**
 * A valid login for a deep-link kind, as both an ADMIN and a read-only USER (VERCEL-SSO.md §1.2,
 * §1.4 and §2 `user_role`): signed in, landed on the vendor's origin (or an allow-listed one).
 */
export function happyPath(kind: LinkKind): Scenario {
  return {
    id: `happy-${kind}`,
    group: 'happy-path',
    title: `Open in Provider: ${kind}`,
    expected: 'signed in (ADMIN and USER), landed on the vendor origin',
    why: 'Every dashboard link kind must sign the user in and land on the page that matches it, never off the vendor’s site.',
    source: 'VERCEL-SSO.md §1.2, §1.4, §2 (user_role)',
    required: true,
    async run(kit) {
      const installation = kit.emulator.seed.installations.find(
        (i) => i.id === kit.users.admin.installationId,
      )!;
      const context =
        linkContexts(installation, kit.redirectLoginUrl).find((c) => c.kind === kind)?.context ??
        {};
      const parts = [];
      for (const who of [kit.users.admin, kit.users.user]) {
        const browser = kit.browser();
        const { visit } = await kit.login(browser, who, { context });
        parts.push({ label: who.label, outcome: await expectLanded(kit, browser, visit) });
      }
      return combine(parts);
    },
  };
}

/** Options of {@link forgedIdToken}. */
export interface ForgedIdTokenOptions {
  id: string;
  title: string;
  /** The one-shot change to the id_token (claims merged; `null` deletes). */
  override: (kit: ConformanceKit) => TokenOverride;
  why: string;
  source: string;
}

/** The exchange returns an id_token that must be refused: no session, no 500. */
export function forgedIdToken(options: ForgedIdTokenOptions): Scenario {
  return {
    id: options.id,
    group: 'id-token',
    title: options.title,
    expected: 'no session, a 4xx/5xx answer other than 500',
    why: options.why,
    source: options.source,
    required: true,
    async run(kit) {
      const browser = kit.browser();
      const { visit } = await kit.login(browser, kit.users.admin, {
        override: options.override(kit),
      });
      return expectRefused(kit, browser, visit);
    },
  };
}

/** Options of {@link exchangeFault}. */
export interface ExchangeFaultOptions {
  id: string;
  title: string;
  fault: Fault;
  why: string;
}

/** The token endpoint misbehaves once: the login must fail cleanly, in time, without a session. */
export function exchangeFault(options: ExchangeFaultOptions): Scenario {
  return {
    id: options.id,
    group: 'exchange',
    title: options.title,
    expected: 'no session, an answer (not 500) within the bound',
    why: options.why,
    source:
      'VERCEL-SSO.md §1.3 (treat any non-2xx, non-JSON body or missing id_token as a failed login); ASVS 5.0 V16.5.3',
    required: true,
    async run(kit) {
      const browser = kit.browser();
      const { visit } = await kit.login(browser, kit.users.admin, { fault: options.fault });
      const outcome = await expectRefused(kit, browser, visit);
      return outcome.verdict === 'PASS'
        ? { ...outcome, seen: `${outcome.seen}, in ${visit.elapsedMs} ms` }
        : outcome;
    },
  };
}

/** Options of {@link openRedirect}. */
export interface OpenRedirectOptions {
  id: string;
  title: string;
  /** The deep-link parameter carrying the payload. */
  param: 'url' | 'path';
  /** The hostile value, built from the vendor's origin (e.g. `//evil.example/`). */
  payload: (kit: ConformanceKit) => string;
}

/** Host used by open-redirect payloads (RFC 2606 reserved name: never a real site). */
export const EVIL_HOST = 'evil.example';

/**
 * A valid login whose deep link tries to send the browser off the vendor's origin: every redirect
 * must stay on the vendor's (or an allow-listed) origin and never use a non-http(s) scheme.
 */
export function openRedirect(options: OpenRedirectOptions): Scenario {
  return {
    id: options.id,
    group: 'callback',
    title: options.title,
    expected: 'no redirect off the vendor origin (signed in or not)',
    why: 'An SSO link that forwards to any URL lets a phisher borrow the vendor’s domain and the user’s fresh sign-in.',
    source: `VERCEL-SSO.md §1.2 (\`${options.param}\`: the provider must validate it); ASVS 5.0 V3.7.2 (V5.1.5 in 4.0)`,
    required: true,
    async run(kit) {
      const browser = kit.browser();
      const { visit } = await kit.login(browser, kit.users.admin, {
        context: { [options.param]: options.payload(kit) },
      });
      const problem = answerProblem(kit, visit);
      if (problem) return problem;
      if (visit.leftTo && !kit.isAllowedLanding(visit.leftTo)) {
        return { verdict: 'FAIL', seen: `redirected to ${originOnly(visit.leftTo)}` };
      }
      const refresh = visit.hops
        .at(-1)
        ?.body.match(/http-equiv=["']?refresh["']?[^>]*url=([^"'>]+)/i);
      if (
        refresh &&
        !kit.isAllowedLanding(
          URL.canParse(refresh[1]!, visit.hops.at(-1)!.url)
            ? new URL(refresh[1]!, visit.hops.at(-1)!.url).href
            : '',
        )
      ) {
        return { verdict: 'FAIL', seen: 'a meta refresh points off the vendor origin' };
      }
      return { verdict: 'PASS', seen: `stayed on the vendor origin: ${describeVisit(kit, visit)}` };
    },
  };
}
