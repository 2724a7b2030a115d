/**
 * The kit's three outputs: a plain table for people (cli-table3, no colours), JSON for scripts
 * (`--json`, the {@link ConformanceReport} as is) and JUnit XML for CI (`--junit <file>`,
 * junit-report-builder; FAIL = `<failure>`, SKIP = `<skipped>`, WARN = a passing case with the
 * warning in `<system-out>`). None contains a code, state, token or cookie value: scenarios
 * report only statuses, paths and cookie names.
 *
 * @module
 */
import Table from 'cli-table3';
import junit from 'junit-report-builder';
import type { ConformanceReport } from './types';

/** The human-readable report: the table, then why each non-passing rule matters, then a summary. */
export function formatTable(report: ConformanceReport): string {
  const table = new Table({
    head: ['id', 'scenario', 'expected', 'seen', 'result'],
    style: { head: [], border: [] },
    colWidths: [32, 34, 30, 60, 8],
    wordWrap: true,
    wrapOnWordBoundary: true,
  });
  for (const r of report.results) table.push([r.id, r.title, r.expected, r.seen, r.verdict]);
  const lines = [table.toString()];
  const notPassed = report.results.filter((r) => r.verdict !== 'PASS');
  if (notPassed.length > 0) {
    lines.push('', 'Why these matter:');
    for (const r of notPassed)
      lines.push(`  ${r.verdict} ${r.id}: ${r.why}`, `       rule: ${r.source}`);
  }
  lines.push('', summaryLine(report));
  return lines.join('\n');
}

/** One line: counts, how sessions were judged, and the overall result. */
export function summaryLine(report: ConformanceReport): string {
  const { PASS, FAIL, WARN, SKIP } = report.summary;
  const evidence =
    report.sessionEvidence === 'session-check-url'
      ? 'sessions checked with the session-check URL'
      : 'sessions judged from the callback answer (pass --session-check-url to check them exactly)';
  return `${report.results.length} scenarios: ${PASS} PASS, ${FAIL} FAIL, ${WARN} WARN, ${SKIP} SKIP; ${evidence}. ${report.passed ? 'Conformant: every required scenario passed.' : 'NOT conformant: a required scenario failed.'}`;
}

/** The JUnit XML document (one suite, one case per scenario, classname = group). */
export function formatJUnit(report: ConformanceReport): string {
  const builder = junit.newBuilder();
  const suite = builder.testSuite().name('vercel-marketplace-sso conformance');
  suite
    .property('redirect_login_url', report.redirectLoginUrl)
    .property('session_evidence', report.sessionEvidence);
  for (const r of report.results) {
    const testCase = suite
      .testCase()
      .className(`conformance.${r.group}`)
      .name(`${r.id}: ${r.title}`)
      .time(r.durationMs / 1000);
    const details = `expected: ${r.expected}\nseen: ${r.seen}\nwhy: ${r.why}\nrule: ${r.source}`;
    if (r.verdict === 'FAIL') testCase.failure(r.seen, 'conformance').standardOutput(details);
    else if (r.verdict === 'SKIP') testCase.skipped().standardOutput(details);
    else testCase.standardOutput(r.verdict === 'WARN' ? `WARN\n${details}` : details);
  }
  return builder.build();
}
