/** Store failures reported for metrics (src/stores/observed.ts). */
import {
  reportingStoreErrors,
  rethrowReported,
  storeErrorKind,
  type StoreErrorKind,
  type StoreName,
} from '../../src/stores/observed';
import { StoreTimeoutError, StoreUnavailableError } from '../../src/stores/timeout';

test('a StoreTimeoutError is a timeout; anything else is an error', () => {
  expect(storeErrorKind(new StoreTimeoutError('op', 10))).toBe('timeout');
  expect(storeErrorKind(new StoreUnavailableError('op'))).toBe('error');
  expect(storeErrorKind(new Error('x'))).toBe('error');
  expect(storeErrorKind(undefined)).toBe('error');
});

describe('reportingStoreErrors', () => {
  const target = {
    prefix: 'p:',
    async ok(value: string) {
      return `${this.prefix}${value}`;
    },
    async slow() {
      throw new StoreTimeoutError('one-time take', 50);
    },
    async broken() {
      throw new Error('refused');
    },
    sync() {
      return 42;
    },
  };

  function wrapped() {
    const reports: [StoreName, StoreErrorKind][] = [];
    const proxy = reportingStoreErrors(target, 'one_time', (store, kind) =>
      reports.push([store, kind]),
    );
    return { proxy, reports };
  }

  test('successes and plain properties pass through, with this bound to the target; nothing is reported', async () => {
    const { proxy, reports } = wrapped();
    await expect(proxy.ok('k')).resolves.toBe('p:k');
    expect(proxy.sync()).toBe(42);
    expect(proxy.prefix).toBe('p:');
    expect(reports).toEqual([]);
  });

  test('a rejection is reported once with its kind and rethrown unchanged', async () => {
    const { proxy, reports } = wrapped();
    await expect(proxy.slow()).rejects.toBeInstanceOf(StoreTimeoutError);
    await expect(proxy.broken()).rejects.toThrow('refused');
    expect(reports).toEqual([
      ['one_time', 'timeout'],
      ['one_time', 'error'],
    ]);
  });
});

test('rethrowReported reports, then throws the same error', () => {
  const reports: unknown[] = [];
  const error = new StoreTimeoutError('session get', 5);
  expect(() => rethrowReported(error, 'session', (...args) => reports.push(args))).toThrow(error);
  expect(reports).toEqual([['session', 'timeout']]);
});
