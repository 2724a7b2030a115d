#!/usr/bin/env node
// Prints the mutation score per file from Stryker's JSON report (mutation-testing-report-schema):
// killed / (killed + survived), with timeouts counted apart (issue 20 counts a timeout as killed
// only when a test also asserts the outcome). Usage: node scripts/mutation-score.mjs [report.json ...]
import { existsSync, readFileSync } from 'node:fs';

const files = process.argv.slice(2);
if (files.length === 0) files.push('reports/mutation/mutation.json');

/** @type {Map<string, Record<string, number>>} */
const perFile = new Map();
for (const file of files) {
  if (!existsSync(file)) {
    process.stderr.write(
      `No mutation report at ${file}: run \`npm run test:mutation\` first (it writes reports/mutation/mutation.json).\n`,
    );
    process.exit(2);
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  for (const [name, { mutants }] of Object.entries(report.files)) {
    const counts = {};
    for (const mutant of mutants) counts[mutant.status] = (counts[mutant.status] ?? 0) + 1;
    perFile.set(name, counts); // a later report wins for the same file
  }
}

const columns = ['Killed', 'Survived', 'Timeout', 'NoCoverage', 'CompileError', 'RuntimeError'];
const total = Object.fromEntries(columns.map((c) => [c, 0]));
const score = (c) => {
  const tested = c.Killed + c.Survived + c.NoCoverage;
  return tested === 0 ? 'n/a' : `${((100 * c.Killed) / tested).toFixed(1)} %`;
};
const rows = [...perFile.entries()].sort(([a], [b]) => a.localeCompare(b));
const width = Math.max(4, ...rows.map(([name]) => name.length));
const line = (name, c, s) =>
  `${name.padEnd(width)}  ${columns.map((col) => String(c[col] ?? 0).padStart(col.length)).join('  ')}  ${s}`;
process.stdout.write(`${'file'.padEnd(width)}  ${columns.join('  ')}  score\n`);
for (const [name, counts] of rows) {
  const c = Object.fromEntries(columns.map((col) => [col, counts[col] ?? 0]));
  for (const col of columns) total[col] += c[col];
  process.stdout.write(`${line(name, c, score(c))}\n`);
}
process.stdout.write(`${line('total', total, score(total))}\n`);
process.stdout.write(
  'score = killed / (killed + survived + no coverage); timeouts and compile errors are not counted.\n',
);
