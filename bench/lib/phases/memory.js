// @ts-check
/**
 * The memory model (issue 16 item 4).
 *  - {@link measurePlateau}: a memory-store backend (--expose-gc) with its retention windows
 *    shortened (sessions live SESSION_*_TIMEOUT_SECONDS; bench-only: the session store prunes every
 *    BENCH_SESSION_PRUNE_MS and redeemed codes are remembered BENCH_REDEEMED_CODE_TTL_MS, see
 *    lib/backend-child.js). A warm-up batch of logins, a wait past the windows and the prune, a
 *    forced GC: the start. Then the main batch, the same wait and GC: the end. RSS and heap growth
 *    from start to end (target ≤ 10%), with the records each store still holds. A last sample
 *    after purging the one-time store's expired records shows what they held.
 *  - {@link measureRecords}: retained heap per live session and per redeemed-code record, in a
 *    child of its own (lib/memory-records-child.js).
 * @module
 */
'use strict';

const path = require('node:path');
const { runLoad } = require('../load');
const { mintPaths } = require('./login');
const { startChild } = require('../proc');

/**
 * @typedef {object} MemorySample
 * @property {number} rss VmRSS after a forced full GC, bytes
 * @property {number} heapUsed bytes, after the same GC
 * @property {number | undefined} sessions session records the session store holds
 * @property {number | undefined} oneTimeRecords redeemed-code records (expired ones included until purged)
 * @property {number | undefined} touchTimes the touch throttle's per-session entries
 * @property {number | undefined} sessionIndexEntries
 */

/**
 * @param {import('../proc').Child} backend
 * @param {Record<string, boolean>} [args]
 * @returns {Promise<MemorySample>}
 */
async function sample(backend, args = {}) {
  const m = await backend.call('memory', { gc: true, ...args });
  if (!m.gcForced) throw new Error('the memory backend must run with --expose-gc');
  return {
    rss: backend.rssBytes(),
    heapUsed: m.heapUsed,
    sessions: m.sessions,
    oneTimeRecords: m.oneTimeRecords,
    touchTimes: m.touchTimes,
    sessionIndexEntries: m.sessionIndexEntries,
  };
}

/**
 * `amount` logins at `connections`, minted in chunks so that the emulator's pool stays small.
 * @param {import('../proc').Child} backend
 * @param {import('../proc').Child} emulator
 * @param {number} amount
 * @param {number} connections
 */
async function logins(backend, emulator, amount, connections) {
  let done = 0;
  let failures = 0;
  let seconds = 0;
  const chunk = 25_000;
  while (done < amount) {
    const n = Math.min(chunk, amount - done);
    const paths = await mintPaths(emulator, n);
    const result = await runLoad({
      url: backend.info.url,
      connections,
      amount: n,
      paths,
      expect: 302,
    });
    seconds += result.seconds;
    failures += result.requests - result.ok + result.errors;
    done += n;
  }
  return { logins: done, failures, seconds };
}

/**
 * @param {object} options
 * @param {import('../proc').Child} options.backend memory store, --expose-gc, BENCH_OWN_STORES=1, short windows
 * @param {import('../proc').Child} options.emulator
 * @param {number} options.connections
 * @param {number} options.warmupLogins
 * @param {number} options.logins
 * @param {number} options.waitMs past every window and the prune interval
 * @param {(message: string) => void} [options.progress]
 */
async function measurePlateau({
  backend,
  emulator,
  connections,
  warmupLogins,
  logins: amount,
  waitMs,
  progress = () => undefined,
}) {
  const fresh = await sample(backend);
  const warm = await logins(backend, emulator, warmupLogins, connections);
  const template = await backend.call('sessionSample');
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  const start = await sample(backend);
  progress(`  start: ${mb(start.rss)} RSS, ${mb(start.heapUsed)} heap; ${amount} logins`);
  const main = await logins(backend, emulator, amount, connections);
  const justAfter = await sample(backend);
  progress(
    `  ${main.logins} logins in ${main.seconds.toFixed(0)} s; waiting ${waitMs / 1000} s past the windows`,
  );
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  const end = await sample(backend);
  const purged = await sample(backend, { purgeOneTime: true });
  return {
    warmupLogins: warm.logins,
    logins: main.logins,
    failures: warm.failures + main.failures,
    loginSeconds: main.seconds,
    waitMs,
    fresh,
    start,
    justAfter,
    end,
    afterPurgingExpiredOneTimeRecords: purged,
    rssGrowth: end.rss / start.rss - 1,
    heapGrowth: end.heapUsed / start.heapUsed - 1,
    sessionTemplate: template,
  };
}

/**
 * @param {object} options
 * @param {NodeJS.ProcessEnv} options.env the backend's environment (memory store)
 * @param {number} options.records
 * @param {unknown} options.sessionTemplate a real stored session
 */
async function measureRecords({ env, records, sessionTemplate }) {
  const child = await startChild(
    'memory-records',
    path.join(__dirname, '..', 'memory-records-child.js'),
    {
      env: {
        ...env,
        BENCH_MEMORY_RECORDS: String(records),
        BENCH_SESSION_TEMPLATE: JSON.stringify(sessionTemplate),
      },
      execArgv: ['--expose-gc'],
      timeoutMs: 120_000,
    },
  );
  const { ready: _ready, ...figures } = child.info;
  await child.stop();
  return figures;
}

/** @param {number} bytes */
function mb(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

module.exports = { measurePlateau, measureRecords };
