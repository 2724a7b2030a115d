// @ts-check
/**
 * The bench's targets (reported, never asserted) and its markdown output.
 * @module
 */
'use strict';

/**
 * @typedef {object} Target
 * @property {string} name
 * @property {string} goal
 * @property {string} measured
 * @property {boolean | null} pass null: not measured (e.g. Redis unreachable)
 * @property {string} [miss] by how much it is missed
 * @property {'login' | 'signed-in' | 'jwks' | 'memory'} area
 */

const MB = 1024 * 1024;

/** @param {number} n */
const fmtRate = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
/** @param {number} n @param {number} [d] */
const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '—');
/** @param {number} n */
const pct = (n) => (Number.isFinite(n) ? `${Math.round(n * 100)}%` : '—');
/** @param {number} n */
const ratio = (n) => (Number.isFinite(n) ? `${n.toFixed(2)}x` : '—');
/** @param {number} bytes */
const mb = (bytes) => `${(bytes / MB).toFixed(1)} MB`;

/**
 * "at least" target: measured ≥ goal.
 * @param {Omit<Target, 'measured' | 'pass' | 'miss'> & { value: number | undefined, min: number }} t
 * @returns {Target}
 */
function atLeast({ value, min, ...t }) {
  if (value === undefined || !Number.isFinite(value))
    return { ...t, measured: 'not measured', pass: null };
  const pass = value >= min;
  return {
    ...t,
    measured: ratio(value),
    pass,
    ...(pass
      ? {}
      : {
          miss: `${ratio(value)} vs ≥ ${ratio(min)}: ${Math.round((1 - value / min) * 100)}% short`,
        }),
  };
}

/**
 * "at most" target: measured ≤ goal.
 * @param {Omit<Target, 'measured' | 'pass' | 'miss'> & { value: number | undefined, max: number }} t
 * @returns {Target}
 */
function atMost({ value, max, ...t }) {
  if (value === undefined || !Number.isFinite(value))
    return { ...t, measured: 'not measured', pass: null };
  const pass = value <= max;
  return {
    ...t,
    measured: ratio(value),
    pass,
    ...(pass
      ? {}
      : {
          miss: `${ratio(value)} vs ≤ ${ratio(max)}: ${Math.round((value / max - 1) * 100)}% over`,
        }),
  };
}

/**
 * @param {any} r the results object of run.js
 * @returns {Target[]}
 */
function evaluateTargets(r) {
  const { login, signedIn, jwks, memory } = r;
  /** @type {Target[]} */
  const targets = [
    atLeast({
      area: 'login',
      name: 'login (memory) logins/s vs baseline',
      goal: '≥ 0.75x',
      value: login.memory.rate / login.baseline.rate,
      min: 0.75,
    }),
    atMost({
      area: 'login',
      name: 'login (memory) p99 vs baseline p99',
      goal: '≤ 2x',
      value: login.memory.p99 / login.baseline.p99,
      max: 2,
    }),
    atLeast({
      area: 'signed-in',
      name: 'signed-in (memory) req/s vs bare express',
      goal: '≥ 0.6x',
      value: signedIn.memory.rate / signedIn.express.rate,
      min: 0.6,
    }),
    atLeast({
      area: 'signed-in',
      name: 'signed-in (memory) req/s vs verify-every-request',
      goal: '> 1x (faster)',
      value: signedIn.memory.rate / signedIn.verifyEveryRequest.rate,
      min: 1.0000001,
    }),
    atLeast({
      area: 'login',
      name: 'login: Redis vs memory logins/s',
      goal: '≥ 0.7x',
      value: login.redis ? login.redis.rate / login.memory.rate : undefined,
      min: 0.7,
    }),
    atLeast({
      area: 'signed-in',
      name: 'signed-in: Redis vs memory req/s',
      goal: '≥ 0.7x',
      value: signedIn.redis ? signedIn.redis.rate / signedIn.memory.rate : undefined,
      min: 0.7,
    }),
  ];
  const rotationOk = jwks.rotation.jwksFetches === 1;
  targets.push({
    area: 'jwks',
    name: `JWKS fetches for ${jwks.rotation.concurrency} concurrent logins after a rotation`,
    goal: 'exactly 1',
    measured: `${jwks.rotation.jwksFetches}`,
    pass: rotationOk,
    ...(rotationOk ? {} : { miss: `${jwks.rotation.jwksFetches} fetches instead of 1` }),
  });
  const steady = jwks.steadyState;
  targets.push({
    area: 'jwks',
    name: 'JWKS fetches per login, steady state',
    goal: '0',
    measured: `${steady.fetches} in ${steady.logins.toLocaleString('en-US')} logins`,
    pass: steady.fetches === 0,
    ...(steady.fetches === 0 ? {} : { miss: `${steady.fetches} fetches` }),
  });
  if (memory) {
    const [first, last] = [memory.samples[0], memory.samples[memory.samples.length - 1]];
    const growth = last.rssAfterGc / first.rssAfterGc - 1;
    const pass = growth <= 0.1;
    targets.push({
      area: 'memory',
      name: `RSS after ${fmtK(last.logins)} logins vs after ${fmtK(first.logins)} (forced GC)`,
      goal: '≤ +10%',
      measured: `${mb(first.rssAfterGc)} → ${mb(last.rssAfterGc)} (${growth >= 0 ? '+' : ''}${Math.round(growth * 100)}%)`,
      pass,
      ...(pass ? {} : { miss: `+${Math.round(growth * 100)}% vs ≤ +10%` }),
    });
  } else {
    targets.push({
      area: 'memory',
      name: 'RSS after 100k logins vs after 10k',
      goal: '≤ +10%',
      measured: 'not measured',
      pass: null,
    });
  }
  return targets;
}

/** @param {number} n */
function fmtK(n) {
  return n >= 1000 ? `${Math.round(n / 1000)}k` : String(n);
}

/**
 * @param {any} r results
 * @returns {string} markdown
 */
function markdown(r) {
  const { login, signedIn, jwks, memory } = r;
  const lines = [];
  lines.push(
    `${r.settings.connections} connections; logins ${r.settings.loginSeconds} s and signed-in requests ${r.settings.signedInSeconds} s per row, each after a ${r.settings.warmupSeconds} s warm-up.`,
    '',
    '| row | what it measures | per second | p50 ms | p99 ms | CPU ms / op | emulator CPU | ratio |',
    '|---|---|---:|---:|---:|---:|---:|---|',
  );
  /**
   * @param {string} row
   * @param {string} what
   * @param {any} f
   * @param {string} rel
   * @param {boolean} [isLogin]
   */
  const add = (row, what, f, rel, isLogin = false) => {
    if (!f) {
      lines.push(`| ${row} | ${what} | skipped | | | | | ${rel} |`);
      return;
    }
    const cpu = isLogin ? f.cpuPerLoginMs : f.cpuPerRequestMs;
    lines.push(
      `| ${row} | ${what} | ${fmtRate(f.rate)} | ${fmt(f.p50, 0)} | ${fmt(f.p99, 0)} | ${fmt(cpu, 3)} | ${isLogin ? pct(f.emulatorCpuShare) : ''} | ${rel} |`,
    );
  };
  add(
    'login · memory store',
    'full /callback: exchange, jose, session, 302',
    login.memory,
    `${ratio(login.memory.rate / login.baseline.rate)} baseline`,
    true,
  );
  add(
    'login · Redis store',
    'same, sessions/one-time/rate limits in Redis',
    login.redis,
    login.redis ? `${ratio(login.redis.rate / login.memory.rate)} memory` : 'Redis not reachable',
    true,
  );
  add(
    'login · baseline',
    'bare node:http: exchange, jose, Map, 302',
    login.baseline,
    '1.00x',
    true,
  );
  add(
    'signed-in · memory store',
    'GET /api/session, full middleware stack',
    signedIn.memory,
    `${ratio(signedIn.memory.rate / signedIn.express.rate)} express, ${ratio(signedIn.memory.rate / signedIn.verifyEveryRequest.rate)} verify-every-request`,
  );
  add(
    'signed-in · Redis store',
    'same, session in Redis',
    signedIn.redis,
    signedIn.redis
      ? `${ratio(signedIn.redis.rate / signedIn.memory.rate)} memory`
      : 'Redis not reachable',
  );
  add('signed-in · bare express', 'express hello-world, no middleware', signedIn.express, '1.00x');
  add(
    'signed-in · verify every request',
    'id_token cookie, jose-verified per request',
    signedIn.verifyEveryRequest,
    `${ratio(signedIn.verifyEveryRequest.rate / signedIn.express.rate)} express`,
  );
  lines.push('', '| check | measured |', '|---|---|');
  const rot = jwks.rotation;
  lines.push(
    `| JWKS fetches, ${rot.concurrency} concurrent logins right after a key rotation | ${rot.jwksFetches} (answers: ${statusList(rot.statuses)}) |`,
  );
  lines.push(
    `| JWKS fetches per login, steady state (login rows) | ${jwks.steadyState.fetches} in ${jwks.steadyState.logins.toLocaleString('en-US')} logins |`,
  );
  if (memory) {
    for (const s of memory.samples) {
      lines.push(
        `| backend RSS after ${fmtK(s.logins)} logins (forced GC; memory store, 5 s lifetimes) | ${mb(s.rssAfterGc)}, heap ${mb(s.heapUsedAfterGc)}: ${fmtInt(s.sessions)} sessions held (expired ones wait for the 60 s prune), ${fmtInt(s.oneTimeRecords)} redeemed-code records (kept 10 min, at most 100k); after a prune of the session store (${fmtInt(s.sessionsAfterPrune)} left): ${mb(s.rssAfterPruneAndGc)}, heap ${mb(s.heapUsedAfterPruneAndGc)} |`,
      );
    }
    const [first, last] = [memory.samples[0], memory.samples[memory.samples.length - 1]];
    const records = (last.oneTimeRecords ?? 0) - (first.oneTimeRecords ?? 0);
    if (records > 0) {
      const perRecord = (last.heapUsedAfterPruneAndGc - first.heapUsedAfterPruneAndGc) / records;
      lines.push(
        `| heap growth per extra redeemed-code record, after the prune (${fmtK(first.logins)} → ${fmtK(last.logins)} logins) | ${Math.round(perRecord)} bytes |`,
      );
    }
  } else {
    lines.push('| backend RSS after 10k / 100k logins | skipped |');
  }
  lines.push('', '| target | goal | measured | result |', '|---|---|---|---|');
  for (const t of r.targets)
    lines.push(
      `| ${t.name} | ${t.goal} | ${t.measured} | ${t.pass === null ? 'n/a' : t.pass ? 'PASS' : 'MISS'} |`,
    );
  return lines.join('\n');
}

/** @param {number | undefined} n */
function fmtInt(n) {
  return n === undefined ? '?' : n.toLocaleString('en-US');
}

/** @param {Record<string, number>} statuses */
function statusList(statuses) {
  return Object.entries(statuses)
    .map(([s, n]) => `${n} × ${s}`)
    .join(', ');
}

module.exports = { evaluateTargets, markdown, mb, ratio };
