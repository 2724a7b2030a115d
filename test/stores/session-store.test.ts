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
});

test('a session round-trips through the memory store; destroy forgets it', async () => {
  const store = createMemorySessionStore();
  try {
    const record = {
      cookie: { maxAge: 60_000, originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) },
      user: { name: 'Zoë 👩‍💻' },
    } as unknown as session.SessionData;
    await new Promise<void>((resolve, reject) =>
      store.set('sid-1', record, (error) => (error ? reject(error) : resolve())),
    );
    const read = await new Promise<unknown>((resolve, reject) =>
      store.get('sid-1', (error, value) => (error ? reject(error) : resolve(value))),
    );
    expect(read).toMatchObject({ user: { name: 'Zoë 👩‍💻' } });
    await new Promise<void>((resolve) => store.destroy('sid-1', () => resolve()));
    const gone = await new Promise<unknown>((resolve) =>
      store.get('sid-1', (_error, value) => resolve(value)),
    );
    expect(gone == null).toBe(true);
  } finally {
    (store as unknown as { stopInterval(): void }).stopInterval();
  }
});
