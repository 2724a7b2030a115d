/**
 * The conformance command as a vendor gets it: the package packed with `npm pack`, installed in
 * a fresh directory, run as its own process against the reference service. Uses
 * `npx vercel-marketplace-sso conformance` once the package declares a `bin`, and the installed
 * `dist/cli/conformance.js` until then.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ConformanceReport } from '../../../src/conformance/types';
import { CLIENT_ID, CLIENT_SECRET, freePort, startReference } from './support';

jest.setTimeout(120_000);

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..', '..');

it('runs from the packed tarball in a fresh directory and passes the reference service', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'conformance-packed-'));
  try {
    await run('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: ROOT });
    const tarball = (await readdir(dir)).find((f) => f.endsWith('.tgz'))!;
    const app = path.join(dir, 'fresh');
    await run('mkdir', [app]);
    await writeFile(
      path.join(app, 'package.json'),
      JSON.stringify({ name: 'fresh', private: true }),
    );
    await run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--omit=dev',
        path.join(dir, tarball),
      ],
      { cwd: app },
    );
    const installed = JSON.parse(
      await readFile(
        path.join(app, 'node_modules', 'vercel-marketplace-sso', 'package.json'),
        'utf8',
      ),
    ) as { bin?: unknown };

    const emulatorPort = await freePort();
    const reference = await startReference(emulatorPort);
    try {
      const args = [
        '--redirect-login-url',
        `${reference.url}/callback`,
        '--session-check-url',
        `${reference.url}/api/session`,
        '--emulator-port',
        String(emulatorPort),
        '--client-id',
        CLIENT_ID,
        '--only',
        'happy-plain,exchange-request,id-token-alg-none,callback-mode-missing,browser-cookie-flags',
        '--json',
      ];
      const [command, commandArgs] = installed.bin
        ? ['npx', ['--no-install', 'vercel-marketplace-sso', 'conformance', ...args]]
        : [
            process.execPath,
            [
              path.join(
                app,
                'node_modules',
                'vercel-marketplace-sso',
                'dist',
                'cli',
                'conformance.js',
              ),
              ...args,
            ],
          ];
      const { stdout } = await run(command, commandArgs, {
        cwd: app,
        env: { PATH: process.env.PATH ?? '', CONFORMANCE_CLIENT_SECRET: CLIENT_SECRET },
      });
      const report = JSON.parse(stdout) as ConformanceReport;
      expect(report.results.map((r) => `${r.id} ${r.verdict}`)).toEqual([
        'happy-plain PASS',
        'exchange-request PASS',
        'id-token-alg-none PASS',
        'callback-mode-missing PASS',
        'browser-cookie-flags PASS',
      ]);
      expect(report.passed).toBe(true);
    } finally {
      await reference.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
