// @ts-check
/**
 * Starting the processes under test: the emulator, the SSO backend (memory or Redis store) and the
 * baselines, each in its own child process so that /proc attributes CPU time to it.
 * @module
 */
'use strict';

const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { startChild } = require('./proc');

const BENCH_DIR = path.resolve(__dirname, '..');

/** @returns {Promise<import('./proc').Child>} */
function startEmulator() {
  return startChild('emulator', path.join(__dirname, 'emulator-child.js'), {
    env: { NODE_ENV: 'development' },
  });
}

/**
 * Environment of a bench backend: the production entry's configuration pointed at the emulator,
 * logging at `info` (to /dev/null), the callback rate limit out of the way.
 * @param {import('./proc').Child} emulator
 * @param {Record<string, string>} [extra] overrides (REDIS_URL, lifetimes, …)
 * @returns {NodeJS.ProcessEnv}
 */
function backendEnv(emulator, extra = {}) {
  const url = emulator.info.url;
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_URL: 'http://localhost:3000',
    INTEGRATION_CLIENT_ID: emulator.info.clientId,
    INTEGRATION_CLIENT_SECRET: emulator.info.clientSecret,
    INTEGRATION_SLUG: 'acme-provider',
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    VERCEL_API_URL: url,
    VERCEL_ISSUER: url,
    VERCEL_SSO_URL: url,
    LOG_LEVEL: 'info',
    JWKS_COOLDOWN_MS: '5000',
    RATE_LIMIT_CALLBACK_MAX: '1000000000',
    REDIS_URL: '',
    ...extra,
  };
}

/**
 * @param {import('./proc').Child} emulator
 * @param {{ env?: Record<string, string>, execArgv?: string[], name?: string }} [options]
 */
function startBackend(emulator, options = {}) {
  return startChild(options.name ?? 'backend', path.join(__dirname, 'backend-child.js'), {
    env: backendEnv(emulator, options.env),
    execArgv: options.execArgv,
  });
}

/**
 * @param {'baseline-login' | 'baseline-express' | 'baseline-verify-every-request'} name
 * @param {import('./proc').Child} emulator
 */
function startBaseline(name, emulator) {
  return startChild(name, path.join(BENCH_DIR, `${name}.js`), {
    env: {
      EMULATOR_URL: emulator.info.url,
      CLIENT_ID: emulator.info.clientId,
      CLIENT_SECRET: emulator.info.clientSecret,
    },
  });
}

module.exports = { startEmulator, startBackend, startBaseline, backendEnv };
