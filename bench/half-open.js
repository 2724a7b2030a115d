// @ts-check
/**
 * Memory held by half-open connections (issue 19), measured on a real backend process:
 *   node bench/half-open.js [path/to/dist/server.js] [connections=3000] [head-bytes=0]
 * Spawns the backend (memory store, default limits unless SERVER_* is set in the environment), opens
 * the connections one after another, each sending part of a request head (padded with `head-bytes`
 * bytes of one header value) and then nothing, and prints
 * JSON: RSS before and while held, /healthz answers while held, how many connections the server
 * answered 408, refused at once, or still held when the script gave up (120 s).
 * Standalone: not part of `npm run bench`.
 */
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const readline = require('node:readline');

const server = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'dist', 'server.js'));
const count = Number(process.argv[3] ?? 3000);
const headBytes = Number(process.argv[4] ?? 0);
const GIVE_UP_MS = 120_000;

/** @param {number} pid */
const rssMb = (pid) =>
  Math.round(
    Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) /
      1024,
  );

/** @returns {Promise<{ child: import('node:child_process').ChildProcess, port: number }>} */
function start() {
  const child = spawn(process.execPath, [server], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      PUBLIC_URL: 'http://localhost:3000',
      INTEGRATION_CLIENT_ID: 'oac_bench',
      INTEGRATION_CLIENT_SECRET: 'bench-secret',
      SESSION_SECRET: 'x'.repeat(40),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`backend exited with ${code}`)));
    readline
      .createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) })
      .on('line', (line) => {
        if (line.includes('"event":"listening"')) resolve({ child, port: JSON.parse(line).port });
      });
  });
}

/** @param {number} port */
function healthz(port) {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () =>
      socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'),
    );
    let data = '';
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('data', (chunk) => (data += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () =>
      resolve({
        status: data.slice(9, 12) || 'refused',
        ms: Math.round(performance.now() - started),
      }),
    );
  });
}

/** @param {number} port */
function halfOpen(port) {
  return new Promise((resolve) => {
    const state = { received: '', closed: false, closedAtMs: 0 };
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ${'a'.repeat(headBytes)}`);
      resolve({ state, socket });
    });
    // A connection the kernel cannot complete (listen backlog full) counts as not opened.
    const timer = setTimeout(() => resolve({ state, socket }), 5_000);
    socket.once('connect', () => clearTimeout(timer));
    socket.on('data', (chunk) => (state.received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      state.closed = true;
      state.closedAtMs = performance.now();
      resolve({ state, socket });
    });
  });
}

async function main() {
  const { child, port } = await start();
  const pid = /** @type {number} */ (child.pid);
  await healthz(port);
  await new Promise((r) => setTimeout(r, 500));
  const rssBeforeMb = rssMb(pid);
  const openedAt = performance.now();
  /** @type {Array<{ state: { received: string, closed: boolean, closedAtMs: number }, socket: net.Socket }>} */
  const conns = [];
  for (let i = 0; i < count; i += 1) {
    conns.push(/** @type {any} */ (await halfOpen(port)));
    if ((i + 1) % 500 === 0) process.stderr.write(`opened ${i + 1}\n`);
  }
  const openMs = Math.round(performance.now() - openedAt);
  await new Promise((r) => setTimeout(r, 500));
  const rssHeldMb = rssMb(pid);
  process.stderr.write('held; probing /healthz\n');
  const healthzWhileHeld = [];
  for (let i = 0; i < 3; i += 1) healthzWhileHeld.push(await healthz(port));
  const deadline = performance.now() + GIVE_UP_MS;
  while (performance.now() < deadline && conns.some((c) => !c.state.closed))
    await new Promise((r) => setTimeout(r, 250));
  const closed = conns.filter((c) => c.state.closed);
  const answered408 = closed.filter((c) => c.state.received.startsWith('HTTP/1.1 408')).length;
  const refused = closed.filter((c) => c.state.received === '').length;
  const lastClosedAfterMs =
    closed.length > 0
      ? Math.round(Math.max(...closed.map((c) => c.state.closedAtMs)) - openedAt)
      : null;
  const rssAfterMb = rssMb(pid);
  for (const c of conns) c.socket.destroy();
  child.kill('SIGTERM');
  process.stdout.write(
    `${JSON.stringify({ server, connections: count, headBytes, openMs, rssBeforeMb, rssHeldMb, healthzWhileHeld, answered408, refused, stillOpenAfterGiveUp: count - closed.length, lastClosedAfterMs, rssAfterMb }, null, 2)}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
