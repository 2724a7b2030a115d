// @ts-check
/**
 * Login throughput: `GET /callback?mode=sso&code&state&resource_id` with a fresh, pre-minted code
 * per request (the emulator mints them before the window; autocannon's setupRequest hands one
 * to each request), at a fixed concurrency for a fixed duration, after a short warm-up.
 * @module
 */
'use strict';

const { runLoad } = require('../load');

/** Codes minted per IPC message. */
const MINT_CHUNK = 10_000;

/**
 * Pre-mint `n` callback paths at the emulator.
 * @param {import('../proc').Child} emulator
 * @param {number} n
 * @param {string} [callbackPath]
 * @returns {Promise<string[]>}
 */
async function mintPaths(emulator, n, callbackPath = '/callback') {
  /** @type {string[]} */
  const out = [];
  while (out.length < n) {
    const queries = /** @type {string[]} */ (
      await emulator.call('mint', { n: Math.min(MINT_CHUNK, n - out.length) })
    );
    for (const query of queries) out.push(`${callbackPath}?${query}`);
  }
  return out;
}

/**
 * @typedef {object} LoginFigures
 * @property {number} rate logins per second (302 answers)
 * @property {number} p50 ms
 * @property {number} p99 ms
 * @property {number} logins 302 answers in the window
 * @property {Record<string, number>} statuses
 * @property {number} errors
 * @property {number} seconds
 * @property {number} cpuPerLoginMs backend utime+stime per login, ms
 * @property {number} cpuPerOpMs the same (the name every row shares)
 * @property {number} backendCpuShare backend CPU time / wall time (1 = one core)
 * @property {number} emulatorCpuShare emulator CPU time / wall time
 * @property {number} jwksFetches JWKS requests the emulator served in the window
 * @property {number} tokenRequests token requests the emulator served in the window
 * @property {boolean} poolExhausted
 * @property {number} startedAt start of the measured window, ms since epoch
 */

/**
 * @param {object} options
 * @param {import('../proc').Child} options.target backend or baseline
 * @param {import('../proc').Child} options.emulator
 * @param {number} options.connections
 * @param {number} options.duration measured window, s
 * @param {number} options.warmup warm-up, s (also sizes the code pool of the window)
 * @param {number} [options.expectedRate] logins/s seen before (an earlier round): sizes the pool
 * @returns {Promise<LoginFigures>}
 */
async function measureLogin({ target, emulator, connections, duration, warmup, expectedRate }) {
  const url = target.info.url;
  // Warm-up: JIT, connections, the JWKS fetch. Its rate sizes the pool of the measured window.
  const warm = await runLoad({
    url,
    connections,
    duration: warmup,
    paths: await mintPaths(emulator, Math.ceil(warmup * Math.max(3000, (expectedRate ?? 0) * 2))),
    expect: 302,
  });
  if (warm.ok === 0)
    throw new Error(`login warm-up got no 302 (statuses ${JSON.stringify(warm.statuses)})`);
  // Generous: the window often runs faster than its warm-up (JIT, a warm JWKS cache).
  const paths = await mintPaths(
    emulator,
    expectedRate
      ? Math.ceil(Math.max(warm.rate, expectedRate) * duration * 1.6) + 1000
      : Math.ceil(warm.rate * duration * 2.5) + 5000,
  );

  const statsBefore = await emulator.call('stats');
  const startedAt = Date.now();
  const targetCpu = target.cpuMs();
  const emulatorCpu = emulator.cpuMs();
  const result = await runLoad({ url, connections, duration, paths, expect: 302 });
  const targetCpuMs = target.cpuMs() - targetCpu;
  const emulatorCpuMs = emulator.cpuMs() - emulatorCpu;
  const statsAfter = await emulator.call('stats');

  return {
    rate: result.rate,
    p50: result.p50,
    p99: result.p99,
    logins: result.ok,
    statuses: result.statuses,
    errors: result.errors,
    seconds: result.seconds,
    cpuPerLoginMs: result.ok > 0 ? targetCpuMs / result.ok : NaN,
    cpuPerOpMs: result.ok > 0 ? targetCpuMs / result.ok : NaN,
    backendCpuShare: targetCpuMs / 1000 / result.seconds,
    emulatorCpuShare: emulatorCpuMs / 1000 / result.seconds,
    jwksFetches: statsAfter.jwksRequests - statsBefore.jwksRequests,
    tokenRequests: statsAfter.tokenRequests - statsBefore.tokenRequests,
    poolExhausted: result.poolExhausted,
    startedAt,
  };
}

module.exports = { measureLogin, mintPaths };
