import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { stopProcess } from '../../support/backend-process';

/** `npm run demo` as a process (from dist/, built by `npm test`'s pretest). */
const DEMO = path.resolve(__dirname, '..', '..', '..', 'dist', 'dev', 'demo.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

test('the demo prints readable logs, then the banner last; SIGUSR2 prints the banner again', async () => {
  const [port, emulatorPort] = await Promise.all([freePort(), freePort()]);
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    PORT: String(port),
    EMULATOR_PORT: String(emulatorPort),
    LOG_LEVEL: 'info',
    SESSION_IDLE_TIMEOUT_SECONDS: '90',
  };
  const child = spawn(process.execPath, [DEMO], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const waitFor = async (predicate: () => boolean) => {
    const deadline = Date.now() + 15_000;
    while (!predicate()) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`demo output so far:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const banners = () => out.split('vercel-marketplace-sso demo').length - 1;
  try {
    await waitFor(() => banners() === 1 && out.trimEnd().endsWith('─'));
    expect(out).toContain('INFO: SSO backend listening');
    expect(out).not.toMatch(/^\{"level"/m); // not pino's JSON lines
    expect(out.lastIndexOf('SSO backend listening')).toBeLessThan(
      out.indexOf('vercel-marketplace-sso demo'),
    );
    expect(out).toContain(`http://127.0.0.1:${emulatorPort}/`);
    expect(out).toContain(`http://localhost:${port}/callback`);
    expect(out).toContain('Session idle timeout 90 s');
    child.kill('SIGUSR2');
    await waitFor(() => banners() === 2);
  } finally {
    await stopProcess(child); // SIGTERM, then SIGKILL if it has not exited within 15 s
  }
}, 40_000);
