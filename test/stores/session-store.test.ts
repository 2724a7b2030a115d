import type session from 'express-session';
import { createMemorySessionStore } from '../../src/stores/session-store';

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
            } as session.SessionData,
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
});
