// @ts-check
/**
 * Memory of the backend (memory store) under many logins: RSS after 10k and after 100k logins.
 * The backend runs with short session lifetimes (expired sessions are pruned by the store) and
 * --expose-gc, so each sample is taken after a forced full GC, a few seconds after the logins.
 * @module
 */
'use strict';

const { runLoad } = require('../load');
const { mintPaths } = require('./login');

/**
 * @typedef {object} MemorySample
 * @property {number} logins total logins so far
 * @property {number} rss VmRSS before the forced GC, bytes
 * @property {number} rssAfterGc VmRSS after a forced full GC, bytes
 * @property {number} heapUsedAfterGc bytes
 * @property {number | undefined} sessions session records held (live or expired, not yet pruned)
 * @property {number | undefined} oneTimeRecords redeemed-code records held
 * @property {number} rssAfterPruneAndGc VmRSS after the session store's prune (which runs every 60 s anyway) and a GC, bytes
 * @property {number} heapUsedAfterPruneAndGc bytes
 * @property {number | undefined} sessionsAfterPrune
 */

/**
 * @param {object} options
 * @param {import('../proc').Child} options.backend started with --expose-gc and short lifetimes
 * @param {import('../proc').Child} options.emulator
 * @param {number} options.connections
 * @param {number[]} options.checkpoints cumulative login counts at which to sample, e.g. [10000, 100000]
 * @param {number} options.settleMs pause after each batch before sampling
 * @returns {Promise<{ samples: MemorySample[], startRss: number, seconds: number, failures: number }>}
 */
async function measureMemory({ backend, emulator, connections, checkpoints, settleMs }) {
  const startRss = backend.rssBytes();
  /** @type {MemorySample[]} */
  const samples = [];
  let done = 0;
  let failures = 0;
  let seconds = 0;
  for (const checkpoint of checkpoints) {
    const amount = checkpoint - done;
    const paths = await mintPaths(emulator, amount);
    const result = await runLoad({
      url: backend.info.url,
      connections,
      amount,
      paths,
      expect: 302,
    });
    seconds += result.seconds;
    failures += result.requests - result.ok + result.errors;
    done = checkpoint;
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const rss = backend.rssBytes();
    const gc = await backend.call('memory', { gc: true });
    const rssAfterGc = backend.rssBytes();
    const pruned = await backend.call('memory', { gc: true, pruneSessions: true });
    samples.push({
      logins: done,
      rss,
      rssAfterGc,
      heapUsedAfterGc: gc.heapUsed,
      sessions: gc.sessions,
      oneTimeRecords: gc.oneTimeRecords,
      rssAfterPruneAndGc: backend.rssBytes(),
      heapUsedAfterPruneAndGc: pruned.heapUsed,
      sessionsAfterPrune: pruned.sessions,
    });
  }
  return { samples, startRss, seconds, failures };
}

module.exports = { measureMemory };
