// @ts-check
/**
 * `npm run bench:sidecar` (issue 11 "Performance"): the sidecar's three ratios in one run.
 *  1. `GET /_sso/auth` checks per second vs a bare express hello-world (target ≥ 0.6x), and the
 *     sidecar's CPU per check;
 *  2. nginx with `auth_request` to the sidecar (examples/sidecar/nginx.conf.template) vs the same
 *     nginx proxying to the upstream without auth (target ≥ 0.5x);
 *  3. upstream mode (`UPSTREAM_URL`) vs calling the upstream directly (target ≥ 0.5x).
 * The upstream is the express hello-world baseline; every process runs in its own child (nginx:
 * one worker); autocannon runs here. Memory session store, NODE_ENV=production, LOG_LEVEL=info.
 * Needs nginx on PATH (ratio 2 is skipped without it). Prints a markdown table; writes
 * bench/results/sidecar.json.
 *
 * Environment: BENCH_CONNECTIONS (16), BENCH_SIDECAR_SECONDS (5), BENCH_WARMUP_SECONDS (1).
 * @module
 */
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const { generateKeyPairSync } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const { startEmulator, startBackend, startBaseline } = require('./lib/backends');
const { get, cookiePair } = require('./lib/http');
const { runLoad } = require('./lib/load');
const { machineInfo, loadAverage } = require('./lib/machine');

const connections = Number(process.env.BENCH_CONNECTIONS || 16);
const seconds = Number(process.env.BENCH_SIDECAR_SECONDS || 5);
const warmup = Number(process.env.BENCH_WARMUP_SECONDS || 1);
const EXAMPLES = path.resolve(__dirname, '..', 'examples', 'sidecar');

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const address = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(address.port));
    });
  });
}

/** @param {number} port */
async function waitForPort(port) {
  for (let i = 0; i < 200; i += 1) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

/**
 * nginx with two servers: the example (auth_request) and a plain proxy to the same upstream.
 * @param {string} sidecar host:port
 * @param {string} upstream host:port
 */
async function startNginx(sidecar, upstream) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vms-bench-nginx-'));
  const [authPort, plainPort] = [await freePort(), await freePort()];
  const site = fs
    .readFileSync(path.join(EXAMPLES, 'nginx.conf.template'), 'utf8')
    .replace(/\$\{LISTEN_PORT\}/g, `127.0.0.1:${authPort}`)
    .replace(/\$\{SIDECAR\}/g, sidecar)
    .replace(/\$\{UPSTREAM\}/g, upstream);
  fs.writeFileSync(path.join(dir, 'site.conf'), site);
  fs.copyFileSync(
    path.join(EXAMPLES, 'vercel-sso-identity.conf'),
    path.join(dir, 'vercel-sso-identity.conf'),
  );
  const plain = `server { listen 127.0.0.1:${plainPort}; location / { proxy_pass http://vendor_app; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $http_host; } }`;
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `${kind}_temp_path ${dir}/${kind};`)
    .join(' ');
  const user = process.getuid?.() === 0 ? 'user root;' : '';
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `${user} daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;\nevents { worker_connections 4096; }\nhttp { access_log off; ${temp} include ${dir}/site.conf; ${plain} }\n`,
  );
  const child = spawn(
    'nginx',
    ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')],
    { stdio: 'ignore' },
  );
  await waitForPort(authPort);
  await waitForPort(plainPort);
  return {
    authUrl: `http://127.0.0.1:${authPort}`,
    plainUrl: `http://127.0.0.1:${plainPort}`,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve(undefined);
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * A warm-up window, then the measured one.
 * @param {string} url
 * @param {string} requestPath
 * @param {Record<string, string>} headers
 */
async function measure(url, requestPath, headers = {}) {
  if (warmup > 0)
    await runLoad({ url, path: requestPath, headers, connections, duration: warmup, expect: 200 });
  return runLoad({ url, path: requestPath, headers, connections, duration: seconds, expect: 200 });
}

/**
 * Signs in on `backend` through its callback under the sidecar prefix; returns the cookie pair.
 * @param {import('./lib/proc').Child} backend
 * @param {import('./lib/proc').Child} emulator
 */
async function signIn(backend, emulator) {
  const [query] = await emulator.call('mint', { n: 1 });
  const res = await get(`${backend.info.url}/_sso/callback?${query}`);
  if (res.status !== 302) throw new Error(`sidecar login answered ${res.status}`);
  return cookiePair(res.headers, 'sso_session');
}

async function main() {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
  const emulator = await startEmulator();
  const upstream = await startBaseline('baseline-express', emulator);
  const sidecar = await startBackend(emulator, {
    name: 'sidecar',
    env: { SIDECAR_ENABLED: 'true', ASSERTION_SIGNING_KEY: key },
  });
  const proxying = await startBackend(emulator, {
    name: 'sidecar-upstream',
    env: { UPSTREAM_URL: upstream.info.url, ASSERTION_SIGNING_KEY: key },
  });
  const hasNginx = spawnSync('sh', ['-c', 'command -v nginx']).status === 0;
  const nginx = hasNginx
    ? await startNginx(
        sidecar.info.url.replace('http://', ''),
        upstream.info.url.replace('http://', ''),
      )
    : undefined;
  /** @type {Array<Record<string, unknown>>} */
  const rows = [];
  try {
    const sidecarCookie = await signIn(sidecar, emulator);
    const proxyingCookie = await signIn(proxying, emulator);

    const hello = await measure(upstream.info.url, '/api/session');
    rows.push({
      row: 'express hello-world (the upstream, direct)',
      rate: hello.rate,
      p99: hello.p99,
    });

    const cpuBefore = sidecar.cpuMs();
    const auth = await measure(sidecar.info.url, '/_sso/auth', { cookie: sidecarCookie });
    // The CPU counter includes the warm-up window; divide by every answered check.
    const checks = auth.ok + (warmup > 0 ? Math.round(auth.rate * warmup) : 0);
    const cpuPerCheckUs = ((sidecar.cpuMs() - cpuBefore) * 1000) / Math.max(1, checks);
    rows.push({
      row: 'GET /_sso/auth (signed in)',
      rate: auth.rate,
      p99: auth.p99,
      ratio: auth.rate / hello.rate,
      target: 0.6,
      cpuPerCheckUs,
    });

    if (nginx) {
      const plain = await measure(nginx.plainUrl, '/api/session');
      rows.push({ row: 'nginx → upstream, no auth', rate: plain.rate, p99: plain.p99 });
      const guarded = await measure(nginx.authUrl, '/api/session', { cookie: sidecarCookie });
      rows.push({
        row: 'nginx auth_request → sidecar, then upstream',
        rate: guarded.rate,
        p99: guarded.p99,
        ratio: guarded.rate / plain.rate,
        target: 0.5,
      });
    }

    const viaSidecar = await measure(proxying.info.url, '/api/session', {
      cookie: proxyingCookie,
      accept: 'application/json',
    });
    rows.push({
      row: 'upstream mode (sidecar proxies to the upstream)',
      rate: viaSidecar.rate,
      p99: viaSidecar.p99,
      ratio: viaSidecar.rate / hello.rate,
      target: 0.5,
    });
  } finally {
    await nginx?.stop();
    await proxying.stop();
    await sidecar.stop();
    await upstream.stop();
    await emulator.stop();
  }

  const table = [
    `| row | req/s | p99 ms | ratio | target |`,
    `|---|---:|---:|---:|---:|`,
    ...rows.map(
      (r) =>
        `| ${r.row} | ${Math.round(/** @type {number} */ (r.rate))} | ${r.p99} | ${r.ratio === undefined ? '' : `${/** @type {number} */ (r.ratio).toFixed(2)}x`} | ${r.target === undefined ? '' : `≥ ${r.target}x ${/** @type {number} */ (r.ratio) >= /** @type {number} */ (r.target) ? 'met' : 'MISSED'}`} |`,
    ),
  ].join('\n');
  const cpu = rows.find((r) => r.cpuPerCheckUs !== undefined);
  const machine = machineInfo(undefined);
  process.stdout.write(
    `${table}\n\nsidecar CPU per /_sso/auth check: ${Math.round(/** @type {number} */ (cpu?.cpuPerCheckUs ?? NaN))} µs; ${connections} connections, ${seconds} s windows; load average ${loadAverage()}\n`,
  );
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(__dirname, 'results', 'sidecar.json'),
    `${JSON.stringify({ rows, connections, seconds, machine }, null, 2)}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
