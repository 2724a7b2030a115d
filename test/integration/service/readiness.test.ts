/**
 * Issue 19: `/readyz` answers from what the process knows (a background check at a fixed interval)
 * and never makes an upstream request itself, so it cannot be used to make the service hammer Vercel.
 */
import request from 'supertest';
import { startHarness } from '../../support/harness';

describe('/readyz is not a way to reach Vercel', () => {
  test('100 calls while the keys fail cause one check (one discovery, one JWKS request), all 503', async () => {
    // An interval longer than the test: only the first check can run.
    const h = await startHarness({ READINESS_CHECK_INTERVAL_MS: '600000' });
    try {
      h.emulator.controls.setFault('jwks', { kind: 'unavailable' });
      h.emulator.controls.resetStats();
      const statuses: number[] = [];
      for (let batch = 0; batch < 10; batch += 1) {
        const responses = await Promise.all(
          Array.from({ length: 10 }, () => request(h.sso.app).get('/readyz')),
        );
        statuses.push(...responses.map((r) => r.status));
      }
      expect(statuses).toEqual(Array.from({ length: 100 }, () => 503));
      const stats = h.emulator.controls.stats();
      expect(stats.discoveryRequests).toBe(1);
      expect(stats.jwksRequests).toBe(1);
      await request(h.sso.app).get('/healthz').expect(200);
    } finally {
      await h.close();
    }
  });

  test('at most one upstream request per background interval; ready again once the keys come back', async () => {
    const intervalMs = 100;
    const h = await startHarness({ READINESS_CHECK_INTERVAL_MS: String(intervalMs) });
    try {
      h.emulator.controls.setFault('jwks', { kind: 'unavailable' });
      await request(h.sso.app).get('/readyz').expect(503); // first check: discovery cached from now on
      h.emulator.controls.resetStats();
      const started = performance.now();
      for (let i = 0; i < 100; i += 1) await request(h.sso.app).get('/readyz').expect(503);
      const intervals = Math.ceil((performance.now() - started) / intervalMs);
      const stats = h.emulator.controls.stats();
      process.stdout.write(
        `readyz: 100 calls over ${intervals} intervals caused ${stats.jwksRequests} JWKS and ${stats.discoveryRequests} discovery requests\n`,
      );
      expect(stats.discoveryRequests).toBe(0);
      expect(stats.jwksRequests).toBeLessThanOrEqual(intervals + 1);

      h.emulator.controls.clearFaults();
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i += 1) {
        status = (await request(h.sso.app).get('/readyz')).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(status).toBe(200);
    } finally {
      await h.close();
    }
  });
});
