/**
 * The conformance kit (issue 18) against two black boxes: this project's reference service (a
 * child process, `node dist/server.js`) must pass every scenario; the deliberately naive vendor
 * (test/fixtures/naive-vendor) must fail exactly the scenarios its faults predict.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runConformance } from '../../../src/cli/conformance';
import type { ConformanceReport } from '../../../src/conformance/types';
import { SCENARIOS } from '../../../src/conformance/scenarios';
import { startNaiveVendor } from '../../fixtures/naive-vendor/app';
import { CLIENT_ID, CLIENT_SECRET, freePort, startReference } from './support';

jest.setTimeout(90_000);

function capture(): {
  io: {
    stdout: { write(t: string): boolean };
    stderr: { write(t: string): boolean };
    env: Record<string, string>;
  };
  out: () => string;
  err: () => string;
} {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (t: string) => ((out += t), true) },
      stderr: { write: (t: string) => ((err += t), true) },
      env: {},
    },
    out: () => out,
    err: () => err,
  };
}

function notPassed(report: ConformanceReport): Record<string, string> {
  return Object.fromEntries(
    report.results.filter((r) => r.verdict !== 'PASS').map((r) => [r.id, r.verdict]),
  );
}

describe('conformance kit', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'conformance-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes the reference service on every scenario, with JSON and JUnit reports', async () => {
    const emulatorPort = await freePort();
    const reference = await startReference(emulatorPort);
    const junitFile = path.join(dir, 'reference.xml');
    const { io, out, err } = capture();
    try {
      const code = await runConformance(
        [
          '--redirect-login-url',
          `${reference.url}/callback`,
          '--session-check-url',
          `${reference.url}/api/session`,
          '--emulator-port',
          String(emulatorPort),
          '--client-id',
          CLIENT_ID,
          '--client-secret',
          CLIENT_SECRET,
          '--answer-bound-ms',
          '5000',
          '--json',
          '--junit',
          junitFile,
        ],
        io,
      );
      const report = JSON.parse(out()) as ConformanceReport;
      expect(notPassed(report)).toEqual({});
      expect(report.results.map((r) => r.id)).toEqual(SCENARIOS.map((s) => s.id));
      expect(report.sessionEvidence).toBe('session-check-url');
      expect(code).toBe(0);
      const xml = await readFile(junitFile, 'utf8');
      expect(xml.match(/<testcase /g)).toHaveLength(SCENARIOS.length);
      expect(xml).not.toContain('<failure');
      // The emulator's environment is printed (to stderr with --json), never the secret given.
      expect(err()).toContain(
        `JWKS                http://127.0.0.1:${emulatorPort}/.well-known/jwks`,
      );
      expect(err()).not.toContain(CLIENT_SECRET);
    } finally {
      await reference.stop();
    }
  });

  it('fails the naive vendor on exactly the scenarios its faults predict', async () => {
    const emulatorPort = await freePort();
    const emulator = `http://127.0.0.1:${emulatorPort}`;
    const naive = await startNaiveVendor({
      apiUrl: emulator,
      issuer: emulator,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
    });
    const junitFile = path.join(dir, 'naive.xml');
    const { io, out } = capture();
    try {
      const code = await runConformance(
        [
          '--redirect-login-url',
          `${naive.url}/callback`,
          '--session-check-url',
          `${naive.url}/api/session`,
          '--emulator-port',
          String(emulatorPort),
          '--client-id',
          CLIENT_ID,
          '--client-secret',
          CLIENT_SECRET,
          '--answer-bound-ms',
          '3000',
          '--json',
          '--junit',
          junitFile,
        ],
        io,
      );
      const report = JSON.parse(out()) as ConformanceReport;
      expect(notPassed(report)).toEqual({
        // no grant_type; no timeout on the exchange
        'exchange-request': 'FAIL',
        'exchange-hang': 'FAIL',
        // the verifier trusts the header's alg and checks only iss, aud and exp
        'id-token-alg-none': 'FAIL',
        'id-token-hs256-public-key': 'FAIL',
        'id-token-iat-future': 'FAIL',
        'id-token-system-token': 'FAIL',
        'id-token-bad-role': 'FAIL',
        'id-token-access-token-type': 'FAIL',
        'id-token-missing-installation': 'FAIL',
        // no mode check
        'callback-mode-missing': 'FAIL',
        'callback-mode-wrong': 'FAIL',
        // url followed unchecked
        'redirect-url-protocol-relative': 'FAIL',
        'redirect-url-backslash': 'FAIL',
        'redirect-url-javascript': 'FAIL',
        'redirect-url-userinfo': 'FAIL',
        'redirect-url-foreign-origin': 'FAIL',
        // the raw id_token in a script-readable cookie
        'browser-no-id-token': 'FAIL',
        'browser-cookie-flags': 'FAIL',
        // accounts linked by e-mail
        'account-email-linking': 'FAIL',
        // the first key with the kid only (advisory)
        'keys-shared-kid': 'WARN',
      });
      expect(code).toBe(1);
      const xml = await readFile(junitFile, 'utf8');
      expect(xml.match(/<failure/g)).toHaveLength(19);
    } finally {
      await naive.close();
    }
  });

  it('without a session-check URL judges from the callback answer, skips account linking and prints a table', async () => {
    const emulatorPort = await freePort();
    const reference = await startReference(emulatorPort);
    const { io, out } = capture();
    try {
      const code = await runConformance(
        [
          '--redirect-login-url',
          `${reference.url}/callback`,
          '--emulator-port',
          String(emulatorPort),
          '--client-id',
          CLIENT_ID,
          '--client-secret',
          CLIENT_SECRET,
          '--only',
          'happy-plain,id-token-*,account-email-linking',
        ],
        io,
      );
      expect(code).toBe(0);
      expect(out()).toMatch(/│ happy-plain\s+│/);
      expect(out()).toMatch(/│ account-email-linking\s+│.*│ SKIP\s+│/);
      expect(out()).toContain(
        '13 scenarios: 12 PASS, 0 FAIL, 0 WARN, 1 SKIP; sessions judged from the callback answer',
      );
    } finally {
      await reference.stop();
    }
  });

  it('answers bad usage with exit code 2 and the usage text', async () => {
    const { io, err } = capture();
    expect(await runConformance(['--only', 'no-such-scenario'], io)).toBe(2);
    expect(err()).toContain('--redirect-login-url is required');
    expect(err()).toContain('no scenario matches no-such-scenario');
    expect(err()).toContain('Usage: vercel-marketplace-sso conformance');
  });
});

test('a vendor that streams an endless body cannot exhaust the kit (hostile review): it reads a bounded prefix and moves on', async () => {
  const { createServer } = await import('node:http');
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    const pump = () => {
      while (res.write(chunk)) {
        if (res.destroyed) return;
      }
    };
    res.on('drain', pump);
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    const { Browser } = await import('../../../src/conformance/browser');
    const browser = new Browser({
      vendorOrigin: `http://127.0.0.1:${port}`,
      answerBoundMs: 10_000,
    });
    const before = process.memoryUsage().rss;
    const answer = await browser.fetchOnce(`http://127.0.0.1:${port}/callback`);
    expect(answer.status).toBe(200);
    expect(answer.body.length).toBeLessThanOrEqual(1_000_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
