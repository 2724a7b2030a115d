/**
 * How the package is consumed (issue 10): `npm pack`, the tarball installed into a fresh
 * temporary app (nothing imported from `src/`), then a CommonJS consumer, an ESM consumer and a
 * TypeScript consumer (type-checked against the shipped `.d.ts`), and the `vercel-marketplace-sso`
 * command from that directory. Dependencies come from npm's cache (populated by `npm ci`).
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { stopProcess } from '../../support/backend-process';
import { base64JsonIn } from '../../support/patterns';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..', '..');
let dir: string;

jest.setTimeout(180_000);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vms-consumer-'));
  // `npm test` builds dist/ first (pretest); pack exactly what would be published.
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT });
  const { filename } = (JSON.parse(stdout) as Array<{ filename: string }>)[0]!;
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'vendor-app', private: true }),
  );
  await run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      `./${filename}`,
      '@types/node@22.20.7',
      'typescript@5.9.3',
    ],
    { cwd: dir },
  );
  cpSync(path.join(ROOT, 'test', 'fixtures', 'package-consumer'), dir, { recursive: true });
  cpSync(path.join(ROOT, 'examples', 'express-app', 'app.js'), path.join(dir, 'example-app.js'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Observation {
  status: number;
  location: string | null;
  text: string;
}

interface Checks {
  format: string;
  publicPage: Observation;
  vendor404: Observation;
  visitsBefore: { visits: number; vendorOrg: string | null };
  dashboardSignedOut: Observation;
  callback: Observation;
  cookieNames: string[];
  dashboard: Observation;
  visitsAfter: { visits: number; vendorOrg: string | null };
  adminAsAdmin: Observation;
  userCallback: Observation;
  adminAsUser: Observation;
  failureCodes: string[];
  optionsError: { name: string; code: string; message: string } | null;
}

async function consumer(file: string): Promise<Checks> {
  const { stdout } = await run(process.execPath, [file], {
    cwd: dir,
    env: { ...process.env, NODE_ENV: 'test' },
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Checks;
}

function expectVendorAppWorks(out: Checks): void {
  // The vendor's own routes and its own 404 still answer with the router mounted.
  expect(out.publicPage).toMatchObject({ status: 200, text: 'vendor public page' });
  expect(out.vendor404).toMatchObject({ status: 404, text: 'vendor 404' });
  expect(out.dashboardSignedOut.status).toBe(401);
  expect(JSON.parse(out.dashboardSignedOut.text)).toMatchObject({ error: { code: 'no_session' } });
  // Sign-in through the emulator under /vercel lands on the host app's home, with our own cookie.
  expect(out.callback).toMatchObject({ status: 302, location: '/' });
  expect(out.cookieNames).toEqual(expect.arrayContaining(['vendor.sid', 'sso_session']));
  // The protected vendor route sees the identity (and the accountRef onLogin returned).
  expect(out.dashboard.status).toBe(200);
  expect(JSON.parse(out.dashboard.text)).toMatchObject({
    installationId: 'icfg_acme0000000000000001',
    userId: 'a11ce000000000000000000000000000000000000000000000000000000000a1',
    role: 'ADMIN',
    accountRef: 'acct-a11ce000000000000000000000000000000000000000000000000000000000a1',
  });
  expect(base64JsonIn(out.dashboard.text)).toEqual([]);
  // The vendor's own session kept its data across the login, and onLogin could write to it.
  expect(out.visitsAfter.visits).toBe(out.visitsBefore.visits + 1);
  expect(out.visitsAfter.vendorOrg).toBe('org-for-icfg_acme0000000000000001');
  expect(out.adminAsAdmin).toMatchObject({ status: 200, text: 'admin done' });
  // requireUser({ role: 'ADMIN' }) refuses a USER.
  expect(out.userCallback.status).toBe(302);
  expect(out.adminAsUser.status).toBe(403);
  expect(out.adminAsUser.text).toContain('Administrators only');
  expect(out.failureCodes).toContain('exchange_timeout');
  expect(out.optionsError).toMatchObject({
    name: 'VercelSsoOptionsError',
    code: 'ERR_VERCEL_SSO_OPTIONS',
  });
  expect(out.optionsError!.message).toMatch(/clientId .*clientSecret .*publicUrl .*sessionSecret/s);
}

test('npm pack ships the runtime only: no tests, bench, sources or source maps', async () => {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json'], { cwd: ROOT });
  const files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map(
    (f) => f.path,
  );
  expect(files).toEqual(
    expect.arrayContaining([
      'dist/index.js',
      'dist/index.d.ts',
      'dist/emulator/index.js',
      'dist/cli/main.js',
      'views/error.eta',
      'public/app.css',
      'LICENSE',
      'README.md',
      'CHANGELOG.md',
      'SECURITY.md',
    ]),
  );
  const unwanted = files.filter(
    (f) =>
      /^(test|bench|src|examples|deploy|\.ci)\//.test(f) ||
      f.endsWith('.map') ||
      (f.endsWith('.ts') && !f.endsWith('.d.ts')),
  );
  expect(unwanted).toEqual([]);
});

test('a CommonJS vendor app (require) signs in beside its own routes, session and 404', async () => {
  expectVendorAppWorks(await consumer('consumer.cjs'));
});

test('an ESM vendor app (import) does the same', async () => {
  const out = await consumer('consumer.mjs');
  expect(out.format).toBe('esm');
  expectVendorAppWorks(out);
});

test('a TypeScript vendor app type-checks against the shipped .d.ts (node16 resolution, exhaustive codes)', async () => {
  const tsc = path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
  const checked = await run(process.execPath, [tsc, '-p', 'tsconfig.consumer.json'], {
    cwd: dir,
  }).catch((error: { stdout: string }) => error);
  expect(checked.stdout).toBe(''); // tsc prints nothing when the consumer type-checks
  // And a wrong option is a compile error, not a runtime surprise.
  writeFileSync(
    path.join(dir, 'wrong.ts'),
    "import { createVercelSso } from 'vercel-marketplace-sso';\ncreateVercelSso({ clientId: 'x', clientSecret: 'y', publicUrl: 'https://a.example', sessionSecret: 'z', sessionSecrett: 1 });\n",
  );
  writeFileSync(
    path.join(dir, 'tsconfig.wrong.json'),
    JSON.stringify({ extends: './tsconfig.consumer.json', files: ['wrong.ts'] }),
  );
  await expect(
    run(process.execPath, [tsc, '-p', 'tsconfig.wrong.json'], { cwd: dir }),
  ).rejects.toMatchObject({ stdout: expect.stringContaining('sessionSecrett') });
});

test('examples/express-app works from the package: its pages, its 404, sign-in onto its pages, roles', async () => {
  const { stdout } = await run(process.execPath, ['example.cjs'], { cwd: dir });
  const out = JSON.parse(stdout.trim()) as Record<string, Observation>;
  expect(out.pricing!.status).toBe(200);
  expect(out.missing).toMatchObject({
    status: 404,
    text: expect.stringContaining('Vendor Cloud: page not found'),
  });
  expect(out.appSignedOut!.status).toBe(401);
  expect(out.deepLink).toMatchObject({ status: 302, location: '/resources/store_1' });
  expect(out.resource).toMatchObject({
    status: 200,
    text: expect.stringContaining('Resource store_1'),
  });
  expect(out.app!.text).toMatch(/Hello .+Organisation org_1 · role ADMIN/s);
  expect(out.adminSettings).toMatchObject({ status: 200, text: 'settings saved' });
  expect(out.userLogin!.status).toBe(302);
  expect(out.userSettings!.status).toBe(403);
});

test('the vercel-marketplace-sso command works from the fresh directory (help, emulator)', async () => {
  const bin = path.join(dir, 'node_modules', '.bin', 'vercel-marketplace-sso');
  expect(readdirSync(path.join(dir, 'node_modules', '.bin'))).toContain('vercel-marketplace-sso');
  const help = await run(bin, ['--help'], { cwd: dir });
  expect(help.stdout).toMatch(/serve[\s\S]*emulator[\s\S]*tokens/);
  const unknown = await run(bin, ['nope'], { cwd: dir }).catch(
    (error: { code: number; stderr: string }) => error,
  );
  expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown command') });

  const child = spawn(bin, ['emulator'], {
    cwd: dir,
    env: { ...process.env, EMULATOR_PORT: '0', NODE_ENV: 'development' },
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(
        () => reject(new Error(`emulator did not start: ${output}`)),
        20_000,
      );
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /"dashboard":"(http:\/\/[^"]+)"/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.on('exit', (code) => reject(new Error(`emulator exited with ${code}: ${output}`)));
    });
    const jwks = await fetch(new URL('/.well-known/jwks', url));
    expect(jwks.status).toBe(200);
    expect(((await jwks.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
  } finally {
    await stopProcess(child); // waits for the exit (SIGKILL after 15 s): no process outlives the test
  }
});
