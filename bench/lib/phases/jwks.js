// @ts-check
/**
 * JWKS fetches around a key rotation: the emulator rotates its signing key (the previous key stays
 * published) and 200 logins arrive at once, each with a token signed by the new key. The backend
 * should refetch the JWKS exactly once, shared by all of them.
 * @module
 */
'use strict';

const http = require('node:http');
const { get } = require('../http');
const { mintPaths } = require('./login');

/**
 * @param {object} options
 * @param {import('../proc').Child} options.backend
 * @param {import('../proc').Child} options.emulator
 * @param {number} options.cooldownMs the backend's JWKS_COOLDOWN_MS
 * @param {number} options.lastFetchBy time (ms since epoch) by which the backend's last JWKS fetch had happened
 * @param {number} [options.concurrency]
 * @returns {Promise<{ concurrency: number, jwksFetches: number, discoveryFetches: number, statuses: Record<string, number>, waitedMs: number }>}
 */
async function measureRotation({ backend, emulator, cooldownMs, lastFetchBy, concurrency = 200 }) {
  const paths = await mintPaths(emulator, concurrency);
  // jose refetches on an unknown kid only once the cooldown since its last fetch has passed.
  const waitMs = Math.max(0, lastFetchBy + cooldownMs + 500 - Date.now());
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  const before = await emulator.call('stats');
  await emulator.call('rotateKey');
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const answers = await Promise.all(
    paths.map((path) => get(`${backend.info.url}${path}`, { agent })),
  );
  agent.destroy();
  const after = await emulator.call('stats');
  /** @type {Record<string, number>} */
  const statuses = {};
  for (const { status } of answers) statuses[status] = (statuses[status] ?? 0) + 1;
  return {
    concurrency,
    jwksFetches: after.jwksRequests - before.jwksRequests,
    discoveryFetches: after.discoveryRequests - before.discoveryRequests,
    statuses,
    waitedMs: waitMs,
  };
}

module.exports = { measureRotation };
