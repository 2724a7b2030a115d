// @ts-check
/**
 * autocannon runs, reduced to the figures the bench reports.
 * @module
 */
'use strict';

const autocannon = require('autocannon');

/**
 * @typedef {object} LoadResult
 * @property {number} requests responses received
 * @property {number} ok responses with the expected status
 * @property {Record<string, number>} statuses count per status code
 * @property {number} errors connection errors and timeouts
 * @property {number} seconds measured wall time, s
 * @property {number} rate expected-status responses per second
 * @property {number} p50 latency, ms
 * @property {number} p99 latency, ms
 * @property {boolean} poolExhausted the pre-minted paths ran out before the end (the run stopped early)
 */

/**
 * Run autocannon against `url`.
 * @param {object} options
 * @param {string} options.url origin, e.g. `http://127.0.0.1:3000`
 * @param {number} options.connections
 * @param {number} [options.duration] seconds (one of duration / amount)
 * @param {number} [options.amount] number of requests
 * @param {string} [options.path] fixed path (signed-in runs)
 * @param {string[]} [options.paths] one path per request, each used once (logins); the run stops when they run out
 * @param {Record<string, string>} [options.headers]
 * @param {number} options.expect expected status code
 * @returns {Promise<LoadResult>}
 */
function runLoad(options) {
  let next = 0;
  let poolExhausted = false;
  /** @type {import('autocannon').Instance | undefined} */
  let instance;
  const paths = options.paths;
  /** @type {import('autocannon').Request} */
  const request = { method: 'GET', path: options.path ?? '/' };
  if (paths) {
    request.setupRequest = (req) => {
      if (next >= paths.length) {
        if (!poolExhausted) {
          poolExhausted = true;
          setImmediate(() => instance?.stop());
        }
        return { ...req, path: '/healthz' };
      }
      return { ...req, path: /** @type {string} */ (paths[next++]) };
    };
  }
  return new Promise((resolve, reject) => {
    const startedAt = process.hrtime.bigint();
    instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        ...(options.amount ? { amount: options.amount } : { duration: options.duration ?? 10 }),
        headers: options.headers ?? {},
        requests: [request],
        timeout: 30,
      },
      (error, result) => {
        if (error) return reject(error);
        const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
        /** @type {Record<string, number>} */
        const statuses = {};
        for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {}))
          statuses[status] = Number(count);
        const ok = statuses[String(options.expect)] ?? 0;
        const requests = Object.values(statuses).reduce((a, b) => a + b, 0);
        resolve({
          requests,
          ok,
          statuses,
          errors: result.errors,
          seconds,
          rate: ok / seconds,
          p50: result.latency.p50,
          p99: result.latency.p99,
          poolExhausted,
        });
      },
    );
  });
}

module.exports = { runLoad };
