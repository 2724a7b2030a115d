import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../../src/config';
import { createStores, type Stores } from '../../../src/stores';
import { createLogger } from '../../../src/web/logger';
import { ACME, cookieLine, startHarness, type Harness } from '../../support/harness';
import { LogCapture } from '../../support/log-capture';
import { deleteKeys, describeWithRedis, TEST_REDIS_URL, uniquePrefix } from '../../support/redis';
import { TcpProxy } from '../../support/tcp-proxy';

const COMMAND_TIMEOUT_MS = 500;
/**
 * Generous hang guard, not a performance target: an answer must come, and not after many seconds
 * (without the command timeout a stalled Redis holds a request until the test's own timeout).
 */
const ANSWER_BOUND_MS = COMMAND_TIMEOUT_MS + 7500;

describeWithRedis('Redis outage through a proxy the test controls', () => {
  const prefix = uniquePrefix();
  const target = new URL(TEST_REDIS_URL);
  const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
  let h: Harness;
  let stores: Stores;

  beforeAll(async () => {
    await proxy.start();
    const env = {
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      REDIS_KEY_PREFIX: prefix,
      REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS),
      READINESS_CHECK_INTERVAL_MS: '100',
    };
    const logs = new LogCapture();
    const base = loadConfig({
      PUBLIC_URL: 'http://localhost:3000',
      INTEGRATION_CLIENT_ID: 'x',
      INTEGRATION_CLIENT_SECRET: 'x',
      SESSION_SECRET: 'x'.repeat(32),
      ...env,
    });
    stores = createStores(base, createLogger('info', logs));
    h = await startHarness(env, { stores });
    (h as { redisLogs?: LogCapture }).redisLogs = logs;
    // Wait for the first connection.
    for (let i = 0; i < 50 && !(await stores.ping()); i += 1)
      await new Promise((r) => setTimeout(r, 100));
  });

  afterAll(async () => {
    try {
      await h?.close();
    } finally {
      await proxy.close();
      await deleteKeys(prefix);
    }
  });

  test('503s within a bounded time while Redis is cut, no half-done login, and recovery without a restart', async () => {
    const agent = h.agent();
    await h.login(agent).expect(302);
    await agent.get('/').expect(200);

    await proxy.cut();
    h.emulator.controls.resetStats();
    const latencies: number[] = [];
    const timed = async <T>(fn: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await fn();
      latencies.push(performance.now() - started);
      return result;
    };

    // A signed-in page needs the session: 503 page.
    for (let i = 0; i < 5; i += 1) {
      const page = await timed(() => agent.get('/'));
      expect(page.status).toBe(503);
      expect(page.text).toContain('temporarily unavailable');
      expect(page.headers['retry-after']).toBeDefined();
    }
    // The JSON API too.
    const api = await timed(() => agent.get('/api/session'));
    expect(api.status).toBe(503);
    expect(api.body.error.code).toBe('session_store_unavailable');

    // A login cannot half-complete: refused before the code is exchanged, no session cookie.
    const login = await timed(() => h.agent().get(h.callbackPath(ACME.user)));
    expect(login.status).toBe(503);
    expect(cookieLine(login, 'sso_session')).toBeUndefined();
    expect(h.emulator.controls.stats().tokenRequests).toBe(0);

    // Readiness says why; liveness stays up.
    const ready = await timed(() => h.agent().get('/readyz'));
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({
      status: 'not_ready',
      checks: { session_store: 'unavailable', issuer_keys: 'ok' },
    });
    await h.agent().get('/healthz').expect(200);

    for (const latency of latencies) expect(latency).toBeLessThan(ANSWER_BOUND_MS);

    await proxy.restore();
    const restoredAt = performance.now();
    let recoveredAfter = -1;
    while (performance.now() - restoredAt < 15_000) {
      const page = await agent.get('/');
      if (page.status === 200) {
        recoveredAfter = performance.now() - restoredAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(recoveredAfter).toBeGreaterThanOrEqual(0); // the session written before the outage is back
    await h.agent().get(h.callbackPath(ACME.user)).expect(302);
    // Readiness answers from its background check (every 100 ms here): ready again at the next one.
    let readyAgain = 0;
    for (let i = 0; i < 100 && readyAgain !== 200; i += 1) {
      readyAgain = (await h.agent().get('/readyz')).status;
      if (readyAgain !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(readyAgain).toBe(200);

    // The Redis client's errors were logged, but rate-limited.
    const redisLogs = (h as { redisLogs?: LogCapture }).redisLogs!;
    const errors = redisLogs.records().filter((r) => r.event === 'redis_error');
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.length).toBeLessThanOrEqual(3);
    expect(redisLogs.text()).not.toContain(TEST_REDIS_URL.replace('redis://', ''));

    // Measurements for the README / closing note (no assertion on them).
    const sorted = [...latencies].sort((x, y) => x - y);
    const report = {
      outage_503_ms: {
        min: sorted[0],
        median: sorted[Math.floor(sorted.length / 2)],
        max: sorted[sorted.length - 1],
        samples: sorted.length,
      },
      recovery_ms: recoveredAfter,
      command_timeout_ms: COMMAND_TIMEOUT_MS,
    };
    writeReport('redis-outage-cut.json', report);
  }, 60_000); // bounded polls of up to 15 s and 5 s after the outage: more than the default 20 s

  test('a stalled connection (no error, no answer) still gives 503s bounded by the command timeout', async () => {
    const agent = h.agent();
    await h.login(agent).expect(302);
    proxy.stall();
    const latencies: number[] = [];
    try {
      for (let i = 0; i < 3; i += 1) {
        const started = performance.now();
        const page = await agent.get('/');
        latencies.push(performance.now() - started);
        expect(page.status).toBe(503);
      }
      const started = performance.now();
      const login = await h.agent().get(h.callbackPath(ACME.user));
      latencies.push(performance.now() - started);
      expect(login.status).toBe(503);
      for (const latency of latencies) expect(latency).toBeLessThan(ANSWER_BOUND_MS);
    } finally {
      proxy.resume();
    }
    const restoredAt = performance.now();
    let recoveredAfter = -1;
    while (performance.now() - restoredAt < 15_000) {
      if ((await agent.get('/')).status === 200) {
        recoveredAfter = performance.now() - restoredAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(recoveredAfter).toBeGreaterThanOrEqual(0); // the same session, not a new login
    const sorted = [...latencies].sort((x, y) => x - y);
    writeReport('redis-outage-blackhole.json', {
      outage_503_ms: { min: sorted[0], max: sorted[sorted.length - 1], samples: sorted.length },
      recovery_ms: recoveredAfter,
      command_timeout_ms: COMMAND_TIMEOUT_MS,
    });
  }, 60_000); // a bounded recovery poll of up to 15 s after the stalled requests
});

/** Writes a measurement under artifacts/ (git-ignored) for the closing note; never asserted. */
function writeReport(name: string, report: unknown): void {
  const dir = path.resolve(__dirname, '..', '..', '..', 'artifacts');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, name), `${JSON.stringify(report, null, 2)}\n`);
}
