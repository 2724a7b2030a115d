// @ts-check
/**
 * `npm run bench`: logins per second and the cost of a signed-in request, beside baselines, in
 * one run. Every process under test (the emulator in bench mode, each backend, each baseline)
 * runs in its own child process; autocannon runs here. Prints a markdown table and writes the
 * same figures to bench/results/latest.json (and latest.md).
 *
 * Time budget: 100,000 logins take more than half of the run (about 1.3 ms of backend CPU each),
 * so the other windows are short: 8 s per login row and 4 s per signed-in row. When a target is
 * missed, a fresh memory-store backend runs with `node --cpu-prof` under that load (login or
 * signed-in) for BENCH_PROFILE_SECONDS, and the top functions by self time are printed.
 *
 * Environment (for quick runs while developing; the defaults are the reported configuration):
 * BENCH_CONNECTIONS (16), BENCH_LOGIN_SECONDS (8), BENCH_SIGNED_IN_SECONDS (4),
 * BENCH_WARMUP_SECONDS (2; 1 at most for signed-in rows), BENCH_MEMORY_LOGINS ("10000,100000";
 * "0" skips the memory rows), BENCH_PROFILE ("auto": profile when a target is missed; "always";
 * "never"), BENCH_PROFILE_SECONDS (5), REDIS_URL (redis://127.0.0.1:6379).
 * @module
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { startEmulator, startBackend, startBaseline } = require('./lib/backends');
const { measureLogin } = require('./lib/phases/login');
const { measureSignedIn, sessionCookie, idTokenCookie } = require('./lib/phases/signed-in');
const { measureRotation } = require('./lib/phases/jwks');
const { measureMemory } = require('./lib/phases/memory');
const { probeRedis, deletePrefix } = require('./lib/redis');
const { machineInfo, loadAverage } = require('./lib/machine');
const { evaluateTargets, markdown } = require('./lib/report');
const { summariseProfile, profileTable } = require('./profile-summary');

const RESULTS_DIR = path.join(__dirname, 'results');
const PROFILE_DIR = path.join(RESULTS_DIR, 'profile');

/**
 * @param {string} name
 * @param {number} fallback
 */
function numberEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a non-negative number`);
  return value;
}

const settings = {
  connections: numberEnv('BENCH_CONNECTIONS', 16),
  loginSeconds: numberEnv('BENCH_LOGIN_SECONDS', 8),
  signedInSeconds: numberEnv('BENCH_SIGNED_IN_SECONDS', 4),
  warmupSeconds: numberEnv('BENCH_WARMUP_SECONDS', 2),
  memoryLogins: (process.env.BENCH_MEMORY_LOGINS ?? '10000,100000')
    .split(',')
    .map(Number)
    .filter((n) => n > 0),
  profile: process.env.BENCH_PROFILE ?? 'auto',
  profileSeconds: numberEnv('BENCH_PROFILE_SECONDS', 5),
  memorySettleMs: 2000,
  jwksCooldownMs: 5000,
  rotationConcurrency: 200,
};

const startedAt = Date.now();
/** @param {string} message */
function progress(message) {
  process.stderr.write(
    `[bench ${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)} s] ${message}\n`,
  );
}

/** @type {import('./lib/proc').Child[]} */
const running = [];

/**
 * Start a child, remember it for clean-up, run `body`, stop it.
 * @template T
 * @param {Promise<import('./lib/proc').Child>} starting
 * @param {(child: import('./lib/proc').Child) => Promise<T>} body
 * @returns {Promise<T>}
 */
async function withChild(starting, body) {
  const child = await starting;
  running.push(child);
  try {
    return await body(child);
  } finally {
    await child.stop();
    running.splice(running.indexOf(child), 1);
  }
}

async function main() {
  const redis = await probeRedis();
  const machine = machineInfo('version' in redis ? redis.version : undefined);
  /** @type {string[]} */
  const notes = [];
  const loadAtStart = loadAverage();
  progress(
    `load average ${loadAtStart.toFixed(2)}; ${machine.nproc} cores, ${machine.cpuModel}, Node ${machine.node}, Redis ${machine.redis}`,
  );
  fs.mkdirSync(RESULTS_DIR, { recursive: true });

  const emulator = await startEmulator();
  running.push(emulator);
  const loginOptions = {
    emulator,
    connections: settings.connections,
    duration: settings.loginSeconds,
    warmup: settings.warmupSeconds,
  };
  const signedInOptions = {
    connections: settings.connections,
    duration: settings.signedInSeconds,
    warmup: Math.min(1, settings.warmupSeconds),
  };

  /** @type {any} */
  const login = {};
  /** @type {any} */
  const signedIn = {};
  /** @type {any} */
  const jwks = {};

  progress('backend, memory store: logins');
  await withChild(startBackend(emulator, { name: 'backend-memory' }), async (backend) => {
    login.memory = await measureLogin({ target: backend, ...loginOptions });
    progress(
      `  ${Math.round(login.memory.rate)} logins/s; key rotation with ${settings.rotationConcurrency} concurrent logins`,
    );
    // The window starts after the warm-up's JWKS fetch; a fetch inside the window happened before its end.
    const lastFetchBy = login.memory.jwksFetches > 0 ? Date.now() : login.memory.startedAt;
    jwks.rotation = await measureRotation({
      backend,
      emulator,
      cooldownMs: settings.jwksCooldownMs,
      lastFetchBy,
      concurrency: settings.rotationConcurrency,
    });
    progress('  signed-in requests');
    signedIn.memory = await measureSignedIn({
      target: backend,
      cookie: await sessionCookie(backend, emulator),
      ...signedInOptions,
    });
  });

  if ('version' in redis) {
    const prefix = `vms-bench-${process.pid}-${Date.now()}:`;
    progress(`backend, Redis store (${redis.url}, prefix ${prefix}): logins`);
    try {
      await withChild(
        startBackend(emulator, {
          name: 'backend-redis',
          env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix },
        }),
        async (backend) => {
          login.redis = await measureLogin({ target: backend, ...loginOptions });
          progress('  signed-in requests');
          signedIn.redis = await measureSignedIn({
            target: backend,
            cookie: await sessionCookie(backend, emulator),
            ...signedInOptions,
          });
        },
      );
    } finally {
      const deleted = await deletePrefix(prefix).catch((error) => {
        notes.push(`Could not delete the Redis keys under ${prefix}: ${error.message}`);
        return 0;
      });
      progress(`  deleted ${deleted} Redis keys`);
    }
  } else {
    const note = `Redis rows skipped: Redis not reachable at ${redis.url} (${redis.error}).`;
    notes.push(note);
    progress(note);
  }

  progress('baseline login (node:http)');
  await withChild(startBaseline('baseline-login', emulator), async (baseline) => {
    login.baseline = await measureLogin({ target: baseline, ...loginOptions });
  });
  progress('baseline: bare express');
  await withChild(startBaseline('baseline-express', emulator), async (baseline) => {
    signedIn.express = await measureSignedIn({
      target: baseline,
      cookie: 'unused=1',
      ...signedInOptions,
    });
  });
  progress('baseline: verify the id_token on every request');
  await withChild(startBaseline('baseline-verify-every-request', emulator), async (baseline) => {
    signedIn.verifyEveryRequest = await measureSignedIn({
      target: baseline,
      cookie: await idTokenCookie(emulator),
      ...signedInOptions,
    });
  });

  const steadyLogins = [login.memory, login.redis].filter(Boolean);
  jwks.steadyState = {
    fetches: steadyLogins.reduce((a, f) => a + f.jwksFetches, 0),
    logins: steadyLogins.reduce((a, f) => a + f.logins, 0),
  };
  jwks.steadyState.perLogin = jwks.steadyState.fetches / jwks.steadyState.logins;

  /** @type {any} */
  const results = {
    startedAt: new Date(startedAt).toISOString(),
    machine,
    settings,
    login,
    signedIn,
    jwks,
    memory: null,
    notes,
    profiles: [],
  };
  // Targets of the rate rows are known now: they decide what gets profiled.
  const early = evaluateTargets(results);
  const missed = (/** @type {string} */ area) =>
    early.some((t) => t.area === area && t.pass === false);
  const profileLogin =
    settings.profile === 'always' || (settings.profile === 'auto' && missed('login'));
  const profileSignedIn =
    settings.profile === 'always' || (settings.profile === 'auto' && missed('signed-in'));
  if (profileLogin || profileSignedIn) {
    fs.rmSync(PROFILE_DIR, { recursive: true, force: true });
    fs.mkdirSync(PROFILE_DIR, { recursive: true });
  }

  if (settings.memoryLogins.length >= 2) {
    const checkpoints = settings.memoryLogins;
    progress(`backend, memory store, 5 s session lifetimes: ${checkpoints.join(' / ')} logins`);
    results.memory = await withChild(
      startBackend(emulator, {
        name: 'backend-memory-rss',
        execArgv: ['--expose-gc'],
        env: { SESSION_IDLE_TIMEOUT_SECONDS: '5', SESSION_ABSOLUTE_TIMEOUT_SECONDS: '5' },
      }),
      (backend) =>
        measureMemory({
          backend,
          emulator,
          connections: settings.connections,
          checkpoints,
          settleMs: settings.memorySettleMs,
        }),
    );
    progress(
      `  ${checkpoints[checkpoints.length - 1]} logins in ${results.memory.seconds.toFixed(0)} s`,
    );
    if (results.memory.failures > 0)
      notes.push(`Memory rows: ${results.memory.failures} logins did not answer 302.`);
  }
  for (const load of /** @type {const} */ (['login', 'signed-in'])) {
    if (!(load === 'login' ? profileLogin : profileSignedIn)) continue;
    progress(`CPU profile of the backend (memory store) under the ${load} load`);
    results.profiles.push(await profileBackend(emulator, load, signedInOptions));
  }

  for (const f of [login.memory, login.redis, login.baseline]) {
    if (f?.poolExhausted)
      notes.push(
        `A login row (${f === login.baseline ? 'baseline' : f === login.redis ? 'Redis' : 'memory'}) ran out of pre-minted codes before the end of its window; requests after that went to another path.`,
      );
  }
  for (const [name, f] of Object.entries({ ...login, ...signedIn })) {
    if (f && (f.errors > 0 || Object.keys(f.statuses).length > 1))
      notes.push(`${name}: statuses ${JSON.stringify(f.statuses)}, ${f.errors} connection errors.`);
  }
  results.targets = evaluateTargets(results);

  results.loadAverage = { start: loadAtStart, end: loadAverage() };
  results.seconds = (Date.now() - startedAt) / 1000;
  let text = `## npm run bench\n\n${markdown(results)}\n`;
  for (const p of results.profiles) {
    text += `\nCPU profile of a memory-store backend under the ${p.load} load (${p.rate} ${p.load === 'login' ? 'logins' : 'requests'}/s while profiled; \`${p.file}\`): top ${p.summary.rows.length} functions and areas by self time, shares of the ${(p.summary.totalMs - p.summary.idleMs).toFixed(0)} ms busy (${p.summary.idleMs.toFixed(0)} ms more idle):\n\n${profileTable(p.summary)}\n`;
  }
  text += `\nMachine: ${machine.nproc} cores, ${machine.cpuModel}, Node ${machine.node}, Redis ${machine.redis}. Load average ${results.loadAverage.start.toFixed(2)} at start, ${results.loadAverage.end.toFixed(2)} at end; ${results.seconds.toFixed(0)} s in all.\n`;
  for (const note of notes) text += `\nNote: ${note}\n`;
  fs.writeFileSync(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(RESULTS_DIR, 'latest.md'), text);
  process.stdout.write(text);
  progress(
    `done; figures in ${path.relative(process.cwd(), path.join(RESULTS_DIR, 'latest.json'))}`,
  );
}

/**
 * Profile a fresh memory-store backend (`node --cpu-prof`) under the login or signed-in load.
 * @param {import('./lib/proc').Child} emulator
 * @param {'login' | 'signed-in'} load
 * @param {{ connections: number, warmup: number }} signedInOptions
 */
async function profileBackend(emulator, load, signedInOptions) {
  const name = `${load}-${Date.now()}.cpuprofile`;
  let skipMs = 0;
  const rate = await withChild(
    startBackend(emulator, {
      name: `backend-profile-${load}`,
      execArgv: ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${name}`],
    }),
    async (backend) => {
      skipMs = backend.info.uptimeMs ?? 0;
      if (load === 'login') {
        const f = await measureLogin({
          target: backend,
          emulator,
          connections: settings.connections,
          duration: settings.profileSeconds,
          warmup: 1,
        });
        return Math.round(f.rate);
      }
      const f = await measureSignedIn({
        target: backend,
        cookie: await sessionCookie(backend, emulator),
        ...signedInOptions,
        duration: settings.profileSeconds,
      });
      return Math.round(f.rate);
    },
  );
  const file = path.join(PROFILE_DIR, name);
  return {
    load,
    rate,
    file: path.relative(path.resolve(__dirname, '..'), file),
    summary: summariseProfile(file, 15, skipMs),
  };
}

main()
  .catch((error) => {
    process.stderr.write(`bench failed: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const child of running.splice(0).reverse()) await child.stop().catch(() => undefined);
  });
