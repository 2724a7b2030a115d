import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createEmulator } from '../../../src/emulator';
import { startBackendProcess } from '../../support/backend-process';
import {
  ACME,
  CLIENT_ID,
  CLIENT_SECRET,
  PUBLIC_URL,
  SESSION_SECRET,
  SLUG,
} from '../../support/harness';

// The production image (Dockerfile, stage "runtime") must hold the backend only: no emulator, CLI,
// demo, bench or test code. No Docker engine runs here, so the test applies the Dockerfile's own
// prune script to a copy of a fresh build (npm test builds first), lists what remains, and runs
// the pruned backend through a whole login to prove nothing it needs was removed.

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PRUNE = path.join(ROOT, 'scripts', 'prune-image-dist.sh');

/** Every file under `dir`, relative, with / separators, sorted. */
function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory()
        ? listFiles(full, base)
        : [path.relative(base, full).split(path.sep).join('/')];
    })
    .sort();
}

/** The instructions of the Dockerfile's last stage (the image `docker build .` produces). */
function finalStage(dockerfile: string): string {
  const stages = dockerfile.split(/^FROM /m);
  return `FROM ${stages[stages.length - 1]}`;
}

describe('production image contents', () => {
  const app = mkdtempSync(path.join(os.tmpdir(), 'vms-image-'));
  const dist = path.join(app, 'dist');

  beforeAll(() => {
    // The image's layout: /app/{dist,node_modules,views,public}.
    cpSync(path.join(ROOT, 'dist'), dist, { recursive: true });
    for (const dir of ['node_modules', 'views', 'public'])
      symlinkSync(path.join(ROOT, dir), path.join(app, dir));
    execFileSync('sh', [PRUNE, dist]);
  });

  afterAll(() => rmSync(app, { recursive: true, force: true }));

  test('the pruned dist/ holds no emulator, CLI, demo, test or bench code, nor maps or declarations', () => {
    const files = listFiles(dist);
    process.stdout.write(
      `[image-contents] dist/ after ${path.relative(ROOT, PRUNE)} (${files.length} files):\n  ${files.join('\n  ')}\n`,
    );
    expect(files).toEqual(
      expect.arrayContaining([
        'server.js',
        'server/app.js',
        'flow/callback.js',
        'stores/redis-client.js',
        'vercel/sso-token.js',
      ]),
    );
    const forbidden = files.filter(
      (file) =>
        /^(emulator|cli|dev|conformance|test|bench)\//.test(file) ||
        /\.(map|d\.ts)$/.test(file) ||
        /\.test\.js$/.test(file),
    );
    expect(forbidden).toEqual([]);
    // Nothing left behind refers to the removed code.
    const referencing = files.filter((file) =>
      /require\("\.\.?\/(?:\.\.\/)*(emulator|cli|dev)\//.test(
        readFileSync(path.join(dist, file), 'utf8'),
      ),
    );
    expect(referencing).toEqual([]);
  });

  test('the pruned backend starts and serves a whole login', async () => {
    const emulator = await createEmulator({
      integration: {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        slug: SLUG,
        name: 'Acme Provider',
        redirectLoginUrl: `${PUBLIC_URL}/callback`,
      },
    });
    const listening = await emulator.listen(0, '127.0.0.1');
    const backend = await startBackendProcess(
      {
        NODE_ENV: 'production',
        PUBLIC_URL,
        INTEGRATION_CLIENT_ID: CLIENT_ID,
        INTEGRATION_CLIENT_SECRET: CLIENT_SECRET,
        SESSION_SECRET,
        VERCEL_API_URL: listening.url,
        VERCEL_ISSUER: listening.url,
      },
      path.join(dist, 'server.js'),
    );
    try {
      const url = new URL(
        emulator.controls.mintLogin({ installationId: ACME.installationId, userId: ACME.admin })
          .redirectUrl,
      );
      const login = await request(backend.url).get(`${url.pathname}${url.search}`);
      expect(login.status).toBe(302);
      expect((await request(backend.url).get('/readyz')).status).toBe(200);
    } finally {
      expect(await backend.stop()).toBe(0);
      await listening.close();
    }
  });

  test('the Dockerfile image runs that prune script, on Node 24, as a non-root user, with a health check', () => {
    const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24[.\w-]*-slim/m);
    const runtime = finalStage(dockerfile);
    expect(runtime).toMatch(/^RUN sh \/tmp\/prune-image-dist\.sh dist\b/m);
    expect(runtime).toMatch(/^RUN rm -rf views\/emulator$/m);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\/healthz/m);
    expect(runtime).toMatch(/^CMD \["node", "dist\/server\.js"\]$/m);
    // The dev dependencies never reach the image: the build stage prunes them before the copy.
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
  });
});
