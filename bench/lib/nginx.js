// @ts-check
/**
 * nginx for the sidecar rows: one worker, two servers in one process: the example site of
 * examples/sidecar (`auth_request` to the sidecar, then the upstream) and a plain proxy to the same
 * upstream (no auth). Skipped (undefined) when no `nginx` is on PATH.
 * @module
 */
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { freePort, waitForPort } = require('./net');
const { cpuMs } = require('./proc');

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples', 'sidecar');

/** True when an `nginx` binary is on PATH. */
function hasNginx() {
  return spawnSync('sh', ['-c', 'command -v nginx'], { stdio: 'ignore' }).status === 0;
}

/**
 * @typedef {object} Nginx
 * @property {string} authUrl the example site: auth_request to the sidecar, then the upstream
 * @property {string} plainUrl a plain proxy to the upstream
 * @property {() => number} cpuMs utime + stime of the master and its worker, ms
 * @property {() => Promise<void>} stop
 */

/**
 * @param {string} sidecar host:port
 * @param {string} upstream host:port
 * @returns {Promise<Nginx>}
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
  const pids = () => {
    const master = /** @type {number} */ (child.pid);
    try {
      const children = fs
        .readFileSync(`/proc/${master}/task/${master}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
      return [master, ...children];
    } catch {
      return [master];
    }
  };
  return {
    authUrl: `http://127.0.0.1:${authPort}`,
    plainUrl: `http://127.0.0.1:${plainPort}`,
    cpuMs: () => pids().reduce((sum, pid) => sum + cpuMs(pid), 0),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

module.exports = { hasNginx, startNginx };
