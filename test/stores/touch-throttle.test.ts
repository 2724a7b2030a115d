/** Throttled session touches (src/stores/touch-throttle.ts). */
import session from 'express-session';
import { touchIntervalMsFor, TouchThrottledStore } from '../../src/stores/touch-throttle';

describe('touchIntervalMsFor', () => {
  test.each([
    [1800, 60_000],
    [1200, 60_000],
    [600, 30_000],
    [60, 3_000],
    [1, 50],
  ])(
    'an idle lifetime of %i s touches at most every %i ms (1/20, capped at a minute)',
    (idle, ms) => {
      expect(touchIntervalMsFor(idle)).toBe(ms);
    },
  );
});

/** A memory store that records the calls the wrapper lets through. */
class Recording extends session.Store {
  calls: string[] = [];
  override get(sid: string, cb: (error: unknown, s?: session.SessionData | null) => void) {
    this.calls.push(`get ${sid}`);
    cb(null, null);
  }
  override set(sid: string, _d: session.SessionData, cb?: (error?: unknown) => void) {
    this.calls.push(`set ${sid}`);
    cb?.();
  }
  override destroy(sid: string, cb?: (error?: unknown) => void) {
    this.calls.push(`destroy ${sid}`);
    cb?.();
  }
  override touch(sid: string, _d: session.SessionData, cb?: () => void) {
    this.calls.push(`touch ${sid}`);
    cb?.();
  }
}

const data = { cookie: {} } as session.SessionData;

describe('TouchThrottledStore', () => {
  afterEach(() => jest.useRealTimers());

  function touch(store: session.Store, sid: string): Promise<void> {
    return new Promise((resolve) => store.touch!(sid, data, () => resolve()));
  }

  test('one touch per session per interval reaches the store; the callback always runs', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const inner = new Recording();
    const store = new TouchThrottledStore(inner, 60_000);
    await touch(store, 'a');
    await touch(store, 'a');
    await touch(store, 'b');
    jest.setSystemTime(1_000_000 + 59_999);
    await touch(store, 'a');
    jest.setSystemTime(1_000_000 + 60_000);
    await touch(store, 'a');
    expect(inner.calls).toEqual(['touch a', 'touch b', 'touch a']);
  });

  test('a set counts as a touch; after a destroy the next touch goes through', async () => {
    jest.useFakeTimers({ now: 5_000_000 });
    const inner = new Recording();
    const store = new TouchThrottledStore(inner, 60_000);
    await new Promise<void>((resolve) => store.set('a', data, () => resolve()));
    await touch(store, 'a');
    await new Promise<void>((resolve) => store.destroy('a', () => resolve()));
    await touch(store, 'a');
    expect(inner.calls).toEqual(['set a', 'destroy a', 'touch a']);
  });

  test('an interval of 0 lets every touch through; get is never throttled', async () => {
    const inner = new Recording();
    const store = new TouchThrottledStore(inner, 0);
    await touch(store, 'a');
    await touch(store, 'a');
    for (let i = 0; i < 2; i += 1)
      await new Promise<void>((resolve) => store.get('a', () => resolve()));
    expect(inner.calls).toEqual(['touch a', 'touch a', 'get a', 'get a']);
  });

  test('sessions beyond maxSessions are forgotten: their next touch goes through again', async () => {
    jest.useFakeTimers({ now: 9_000_000 });
    const inner = new Recording();
    const store = new TouchThrottledStore(inner, 60_000, 2);
    for (const sid of ['a', 'b', 'c']) await touch(store, sid);
    await touch(store, 'a');
    expect(inner.calls).toEqual(['touch a', 'touch b', 'touch c', 'touch a']);
  });

  test('an inner store without touch: the callback runs, nothing else', async () => {
    const inner = new Recording();
    (inner as { touch?: unknown }).touch = undefined;
    await touch(new TouchThrottledStore(inner, 0), 'a');
    expect(inner.calls).toEqual([]);
  });

  test('all, length, clear and prune exist only when the inner store has them, and delegate', () => {
    const bare = new TouchThrottledStore(new Recording(), 1000);
    expect([bare.all, bare.length, bare.clear, bare.prune]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    const inner = Object.assign(new Recording(), {
      length: (cb: (error: unknown, n?: number) => void) => cb(null, 7),
      prune: jest.fn(),
    });
    const store = new TouchThrottledStore(inner, 1000);
    const lengths: unknown[] = [];
    store.length!((_error, n) => lengths.push(n));
    store.prune!();
    expect(lengths).toEqual([7]);
    expect(inner.prune).toHaveBeenCalledTimes(1);
  });
});
