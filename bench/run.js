// @ts-check
/**
 * `npm run bench`: logins per second and the cost of a signed-in request, beside baselines, a peer
 * (express-openid-connect) and the sidecar's rows, in interleaved rounds; then the memory model.
 *
 * Method: every process under test (the emulator in bench mode, each backend, each baseline, the
 * peer, nginx) is started once and kept running; autocannon runs here. Each round measures every
 * row once, in the same order (A B C … A B C …), each after a short warm-up of its own, so that
 * load from elsewhere on the machine spreads over all rows instead of landing on one. The table
 * shows each figure's median and min–max across rounds; each ratio is computed per round from that
 * round's rows, and its median and min–max are reported with a verdict: "met" when every round
 * meets the target, "missed" when none does, "unclear" when the range crosses it. Then: the JWKS
 * check after a key rotation, the memory model (lib/phases/memory.js), and, when a rate target
 * is missed, a CPU profile of a fresh memory-store backend under that load.
 * Prints a markdown report; writes bench/results/latest.json (and latest.md).
 *
 * `node bench/run.js --only=sidecar` (`npm run bench:sidecar`) runs only the sidecar's rows and
 * the bare express row they are compared with; no memory model, JWKS check or profile.
 *
 * Environment (the defaults are the reported configuration): BENCH_ROUNDS (3), BENCH_CONNECTIONS
 * (16), BENCH_LOGIN_SECONDS (3), BENCH_SIGNED_IN_SECONDS (3; every non-login row),
 * BENCH_WARMUP_SECONDS (1, before every window), BENCH_PLATEAU_LOGINS (100000; 0 skips the
 * memory model), BENCH_PLATEAU_WARMUP_LOGINS (5000), BENCH_MEMORY_RECORDS (20000), BENCH_PROFILE
 * ("auto": profile when a target is missed; "always"; "never"), BENCH_PROFILE_SECONDS (5),
 * REDIS_URL (redis://127.0.0.1:6379).
 * @module
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { generateKeyPairSync } = require('node:crypto');
const { startEmulator, startBackend, startBaseline, backendEnv } = require('./lib/backends');
const { measureLogin } = require('./lib/phases/login');
const {
  measureRequests,
  measureSignedIn,
  sessionCookie,
  idTokenCookie,
} = require('./lib/phases/signed-in');
const { measureRotation } = require('./lib/phases/jwks');
const { measurePlateau, measureRecords } = require('./lib/phases/memory');
const { startPeer } = require('./lib/peer');
const { hasNginx, startNginx } = require('./lib/nginx');
const { probeRedis, deletePrefix } = require('./lib/redis');
const { machineInfo, loadAverage } = require('./lib/machine');
const { spread, evaluateRatios } = require('./lib/stats');
const { RATIOS } = require('./lib/ratios');
const { memoryChecks, markdown } = require('./lib/report');
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

const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
if (only !== undefined && only !== 'sidecar') throw new Error('--only takes "sidecar"');

const settings = {
  only: only ?? 'all',
  rounds: Math.max(1, Math.round(numberEnv('BENCH_ROUNDS', 3))),
  connections: numberEnv('BENCH_CONNECTIONS', 16),
  loginSeconds: numberEnv('BENCH_LOGIN_SECONDS', 3),
  signedInSeconds: numberEnv('BENCH_SIGNED_IN_SECONDS', 3),
  warmupSeconds: numberEnv('BENCH_WARMUP_SECONDS', 1),
  plateauLogins: only ? 0 : numberEnv('BENCH_PLATEAU_LOGINS', 100_000),
  plateauWarmupLogins: numberEnv('BENCH_PLATEAU_WARMUP_LOGINS', 5000),
  memoryRecords: numberEnv('BENCH_MEMORY_RECORDS', 20_000),
  // Shortened retention windows of the plateau backend, s and ms.
  plateauSessionSeconds: 5,
  plateauPruneMs: 2000,
  plateauRedeemedCodeTtlMs: 5000,
  profile: only ? 'never' : (process.env.BENCH_PROFILE ?? 'auto'),
  profileSeconds: numberEnv('BENCH_PROFILE_SECONDS', 5),
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

/** @type {{ stop: () => Promise<void> }[]} */
const running = [];
/**
 * @template {{ stop: () => Promise<void> }} T
 * @param {Promise<T>} starting
 * @returns {Promise<T>}
 */
async function keep(starting) {
  const child = await starting;
  running.push(child);
  return child;
}
/** @param {{ stop: () => Promise<void> }} child */
async function stopKept(child) {
  await child.stop();
  running.splice(running.indexOf(child), 1);
}

/**
 * @typedef {object} Row
 * @property {string} id
 * @property {'login' | 'signed-in' | 'sidecar'} group
 * @property {string} label
 * @property {string} what
 * @property {(round: number, previous: any) => Promise<any>} measure
 */

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
  const full = settings.only === 'all';
  const window = {
    connections: settings.connections,
    duration: settings.signedInSeconds,
    warmup: settings.warmupSeconds,
  };

  progress('starting every process under test');
  const emulator = await keep(startEmulator());
  /** @type {Row[]} */
  const rows = [];
  const redisPrefix = `vms-bench-${process.pid}-${Date.now()}:`;
  /** @type {import('./lib/proc').Child | undefined} the backend of the rotation check */
  let rotationBackend;

  if (full) {
    const memory = await keep(startBackend(emulator, { name: 'backend-memory' }));
    const redisBackend =
      'version' in redis
        ? await keep(
            startBackend(emulator, {
              name: 'backend-redis',
              env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redisPrefix },
            }),
          )
        : undefined;
    if ('error' in redis)
      notes.push(`Redis rows skipped: Redis not reachable at ${redis.url} (${redis.error}).`);
    const baselineLogin = await keep(startBaseline('baseline-login', emulator));
    const verify = await keep(startBaseline('baseline-verify-every-request', emulator));
    progress('  express-openid-connect: signing in through a local oidc-provider');
    const peer = await startPeer().catch((error) => {
      notes.push(`express-openid-connect row skipped: its login failed (${error.message}).`);
      return undefined;
    });
    if (peer) running.push(peer.child);
    const memoryCookie = await sessionCookie(memory, emulator);
    const redisCookie = redisBackend ? await sessionCookie(redisBackend, emulator) : '';

    /** @param {import('./lib/proc').Child} target */
    const loginRow = (target) => (/** @type {number} */ _round, /** @type {any} */ previous) =>
      measureLogin({
        target,
        emulator,
        connections: settings.connections,
        duration: settings.loginSeconds,
        warmup: settings.warmupSeconds,
        expectedRate: previous?.rate,
      });
    rows.push({
      id: 'login-memory',
      group: 'login',
      label: 'login · memory store',
      what: 'full /callback: exchange, jose, session, 302',
      measure: loginRow(memory),
    });
    if (redisBackend)
      rows.push({
        id: 'login-redis',
        group: 'login',
        label: 'login · Redis store',
        what: 'same, sessions/one-time/rate limits in Redis',
        measure: loginRow(redisBackend),
      });
    rows.push({
      id: 'login-baseline',
      group: 'login',
      label: 'login · baseline',
      what: 'bare node:http: exchange, jose, Map, 302',
      measure: loginRow(baselineLogin),
    });
    rows.push({
      id: 'signed-in-memory',
      group: 'signed-in',
      label: 'signed-in · memory store',
      what: 'GET /api/session, full middleware stack',
      measure: () => measureSignedIn({ target: memory, cookie: memoryCookie, ...window }),
    });
    if (redisBackend)
      rows.push({
        id: 'signed-in-redis',
        group: 'signed-in',
        label: 'signed-in · Redis store',
        what: 'same, session in Redis',
        measure: () => measureSignedIn({ target: redisBackend, cookie: redisCookie, ...window }),
      });
    rows.push({
      id: 'verify-every-request',
      group: 'signed-in',
      label: 'signed-in · verify every request',
      what: 'id_token cookie, jose-verified per request',
      // A fresh id_token each round: the emulator's expire.
      measure: async () =>
        measureSignedIn({ target: verify, cookie: await idTokenCookie(emulator), ...window }),
    });
    if (peer)
      rows.push({
        id: 'express-openid-connect',
        group: 'signed-in',
        label: 'signed-in · express-openid-connect',
        what: 'peer: requiresAuth(), encrypted appSession cookie',
        measure: () => measureSignedIn({ target: peer.child, cookie: peer.cookie, ...window }),
      });
    rotationBackend = memory;
  }

  const express = await keep(startBaseline('baseline-express', emulator));
  rows.push({
    id: 'express',
    group: 'signed-in',
    label: 'bare express',
    what: "express hello-world, no middleware (also the sidecar rows' upstream)",
    measure: () => measureSignedIn({ target: express, cookie: 'unused=1', ...window }),
  });

  // The sidecar's rows: forward-auth, nginx with and without auth_request, upstream mode.
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
  const sidecar = await keep(
    startBackend(emulator, {
      name: 'sidecar',
      env: { SIDECAR_ENABLED: 'true', ASSERTION_SIGNING_KEY: key },
    }),
  );
  const proxying = await keep(
    startBackend(emulator, {
      name: 'sidecar-upstream',
      env: { UPSTREAM_URL: express.info.url, ASSERTION_SIGNING_KEY: key },
    }),
  );
  const sidecarCookie = await sessionCookieAt(sidecar, emulator, '/_sso/callback');
  const proxyingCookie = await sessionCookieAt(proxying, emulator, '/_sso/callback');
  rows.push({
    id: 'sidecar-auth',
    group: 'sidecar',
    label: 'sidecar · GET /_sso/auth',
    what: 'forward-auth check, signed in (CPU: the sidecar)',
    measure: () =>
      measureRequests({
        url: sidecar.info.url,
        path: '/_sso/auth',
        headers: { cookie: sidecarCookie },
        cpuMs: () => sidecar.cpuMs(),
        ...window,
      }),
  });
  const nginx = hasNginx()
    ? await keep(
        startNginx(
          sidecar.info.url.replace('http://', ''),
          express.info.url.replace('http://', ''),
        ),
      )
    : undefined;
  if (nginx) {
    rows.push({
      id: 'nginx-plain',
      group: 'sidecar',
      label: 'nginx → upstream, no auth',
      what: 'nginx (1 worker) proxying to bare express (CPU: nginx)',
      measure: () =>
        measureRequests({ url: nginx.plainUrl, cpuMs: () => nginx.cpuMs(), ...window }),
    });
    rows.push({
      id: 'nginx-auth',
      group: 'sidecar',
      label: 'nginx auth_request → sidecar → upstream',
      what: 'examples/sidecar/nginx.conf.template (CPU: nginx + sidecar)',
      measure: () =>
        measureRequests({
          url: nginx.authUrl,
          headers: { cookie: sidecarCookie },
          cpuMs: () => nginx.cpuMs() + sidecar.cpuMs(),
          ...window,
        }),
    });
  } else {
    notes.push('nginx rows skipped: no nginx on PATH (apt-get install nginx-light).');
  }
  rows.push({
    id: 'upstream-mode',
    group: 'sidecar',
    label: 'sidecar · upstream mode',
    what: 'the sidecar proxies to bare express (CPU: the sidecar)',
    measure: () =>
      measureRequests({
        url: proxying.info.url,
        headers: { cookie: proxyingCookie, accept: 'application/json' },
        cpuMs: () => proxying.cpuMs(),
        ...window,
      }),
  });

  // The rounds.
  /** @type {Record<string, any[]>} */
  const figures = Object.fromEntries(rows.map((r) => [r.id, []]));
  for (let round = 0; round < settings.rounds; round += 1) {
    progress(`round ${round + 1} of ${settings.rounds} (load average ${loadAverage().toFixed(2)})`);
    for (const row of rows) {
      const previous = figures[row.id]?.[round - 1];
      try {
        const f = await row.measure(round, previous);
        figures[row.id]?.push(f);
        progress(
          `  ${row.label}: ${Math.round(f.rate)}/s, p99 ${f.p99} ms, ${Number.isFinite(f.cpuPerOpMs) ? `${f.cpuPerOpMs.toFixed(3)} ms CPU/op` : 'CPU not measured'}`,
        );
      } catch (error) {
        figures[row.id]?.push(null);
        const message = `${row.label}, round ${round + 1}: ${/** @type {Error} */ (error).message}`;
        notes.push(message);
        progress(`  FAILED ${message}`);
      }
    }
  }

  /** @type {Record<string, any>} */
  const rowResults = {};
  for (const row of rows) {
    const rounds = figures[row.id] ?? [];
    const of = (/** @type {string} */ key) => rounds.map((f) => (f ? f[key] : NaN));
    rowResults[row.id] = {
      id: row.id,
      group: row.group,
      label: row.label,
      what: row.what,
      rounds,
      summary: {
        rate: spread(of('rate')),
        p50: spread(of('p50')),
        p99: spread(of('p99')),
        cpuPerOpMs: spread(of('cpuPerOpMs')),
        ...(row.group === 'login' ? { emulatorCpuShare: spread(of('emulatorCpuShare')) } : {}),
      },
    };
  }
  const ratios = evaluateRatios(
    full ? RATIOS : RATIOS.filter((r) => r.area === 'sidecar'),
    rowResults,
  );

  /** @type {any} */
  const results = {
    startedAt: new Date(startedAt).toISOString(),
    machine,
    settings,
    rowOrder: rows.map((r) => r.id),
    rows: rowResults,
    ratios,
    jwks: null,
    memory: null,
    checks: [],
    notes,
    profiles: [],
  };

  if (rotationBackend) {
    const steady = ['login-memory', 'login-redis'].flatMap((id) =>
      (rowResults[id]?.rounds ?? []).filter(Boolean),
    );
    const lastFetchBy = Date.now(); // the rounds are long past the backends' first JWKS fetch
    progress(`key rotation with ${settings.rotationConcurrency} concurrent logins`);
    results.jwks = {
      rotation: await measureRotation({
        backend: rotationBackend,
        emulator,
        cooldownMs: settings.jwksCooldownMs,
        lastFetchBy: lastFetchBy - settings.jwksCooldownMs,
        concurrency: settings.rotationConcurrency,
      }),
      steadyState: {
        fetches: steady.reduce((a, f) => a + f.jwksFetches, 0),
        logins: steady.reduce((a, f) => a + f.logins, 0),
      },
    };
    const rot = results.jwks.rotation;
    results.checks.push(
      {
        name: `JWKS fetches for ${rot.concurrency} concurrent logins after a key rotation`,
        goal: 'exactly 1',
        measured: `${rot.jwksFetches} (answers: ${Object.entries(rot.statuses)
          .map(([s, n]) => `${n} × ${s}`)
          .join(', ')})`,
        verdict: rot.jwksFetches === 1 ? 'met' : 'missed',
      },
      {
        name: 'JWKS fetches per login, steady state (login rows)',
        goal: '0',
        measured: `${results.jwks.steadyState.fetches} in ${results.jwks.steadyState.logins.toLocaleString('en-US')} logins`,
        verdict: results.jwks.steadyState.fetches === 0 ? 'met' : 'missed',
      },
    );
  }

  // Stop the rate rows' processes before the memory model: it wants the cores to itself.
  for (const child of running.splice(1).reverse()) await child.stop().catch(() => undefined);
  if ('version' in redis && full) {
    const deleted = await deletePrefix(redisPrefix).catch((error) => {
      notes.push(`Could not delete the Redis keys under ${redisPrefix}: ${error.message}`);
      return 0;
    });
    progress(`deleted ${deleted} Redis keys`);
  }

  if (full && settings.plateauLogins > 0) {
    const s = settings;
    const env = {
      SESSION_IDLE_TIMEOUT_SECONDS: String(s.plateauSessionSeconds),
      SESSION_ABSOLUTE_TIMEOUT_SECONDS: String(s.plateauSessionSeconds),
      BENCH_SESSION_PRUNE_MS: String(s.plateauPruneMs),
      BENCH_REDEEMED_CODE_TTL_MS: String(s.plateauRedeemedCodeTtlMs),
      BENCH_OWN_STORES: '1',
    };
    progress(
      `memory plateau: ${s.plateauSessionSeconds} s sessions, ${s.plateauRedeemedCodeTtlMs / 1000} s redeemed codes, ${s.plateauPruneMs / 1000} s prune; ${s.plateauWarmupLogins} + ${s.plateauLogins} logins`,
    );
    const backend = await keep(
      startBackend(emulator, { name: 'backend-memory-plateau', execArgv: ['--expose-gc'], env }),
    );
    const waitMs =
      Math.max(s.plateauSessionSeconds * 1000, s.plateauRedeemedCodeTtlMs) +
      s.plateauPruneMs +
      2000;
    const plateau = await measurePlateau({
      backend,
      emulator,
      connections: s.connections,
      warmupLogins: s.plateauWarmupLogins,
      logins: s.plateauLogins,
      waitMs,
      progress,
    });
    await stopKept(backend);
    if (plateau.failures > 0)
      notes.push(`Memory plateau: ${plateau.failures} logins did not answer 302.`);
    progress(`memory per record: ${s.memoryRecords} sessions, ${s.memoryRecords} redeemed codes`);
    const records = plateau.sessionTemplate
      ? await measureRecords({
          env: backendEnv(emulator),
          records: s.memoryRecords,
          sessionTemplate: plateau.sessionTemplate,
        })
      : undefined;
    if (!records) notes.push('Memory per record skipped: no stored session to copy.');
    const { sessionTemplate: _template, ...plateauFigures } = plateau;
    results.memory = { plateau: plateauFigures, records };
    results.checks.push(...memoryChecks(results.memory));
  }

  const missed = (/** @type {string} */ area) =>
    ratios.some((r) => r.area === area && r.verdict === 'missed');
  for (const load of /** @type {const} */ (['login', 'signed-in'])) {
    const wanted = settings.profile === 'always' || (settings.profile === 'auto' && missed(load));
    if (!wanted) continue;
    if (results.profiles.length === 0) {
      fs.rmSync(PROFILE_DIR, { recursive: true, force: true });
      fs.mkdirSync(PROFILE_DIR, { recursive: true });
    }
    progress(`CPU profile of the backend (memory store) under the ${load} load`);
    results.profiles.push(await profileBackend(emulator, load, window));
  }

  for (const [id, row] of Object.entries(rowResults)) {
    for (const [i, f] of row.rounds.entries()) {
      if (!f) continue;
      if (f.poolExhausted)
        notes.push(
          `${id}, round ${i + 1}: ran out of pre-minted codes before the end of its window.`,
        );
      if (f.errors > 0 || Object.keys(f.statuses).length > 1)
        notes.push(
          `${id}, round ${i + 1}: statuses ${JSON.stringify(f.statuses)}, ${f.errors} connection errors.`,
        );
    }
  }

  results.loadAverage = { start: loadAtStart, end: loadAverage() };
  results.seconds = (Date.now() - startedAt) / 1000;
  let text = `## npm run bench${full ? '' : ' (sidecar rows only)'}\n\n${markdown(results)}\n`;
  for (const p of results.profiles) {
    text += `\nCPU profile of a memory-store backend under the ${p.load} load (${p.rate} ${p.load === 'login' ? 'logins' : 'requests'}/s while profiled; \`${p.file}\`): top ${p.summary.rows.length} functions and areas by self time, shares of the ${(p.summary.totalMs - p.summary.idleMs).toFixed(0)} ms busy (${p.summary.idleMs.toFixed(0)} ms more idle):\n\n${profileTable(p.summary)}\n`;
  }
  text += `\nMachine: ${machine.nproc} cores, ${machine.cpuModel}, Node ${machine.node}, Redis ${machine.redis}. Load average ${results.loadAverage.start.toFixed(2)} at start, ${results.loadAverage.end.toFixed(2)} at end; ${results.seconds.toFixed(0)} s in all.\n`;
  for (const note of notes) text += `\nNote: ${note}\n`;
  const base = full ? 'latest' : 'sidecar';
  fs.writeFileSync(path.join(RESULTS_DIR, `${base}.json`), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(RESULTS_DIR, `${base}.md`), text);
  process.stdout.write(text);
  progress(
    `done; figures in ${path.relative(process.cwd(), path.join(RESULTS_DIR, `${base}.json`))}`,
  );
}

/**
 * Sign in at a backend through its callback at `callbackPath`: its session cookie.
 * @param {import('./lib/proc').Child} backend
 * @param {import('./lib/proc').Child} emulator
 * @param {string} callbackPath
 */
async function sessionCookieAt(backend, emulator, callbackPath) {
  const { get, cookiePair } = require('./lib/http');
  const [query] = await emulator.call('mint', { n: 1 });
  const res = await get(`${backend.info.url}${callbackPath}?${query}`);
  if (res.status !== 302) throw new Error(`login at ${backend.name} answered ${res.status}`);
  return cookiePair(res.headers, 'sso_session');
}

/**
 * Profile a fresh memory-store backend (`node --cpu-prof`) under the login or signed-in load.
 * @param {import('./lib/proc').Child} emulator
 * @param {'login' | 'signed-in'} load
 * @param {{ connections: number, warmup: number }} window
 */
async function profileBackend(emulator, load, window) {
  const name = `${load}-${Date.now()}.cpuprofile`;
  const backend = await keep(
    startBackend(emulator, {
      name: `backend-profile-${load}`,
      execArgv: ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${name}`],
    }),
  );
  const skipMs = backend.info.uptimeMs ?? 0;
  /** @type {number} */
  let rate;
  try {
    if (load === 'login') {
      const f = await measureLogin({
        target: backend,
        emulator,
        connections: settings.connections,
        duration: settings.profileSeconds,
        warmup: 1,
      });
      rate = Math.round(f.rate);
    } else {
      const f = await measureSignedIn({
        target: backend,
        cookie: await sessionCookie(backend, emulator),
        ...window,
        duration: settings.profileSeconds,
      });
      rate = Math.round(f.rate);
    }
  } finally {
    await stopKept(backend);
  }
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
