// @ts-check
/**
 * The bench's report: the memory model's checks and the markdown tables (rows, ratios, checks).
 * Targets are reported, never asserted.
 * @module
 */
'use strict';

const { targetText } = require('./stats');

const MB = 1024 * 1024;

/** @param {number} n */
const fmtRate = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
/** @param {number} n @param {number} [d] */
const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '—');
/** @param {number} n */
const ratio = (n) => (Number.isFinite(n) ? `${n.toFixed(2)}x` : '—');
/** @param {number} bytes */
const mb = (bytes) => `${(bytes / MB).toFixed(1)} MB`;
/** @param {number} n */
const signedPct = (n) =>
  Number.isFinite(n) ? `${n >= 0 ? '+' : ''}${(n * 100).toFixed(1)}%` : '—';
/** @param {number | undefined} n */
const count = (n) => (n === undefined ? '?' : n.toLocaleString('en-US'));

/**
 * "1,234 (1,100–1,300)": median and range of a spread, formatted by `f`.
 * @param {import('./stats').Spread | undefined} s
 * @param {(n: number) => string} f
 */
function medianRange(s, f) {
  if (!s || s.n === 0) return '—';
  if (s.n === 1) return f(s.median);
  return `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

/**
 * @typedef {object} Check
 * @property {string} name
 * @property {string} goal
 * @property {string} measured
 * @property {import('./stats').Verdict} verdict
 */

/**
 * The memory model's targets: growth after the windows ≤ 10% (RSS and heap), ≤ 1 kB of heap per
 * live session, ≤ 300 B per redeemed-code record.
 * @param {{ plateau: any, records: any }} memory
 * @returns {Check[]}
 */
function memoryChecks({ plateau, records }) {
  /** @type {Check[]} */
  const checks = [];
  if (plateau) {
    const { start, end } = plateau;
    for (const [what, growth, a, b] of /** @type {const} */ ([
      ['RSS', plateau.rssGrowth, start.rss, end.rss],
      ['heap', plateau.heapGrowth, start.heapUsed, end.heapUsed],
    ]))
      checks.push({
        name: `${what} after ${count(plateau.logins)} more logins and a wait past the shortened windows (forced GC), vs the start`,
        goal: '≤ +10%',
        measured: `${mb(a)} → ${mb(b)} (${signedPct(growth)})`,
        verdict: growth <= 0.1 ? 'met' : 'missed',
      });
  }
  if (records) {
    checks.push(
      {
        name: 'heap per live session (memory store: session, touch time, index entry)',
        goal: '≤ 1,024 B',
        measured: `${Math.round(records.bytesPerSession)} B`,
        verdict: records.bytesPerSession <= 1024 ? 'met' : 'missed',
      },
      {
        name: 'heap per redeemed-code record (memory one-time store)',
        goal: '≤ 300 B',
        measured: `${Math.round(records.bytesPerRedeemedCode)} B`,
        verdict: records.bytesPerRedeemedCode <= 300 ? 'met' : 'missed',
      },
    );
  }
  return checks;
}

/**
 * @param {any} r results of run.js
 * @returns {string} markdown
 */
function markdown(r) {
  const s = r.settings;
  const lines = [];
  const logins = r.rowOrder.some((/** @type {string} */ id) => r.rows[id].group === 'login');
  lines.push(
    `${s.rounds} interleaved rounds; ${s.connections} connections; each window ${logins ? `${s.loginSeconds} s (logins) or ` : ''}${s.signedInSeconds} s${logins ? ' (other rows)' : ''} after a ${s.warmupSeconds} s warm-up. Figures: median (min–max) across rounds.`,
    '',
    '| row | what it measures | per second | p99 ms | CPU ms / op |',
    '|---|---|---:|---:|---:|',
  );
  for (const id of r.rowOrder) {
    const row = r.rows[id];
    const sum = row.summary;
    lines.push(
      `| ${row.label} | ${row.what} | ${medianRange(sum.rate, fmtRate)} | ${medianRange(sum.p99, (n) => fmt(n, 0))} | ${medianRange(sum.cpuPerOpMs, (n) => fmt(n, 3))} |`,
    );
  }
  lines.push(
    '',
    "| ratio (per round, same round's rows) | target | per round | median | min–max | verdict |",
    '|---|---|---|---:|---|---|',
  );
  for (const q of r.ratios)
    lines.push(
      `| ${q.name} | ${targetText(q.target)} | ${q.perRound.map(ratio).join(', ')} | ${ratio(q.median)} | ${q.n > 0 ? `${ratio(q.min)}–${ratio(q.max)}` : '—'} | ${q.verdict} |`,
    );
  if (r.checks.length > 0) {
    lines.push('', '| check | goal | measured | verdict |', '|---|---|---|---|');
    for (const c of r.checks)
      lines.push(`| ${c.name} | ${c.goal} | ${c.measured} | ${c.verdict} |`);
  }
  const p = r.memory?.plateau;
  if (p) {
    lines.push(
      '',
      `Memory plateau (memory store; sessions ${s.plateauSessionSeconds} s, redeemed codes ${s.plateauRedeemedCodeTtlMs / 1000} s, session prune every ${s.plateauPruneMs / 1000} s; ${count(p.warmupLogins)} warm-up logins, then ${count(p.logins)} logins in ${p.loginSeconds.toFixed(0)} s; samples after a forced GC, ${p.waitMs / 1000} s after the logins):`,
      '',
      '| sample | RSS | heap | sessions | redeemed-code records | touch times | index entries |',
      '|---|---:|---:|---:|---:|---:|---:|',
    );
    for (const [name, m] of /** @type {const} */ ([
      ['fresh process', p.fresh],
      ['start (after the warm-up logins and the wait)', p.start],
      ['right after the logins', p.justAfter],
      ['end (after the wait)', p.end],
      ['end, expired one-time records purged', p.afterPurgingExpiredOneTimeRecords],
    ]))
      lines.push(
        `| ${name} | ${mb(m.rss)} | ${mb(m.heapUsed)} | ${count(m.sessions)} | ${count(m.oneTimeRecords)} | ${count(m.touchTimes)} | ${count(m.sessionIndexEntries)} |`,
      );
  }
  const rec = r.memory?.records;
  if (rec)
    lines.push(
      '',
      `Memory per record: ${count(rec.records)} sessions written through the session store (a copy of a real one, ${rec.sessionJsonBytes} bytes of JSON), then ${count(rec.records)} codes claimed and marked done; heap after a forced GC: ${Math.round(rec.bytesPerSession)} B per session, ${Math.round(rec.bytesPerRedeemedCode)} B per redeemed-code record.`,
    );
  return lines.join('\n');
}

module.exports = { memoryChecks, markdown, medianRange, mb, ratio };
