// @ts-check
/**
 * A signed-in request: `GET /api/session` with a valid credential cookie, at a fixed concurrency
 * for a fixed duration after a short warm-up.
 * @module
 */
'use strict';

const { runLoad } = require('../load');
const { get, postJson, cookiePair } = require('../http');
const { mintPaths } = require('./login');

/**
 * @typedef {object} RequestFigures
 * @property {number} rate answers with the expected status per second
 * @property {number} p50 ms
 * @property {number} p99 ms
 * @property {number} requests answers with the expected status in the window
 * @property {Record<string, number>} statuses
 * @property {number} errors
 * @property {number} cpuPerOpMs CPU (utime+stime) of the process(es) under test per answer, ms (NaN when not measured)
 * @property {number} cpuPerRequestMs the same (older name)
 */

/**
 * A short warm-up, then the measured window, of `GET path` with fixed headers.
 * @param {object} options
 * @param {string} options.url origin
 * @param {string} [options.path] default `/api/session`
 * @param {Record<string, string>} [options.headers]
 * @param {() => number} [options.cpuMs] CPU time of the process(es) under test, ms
 * @param {number} options.connections
 * @param {number} options.duration s
 * @param {number} options.warmup s (0: none)
 * @param {number} [options.expect] default 200
 * @returns {Promise<RequestFigures>}
 */
async function measureRequests({
  url,
  path = '/api/session',
  headers = {},
  cpuMs,
  connections,
  duration,
  warmup,
  expect = 200,
}) {
  const load = { url, path, headers, connections, expect };
  if (warmup > 0) {
    const warm = await runLoad({ ...load, duration: warmup });
    if (warm.ok === 0)
      throw new Error(
        `warm-up of ${url}${path} got no ${expect} (statuses ${JSON.stringify(warm.statuses)})`,
      );
  }
  const cpu = cpuMs?.();
  const result = await runLoad({ ...load, duration });
  const used = cpu === undefined || !cpuMs ? NaN : cpuMs() - cpu;
  const cpuPerOpMs = result.ok > 0 ? used / result.ok : NaN;
  return {
    rate: result.rate,
    p50: result.p50,
    p99: result.p99,
    requests: result.ok,
    statuses: result.statuses,
    errors: result.errors,
    cpuPerOpMs,
    cpuPerRequestMs: cpuPerOpMs,
  };
}

/**
 * A signed-in request: `GET /api/session` with a valid credential cookie, at a fixed concurrency
 * for a fixed duration after a short warm-up.
 * @param {object} options
 * @param {import('../proc').Child} options.target
 * @param {string} options.cookie `name=value`
 * @param {number} options.connections
 * @param {number} options.duration s
 * @param {number} options.warmup s
 * @returns {Promise<RequestFigures>}
 */
function measureSignedIn({ target, cookie, connections, duration, warmup }) {
  return measureRequests({
    url: target.info.url,
    headers: { cookie },
    cpuMs: () => target.cpuMs(),
    connections,
    duration,
    warmup,
  });
}

/**
 * Sign in at the backend once, through its callback: its session cookie.
 * @param {import('../proc').Child} backend
 * @param {import('../proc').Child} emulator
 * @param {string} [cookieName]
 */
async function sessionCookie(backend, emulator, cookieName = 'sso_session') {
  const [path = ''] = await mintPaths(emulator, 1);
  const res = await get(`${backend.info.url}${path}`);
  if (res.status !== 302) throw new Error(`login for the signed-in run answered ${res.status}`);
  const cookie = cookiePair(res.headers, cookieName);
  const check = await get(`${backend.info.url}/api/session`, { headers: { cookie } });
  if (check.status !== 200)
    throw new Error(`/api/session with the new session answered ${check.status}`);
  return cookie;
}

/**
 * An id_token straight from the emulator (mint + exchange), as the verify-every-request pattern keeps it.
 * @param {import('../proc').Child} emulator
 * @returns {Promise<string>} `idToken=<jwt>`
 */
async function idTokenCookie(emulator) {
  const [path = ''] = await mintPaths(emulator, 1);
  const query = new URLSearchParams(path.slice(path.indexOf('?') + 1));
  const answer = await postJson(`${emulator.info.url}/v1/integrations/sso/token`, {
    grant_type: 'authorization_code',
    code: query.get('code'),
    state: query.get('state'),
    client_id: emulator.info.clientId,
    client_secret: emulator.info.clientSecret,
  });
  return `idToken=${answer.id_token}`;
}

module.exports = { measureRequests, measureSignedIn, sessionCookie, idTokenCookie };
