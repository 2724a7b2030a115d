import request from 'supertest';
import type session from 'express-session';
import { MemoryOneTimeStore } from '../../src/stores/one-time-store';
import { createMemorySessionStore } from '../../src/stores/session-store';
import { startHarness } from '../support/harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Number of sessions a memorystore holds (its `length`). */
function length(store: session.Store): Promise<number> {
  return new Promise((resolve, reject) =>
    store.length!((error, n) => (error ? reject(error) : resolve(n ?? 0))),
  );
}

describe('the in-process stores are bounded', () => {
  test('many expired sessions are pruned: the memory store returns to (near) zero', async () => {
    const store = createMemorySessionStore(3000, 100);
    try {
      for (let i = 0; i < 5000; i += 1) {
        await new Promise<void>((resolve, reject) =>
          store.set(
            `sid-${i}`,
            {
              cookie: { maxAge: 3000, originalMaxAge: 3000, expires: new Date(Date.now() + 3000) },
            },
            (error) => (error ? reject(error) : resolve()),
          ),
        );
      }
      expect(await length(store)).toBe(5000);
      await sleep(3500);
      expect(await length(store)).toBeLessThanOrEqual(10);
    } finally {
      (store as unknown as { stopInterval(): void }).stopInterval();
    }
  });

  test('one-time records expire and the LRU never exceeds its bound', async () => {
    const store = new MemoryOneTimeStore(1000);
    for (let i = 0; i < 3000; i += 1) await store.claim(`k${i}`, 'v', 150);
    expect(store.size).toBeLessThanOrEqual(1000);
    await sleep(300);
    expect(store.size).toBe(0);
  });

  test('claim is once-only; take consumes', async () => {
    const store = new MemoryOneTimeStore();
    expect(await store.claim('a', '1', 1000)).toBe(true);
    expect(await store.claim('a', '2', 1000)).toBe(false);
    expect(await store.take('a')).toBe('1');
    expect(await store.take('a')).toBeUndefined();
  });
});

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
