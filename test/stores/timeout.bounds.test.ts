/** Time bounds on store operations (src/stores/timeout.ts): withTimeout and TimeoutSessionStore. */
import session from 'express-session';
import {
  StoreTimeoutError,
  StoreUnavailableError,
  TimeoutSessionStore,
  withTimeout,
} from '../../src/stores/timeout';

const never = () => new Promise<never>(() => undefined);

describe('withTimeout', () => {
  test('a promise that settles in time gives its value', async () => {
    await expect(withTimeout(Promise.resolve('v'), 1000, 'op')).resolves.toBe('v');
  });

  test('no answer within the bound: StoreTimeoutError naming the operation and the bound', async () => {
    const error = await withTimeout(never(), 20, 'session get').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreTimeoutError);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({
      name: 'StoreTimeoutError',
      operation: 'session get',
      timeoutMs: 20,
      message: 'session get did not finish within 20 ms',
    });
  });

  test('any other failure becomes a StoreUnavailableError carrying the error class, never its message', async () => {
    const error = await withTimeout(
      Promise.reject(new TypeError('AUTH hunter2 failed on redis://user:pw@host')),
      1000,
      'one-time take',
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).not.toBeInstanceOf(StoreTimeoutError);
    expect(error).toMatchObject({
      name: 'StoreUnavailableError',
      operation: 'one-time take',
      message: 'one-time take failed: TypeError',
    });
  });

  test('a StoreUnavailableError passes through unchanged', async () => {
    const original = new StoreUnavailableError('inner op');
    await expect(withTimeout(Promise.reject(original), 1000, 'outer')).rejects.toBe(original);
  });

  test('a failure arriving after the timeout is not an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      let fail!: (error: Error) => void;
      const late = new Promise<never>((_resolve, reject) => (fail = reject));
      await expect(withTimeout(late, 10, 'op')).rejects.toBeInstanceOf(StoreTimeoutError);
      fail(new Error('late'));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });
});

/** An express-session store double whose every call answers through `behave`. */
class DoubleStore extends session.Store {
  calls: string[] = [];
  constructor(
    private readonly behave: (done: (error?: unknown, value?: unknown) => void) => void,
    withTouch = true,
  ) {
    super();
    if (!withTouch) (this as { touch?: unknown }).touch = undefined;
  }
  override get(sid: string, cb: (error: unknown, s?: session.SessionData | null) => void) {
    this.calls.push(`get ${sid}`);
    this.behave(cb as never);
  }
  override set(sid: string, _data: session.SessionData, cb?: (error?: unknown) => void) {
    this.calls.push(`set ${sid}`);
    this.behave((error) => cb?.(error));
  }
  override destroy(sid: string, cb?: (error?: unknown) => void) {
    this.calls.push(`destroy ${sid}`);
    this.behave((error) => cb?.(error));
  }
  override touch(sid: string, _data: session.SessionData, cb?: () => void) {
    this.calls.push(`touch ${sid}`);
    this.behave(() => cb?.());
  }
}

const data = { cookie: {} } as session.SessionData;
const call = <T>(run: (cb: (error?: unknown, value?: T) => void) => void) =>
  new Promise<{ error?: unknown; value?: T }>((resolve) =>
    run((error, value) => resolve({ error, value })),
  );

describe('TimeoutSessionStore', () => {
  test('answers in time pass through: get returns the session, set/destroy/touch succeed', async () => {
    const stored = { cookie: {}, user: 'u' };
    const inner = new DoubleStore((done) => done(null, stored));
    const store = new TimeoutSessionStore(inner, 1000);
    expect(await call((cb) => store.get('s1', cb))).toEqual({ error: null, value: stored });
    expect((await call((cb) => store.set('s1', data, cb))).error).toBeFalsy();
    expect((await call((cb) => store.destroy('s1', cb))).error).toBeFalsy();
    await call((cb) => store.touch('s1', data, () => cb()));
    expect(inner.calls).toEqual(['get s1', 'set s1', 'destroy s1', 'touch s1']);
  });

  test('a store that never answers: each operation fails with StoreTimeoutError, reported once', async () => {
    const reported: unknown[] = [];
    const store = new TimeoutSessionStore(new DoubleStore(() => undefined), 20, (e) =>
      reported.push(e),
    );
    const { error } = await call((cb) => store.get('s', cb));
    expect(error).toMatchObject({
      name: 'StoreTimeoutError',
      message: 'session get did not finish within 20 ms',
    });
    expect((await call((cb) => store.set('s', data, cb))).error).toMatchObject({
      operation: 'session set',
    });
    expect((await call((cb) => store.destroy('s', cb))).error).toMatchObject({
      operation: 'session destroy',
    });
    expect(reported).toHaveLength(3);
  });

  test('a late answer after the timeout is ignored: the callback runs once', async () => {
    let answer!: (error?: unknown, value?: unknown) => void;
    const store = new TimeoutSessionStore(new DoubleStore((done) => (answer = done)), 20);
    const callbacks: unknown[] = [];
    await new Promise<void>((resolve) =>
      store.get('s', (error) => {
        callbacks.push(error);
        resolve();
      }),
    );
    answer(null, { cookie: {} });
    await new Promise((resolve) => setImmediate(resolve));
    expect(callbacks).toHaveLength(1);
    expect(callbacks[0]).toBeInstanceOf(StoreTimeoutError);
  });

  test('an error from the store, or a synchronous throw, reaches the callback and the reporter', async () => {
    const reported: unknown[] = [];
    const failing = new Error('down');
    const store = new TimeoutSessionStore(new DoubleStore((done) => done(failing)), 1000, (e) =>
      reported.push(e),
    );
    expect((await call((cb) => store.get('s', cb))).error).toBe(failing);
    const throwing = new TimeoutSessionStore(
      new DoubleStore(() => {
        throw failing;
      }),
      1000,
      (e) => reported.push(e),
    );
    expect((await call((cb) => throwing.set('s', data, cb))).error).toBe(failing);
    expect(reported).toEqual([failing, failing]);
  });

  test('an inner store without touch: touch answers at once', async () => {
    const inner = new DoubleStore(() => undefined, false);
    const store = new TimeoutSessionStore(inner, 1000);
    await call((cb) => store.touch('s', data, () => cb()));
    expect(inner.calls).toEqual([]);
  });
});
