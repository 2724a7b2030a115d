// @ts-check
/**
 * Child processes of the bench (emulator, backends, baselines) and what /proc says about them:
 * CPU time (utime + stime) and resident set size.
 * @module
 */
'use strict';

const { fork, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { call } = require('./ipc');

/** Clock ticks per second of /proc/<pid>/stat times. */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * utime + stime of `pid`, in ms (resolution 1000 / CLK_TCK ms).
 * @param {number} pid
 */
function cpuMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 2 (comm) is in parentheses and may contain spaces: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/**
 * Resident set size of `pid`, bytes (VmRSS).
 * @param {number} pid
 */
function rssBytes(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : NaN;
}

/**
 * @typedef {object} Child
 * @property {import('node:child_process').ChildProcess} proc
 * @property {number} pid
 * @property {string} name
 * @property {Record<string, any>} info what the child reported when ready (e.g. `url`)
 * @property {(cmd: string, args?: unknown) => Promise<any>} call
 * @property {() => number} cpuMs
 * @property {() => number} rssBytes
 * @property {() => Promise<void>} stop graceful: `stop` command, then SIGKILL after 10 s
 */

/**
 * Fork `script` (a bench child speaking lib/ipc.js) and wait for its `ready` message.
 * Its stdout goes to /dev/null (the backend logs there, at its configured level); stderr is kept
 * and shown when it fails to start.
 * @param {string} name for messages
 * @param {string} script path
 * @param {{ env?: NodeJS.ProcessEnv, execArgv?: string[], timeoutMs?: number }} [options]
 * @returns {Promise<Child>}
 */
function startChild(name, script, options = {}) {
  const proc = fork(path.resolve(script), [], {
    env: { ...process.env, ...options.env },
    execArgv: options.execArgv ?? [],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  proc.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`${name} did not start within ${options.timeoutMs ?? 20000} ms`)),
      options.timeoutMs ?? 20000,
    );
    /** @param {Error} error */
    const fail = (error) => {
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(new Error(`${error.message}\n${stderr}`));
    };
    proc.once('exit', (code) => fail(new Error(`${name} exited with ${code} before it was ready`)));
    proc.on('message', (/** @type {any} */ message) => {
      if (!message?.ready) return;
      clearTimeout(timer);
      proc.removeAllListeners('exit');
      const pid = /** @type {number} */ (proc.pid);
      resolve({
        proc,
        pid,
        name,
        info: message,
        call: (cmd, args) => call(proc, cmd, args),
        cpuMs: () => cpuMs(pid),
        rssBytes: () => rssBytes(pid),
        stop: () => stopChild(proc),
      });
    });
  });
}

/**
 * @param {import('node:child_process').ChildProcess} proc
 * @returns {Promise<void>}
 */
function stopChild(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    call(proc, 'stop').catch(() => proc.kill('SIGKILL'));
  });
}

module.exports = { startChild, cpuMs, rssBytes, CLK_TCK };
