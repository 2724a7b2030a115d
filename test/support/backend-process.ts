import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

/** A backend started as its own Node process from the compiled `dist/server.js`. */
export interface BackendProcess {
  url: string;
  process: ChildProcess;
  /** Every stdout line (JSON log lines). */
  lines: string[];
  stop(): Promise<number | null>;
}

const SERVER = path.resolve(__dirname, '..', '..', 'dist', 'server.js');

/**
 * Spawns `node dist/server.js` with `env` (PORT=0 picks a free port) and resolves once it logs
 * `listening`. `npm test` builds first (`pretest`), so dist/ is current. `serverPath`: another
 * compiled entry point (the image-contents test runs a pruned copy of dist/).
 * @throws when the process exits or does not listen within 10 s.
 */
export function startBackendProcess(
  env: Record<string, string>,
  serverPath = SERVER,
): Promise<BackendProcess> {
  const child = spawn(process.execPath, [serverPath], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`backend did not start: ${stderr}\n${lines.join('\n')}`));
    }, 10_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`backend exited with ${code}: ${stderr}`));
    });
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (!line.includes('"event":"listening"')) return;
      const port = (JSON.parse(line) as { port: number }).port;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        url: `http://127.0.0.1:${port}`,
        process: child,
        lines,
        stop: () => stopProcess(child),
      });
    });
  });
}

/**
 * Sends `signal` and resolves with the exit code once the process has exited (null when a signal
 * ended it). A hang guard: a process still running `graceMs` later is SIGKILLed (and resolves
 * null), so a stuck child can neither hang an afterAll nor outlive the test run.
 */
export function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 15_000,
): Promise<number | null> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done(code);
    });
    child.kill(signal);
  });
}
