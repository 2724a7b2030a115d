/**
 * Memory retention of the in-process stores: expired records must leave memory on their own once
 * their window has passed, without anyone reading them (the bench's memory model found expired
 * redeemed-code records and last-touch times held until the 100 000-entry cap evicted them).
 */
import session from 'express-session';
import { eventually } from '../support/eventually';
import { MemoryOneTimeStore } from '../../src/stores/one-time-store';
import { TouchThrottledStore } from '../../src/stores/touch-throttle';

/** Polls `read` until it returns `expected`; throws after 10 s (a hang guard, not a timing check). */
async function untilHeld(read: () => number, expected: number): Promise<number> {
  await eventually(
    `${expected} held`,
    () => read() === expected,
    10_000,
    20,
    () => `held ${read()}`,
  );
  return read();
}

describe('MemoryOneTimeStore', () => {
  test('expired redeemed-code records are dropped by the prune timer, unread', async () => {
    const store = new MemoryOneTimeStore(1000, 50);
    try {
      for (let i = 0; i < 100; i += 1)
        expect(await store.claim(`code-${i}`, 'pending', 30)).toBe(true);
      await store.claim('still-live', 'done', 60_000);
      expect(store.heldRecords).toBe(101);
      expect(await untilHeld(() => store.heldRecords, 1)).toBe(1);
      // The live record is untouched, and a replay of it is still refused.
      expect(await store.get('still-live')).toBe('done');
      expect(await store.claim('still-live', 'again', 60_000)).toBe(false);
    } finally {
      store.stop();
    }
  });

  test('stop() ends pruning: expired records stay until read', async () => {
    const store = new MemoryOneTimeStore(1000, 20);
    store.stop();
    await store.claim('a', 'x', 10);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(store.heldRecords).toBe(1);
    expect(await store.get('a')).toBeUndefined();
  });
});

describe('TouchThrottledStore', () => {
  test('last-touch times of sessions are forgotten once the interval has passed', async () => {
    const inner = new session.MemoryStore();
    const store = new TouchThrottledStore(inner, 50);
    try {
      const data = { cookie: { originalMaxAge: 60_000 } } as session.SessionData;
      for (let i = 0; i < 20; i += 1) {
        await new Promise<void>((resolve) => store.set(`sid-${i}`, data, () => resolve()));
      }
      expect(store.rememberedTouches).toBe(20);
      expect(await untilHeld(() => store.rememberedTouches, 0)).toBe(0);
    } finally {
      store.stop();
    }
  });

  test('a touch within the interval is still throttled, one after it reaches the store', async () => {
    const touched: string[] = [];
    const inner = new session.MemoryStore();
    inner.touch = (sid, _data, callback) => {
      touched.push(sid);
      callback?.();
    };
    const store = new TouchThrottledStore(inner, 200);
    try {
      const data = { cookie: { originalMaxAge: 60_000 } } as session.SessionData;
      const touch = () => new Promise<void>((resolve) => store.touch('sid', data, () => resolve()));
      await touch();
      await touch();
      expect(touched).toEqual(['sid']);
      await new Promise((resolve) => setTimeout(resolve, 250));
      await touch();
      expect(touched).toEqual(['sid', 'sid']);
    } finally {
      store.stop();
    }
  });
});
