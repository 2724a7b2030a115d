/**
 * Plays scenarios one after another against a running emulator and the vendor's callback.
 * Serial on purpose: scenarios change the emulator's one-shot token override, its token-endpoint
 * fault and its signing keys, which are global to the emulator (as they are to Vercel).
 *
 * @module
 */
import type { ConformanceKit } from './kit';
import type { ConformanceReport, Scenario, ScenarioResult, Verdict } from './types';

/**
 * Select scenarios by `--only` patterns: exact ids, or a prefix ending in `*` (`id-token-*`).
 * @returns the selected scenarios (play order kept) and the patterns that matched nothing.
 */
export function selectScenarios(
  all: readonly Scenario[],
  patterns: readonly string[] | undefined,
): { selected: Scenario[]; unmatched: string[] } {
  if (!patterns || patterns.length === 0) return { selected: [...all], unmatched: [] };
  const matches = (id: string, pattern: string): boolean =>
    pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : id === pattern;
  return {
    selected: all.filter((s) => patterns.some((p) => matches(s.id, p))),
    unmatched: patterns.filter((p) => !all.some((s) => matches(s.id, p))),
  };
}

/**
 * Play `scenarios` in order. A scenario that throws is a `FAIL` ("kit error: …"); an advisory
 * (`required: false`) scenario that fails is reported as `WARN`.
 * @param onResult - called after each scenario (progress output).
 */
export async function runScenarios(
  kit: ConformanceKit,
  scenarios: readonly Scenario[],
  onResult?: (result: ScenarioResult) => void,
): Promise<ConformanceReport> {
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    const started = Date.now();
    let verdict: Verdict;
    let seen: string;
    try {
      ({ verdict, seen } = await scenario.run(kit));
    } catch (error) {
      verdict = 'FAIL';
      seen = `kit error: ${(error as Error).message}`;
    }
    if (verdict === 'FAIL' && !scenario.required) verdict = 'WARN';
    const result: ScenarioResult = {
      id: scenario.id,
      group: scenario.group,
      title: scenario.title,
      expected: scenario.expected,
      seen,
      verdict,
      required: scenario.required,
      why: scenario.why,
      source: scenario.source,
      durationMs: Date.now() - started,
    };
    results.push(result);
    onResult?.(result);
  }
  const summary: Record<Verdict, number> = { PASS: 0, FAIL: 0, WARN: 0, SKIP: 0 };
  for (const r of results) summary[r.verdict] += 1;
  return {
    redirectLoginUrl: kit.redirectLoginUrl,
    sessionEvidence: kit.sessionEvidence,
    summary,
    passed: results.every((r) => r.verdict !== 'FAIL'),
    results,
  };
}
