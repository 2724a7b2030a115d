/**
 * Shapes shared by the conformance kit's scenarios, runner and report.
 *
 * @module
 */
import type { ConformanceKit } from './kit';

/**
 * A scenario's verdict.
 * - `PASS`: the implementation behaved as the rule requires.
 * - `FAIL`: it did not (for a required scenario: the run fails).
 * - `WARN`: an advisory scenario failed, or the kit could not tell (e.g. no session-check URL).
 * - `SKIP`: not played (needs an option that was not given).
 */
export type Verdict = 'PASS' | 'FAIL' | 'WARN' | 'SKIP';

/** Scenario groups, in report order. */
export type ScenarioGroup =
  'happy-path' | 'exchange' | 'id-token' | 'keys' | 'callback' | 'browser' | 'account';

/** What a scenario observed. */
export interface ScenarioOutcome {
  verdict: Verdict;
  /** What the kit saw, one short line (never a code, state, token or cookie value). */
  seen: string;
}

/** One conformance check (one module under `src/conformance/scenarios/`). */
export interface Scenario {
  /** Stable id, kebab-case (used by `--only` and in JUnit reports); never renamed. */
  id: string;
  group: ScenarioGroup;
  /** Short name. */
  title: string;
  /** The behaviour required, one short line. */
  expected: string;
  /** Why this matters, one sentence. */
  why: string;
  /** Where the rule comes from (VERCEL-SSO.md section, RFC section, OIDC Core, OWASP ASVS id). */
  source: string;
  /** `false` = advisory: a failure is reported as `WARN` and does not fail the run. */
  required: boolean;
  /** Play the scenario. A throw is reported as `FAIL` ("kit error"). */
  run(kit: ConformanceKit): Promise<ScenarioOutcome>;
}

/** A played scenario, as reported. */
export interface ScenarioResult {
  id: string;
  group: ScenarioGroup;
  title: string;
  expected: string;
  seen: string;
  verdict: Verdict;
  required: boolean;
  why: string;
  source: string;
  /** Wall time of the scenario, ms. */
  durationMs: number;
}

/** The whole run, as reported (also the `--json` output). */
export interface ConformanceReport {
  /** The Redirect Login URL under test. */
  redirectLoginUrl: string;
  /** How "no session" was decided: exactly with the session-check URL, or from the callback's answer. */
  sessionEvidence: 'session-check-url' | 'callback-answer';
  /** Counts per verdict. */
  summary: Record<Verdict, number>;
  /** `true` when every required scenario passed (exit code 0). */
  passed: boolean;
  results: ScenarioResult[];
}
