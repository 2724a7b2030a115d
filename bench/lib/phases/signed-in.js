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
 * @property {number} rate 200 answers per second
 * @property {number} p50 ms
 * @property {number} p99 ms
 * @property {number} requests 200 answers in the window
 * @property {Record<string, number>} statuses
 * @property {number} errors
 * @property {number} cpuPerRequestMs target utime+stime per request, ms
 */

/**
 * @param {object} options
 * @param {import('../proc').Child} options.target
 * @param {string} options.cookie `name=value`
 * @param {number} options.connections
 * @param {number} options.duration s
 * @param {number} options.warmup s
 * @returns {Promise<RequestFigures>}
 */
async function measureSignedIn({ target, cookie, connections, duration, warmup }) {
  const load = {
    url: target.info.url,
    path: '/api/session',
    headers: { cookie },
    connections,
    expect: 200,
  };
  const warm = await runLoad({ ...load, duration: warmup });
  if (warm.ok === 0)
    throw new Error(`signed-in warm-up got no 200 (statuses ${JSON.stringify(warm.statuses)})`);
  const cpu = target.cpuMs();
  const result = await runLoad({ ...load, duration });
  const cpuMs = target.cpuMs() - cpu;
  return {
    rate: result.rate,
    p50: result.p50,
    p99: result.p99,
    requests: result.ok,
    statuses: result.statuses,
    errors: result.errors,
    cpuPerRequestMs: result.ok > 0 ? cpuMs / result.ok : NaN,
  };
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

module.exports = { measureSignedIn, sessionCookie, idTokenCookie };
