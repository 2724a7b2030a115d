/**
 * Issue 20: the session touch (which extends a session's idle lifetime in the store) is throttled
 * to once per 1/20 of the idle lifetime, at most a minute. The idle lifetime is in seconds, the
 * interval in ms: the values below are off by 1000 if either unit slips.
 */
import session from 'express-session';
import { TouchThrottledStore, touchIntervalMsFor } from '../../src/stores/touch-throttle';

class CountingStore extends session.Store {
  touches: string[] = [];
  sets: string[] = [];
  destroyed: string[] = [];
  override get(
    _sid: string,
    callback: (error: unknown, data?: session.SessionData | null) => void,
  ) {
    callback(null, null);
  }
  override set(sid: string, _data: session.SessionData, callback?: (error?: unknown) => void) {
    this.sets.push(sid);
    callback?.();
  }
  override destroy(sid: string, callback?: (error?: unknown) => void) {
    this.destroyed.push(sid);
    callback?.();
  }
  override touch(sid: string, _data: session.SessionData, callback?: () => void) {
    this.touches.push(sid);
    callback?.();
  }
}

const DATA = { cookie: { originalMaxAge: null } } as unknown as session.SessionData;

afterEach(() => jest.useRealTimers());

test('the interval is 1/20 of the idle lifetime in ms, at most 60 000 ms', () => {
  expect(touchIntervalMsFor(20)).toBe(1000);
  expect(touchIntervalMsFor(600)).toBe(30_000);
  expect(touchIntervalMsFor(1200)).toBe(60_000);
  expect(touchIntervalMsFor(8 * 3600)).toBe(60_000);
});

test('a touch reaches the store at most once per interval per session; a write or sign-out resets it', () => {
  jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
  const inner = new CountingStore();
  const store = new TouchThrottledStore(inner, touchIntervalMsFor(20));
  const touch = (sid: string) => store.touch(sid, DATA, () => undefined);

  touch('a'); // never touched: passes
  expect(inner.touches).toEqual(['a']);
  jest.advanceTimersByTime(999);
  touch('a'); // 999 ms later: throttled
  touch('b'); // another session: its own budget
  expect(inner.touches).toEqual(['a', 'b']);
  jest.advanceTimersByTime(1);
  touch('a'); // 1000 ms after the first: passes
  expect(inner.touches).toEqual(['a', 'b', 'a']);

  store.set('a', DATA, () => undefined); // a write counts as a touch
  jest.advanceTimersByTime(500);
  touch('a');
  expect(inner.touches).toEqual(['a', 'b', 'a']);
  expect(inner.sets).toEqual(['a']);

  store.destroy('a', () => undefined); // sign-out forgets the session
  expect(inner.destroyed).toEqual(['a']);
  touch('a');
  expect(inner.touches).toEqual(['a', 'b', 'a', 'a']);
});
