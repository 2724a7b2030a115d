import request from 'supertest';
import { startHarness } from '../../support/harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('readiness', () => {
  test('/readyz is 200 with the memory store and reachable keys; 503 with a JSON reason when the keys are not', async () => {
    const h = await startHarness();
    try {
      const ready = await request(h.sso.app).get('/readyz').expect(200);
      expect(ready.body).toEqual({
        status: 'ready',
        checks: { session_store: 'ok', issuer_keys: 'ok' },
      });
    } finally {
      await h.close();
    }
    const cold = await startHarness();
    try {
      cold.emulator.controls.setFault('jwks', { kind: 'unavailable' });
      const notReady = await request(cold.sso.app).get('/readyz');
      expect(notReady.status).toBe(503);
      expect(notReady.body).toEqual({
        status: 'not_ready',
        checks: { session_store: 'ok', issuer_keys: 'unavailable' },
      });
      await request(cold.sso.app).get('/healthz').expect(200);
    } finally {
      await cold.close();
    }
  });

  test('with a warm key cache, /readyz stays 200 while the JWKS is down', async () => {
    const h = await startHarness({ JWKS_CACHE_MAX_AGE_MS: '1' });
    try {
      await request(h.sso.app).get('/readyz').expect(200);
      h.emulator.controls.setFault('jwks', { kind: 'unavailable' });
      await sleep(5);
      await request(h.sso.app).get('/readyz').expect(200);
    } finally {
      await h.close();
    }
  });
});
