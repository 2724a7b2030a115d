import { StoreTimeoutError } from './timeout';

/**
 * The shared store that failed: express-session's store, the one-time records (redeemed codes,
 * return-to, account switches), the session index (revocation), the rate-limit counters.
 * @example
 * ```ts
 * const store: StoreName = 'session';
 * ```
 */
export type StoreName = 'session' | 'one_time' | 'session_index' | 'rate_limit';

/**
 * How a store operation failed: `timeout` (no answer within `REDIS_COMMAND_TIMEOUT_MS`) or `error`
 * (refused, disconnected, …).
 * @example
 * ```ts
 * const kind: StoreErrorKind = 'timeout';
 * ```
 */
export type StoreErrorKind = 'timeout' | 'error';

/** The {@link StoreErrorKind} of a store error (a `StoreTimeoutError` is a timeout). */
export function storeErrorKind(error: unknown): StoreErrorKind {
  return error instanceof StoreTimeoutError ? 'timeout' : 'error';
}

/** Told each failed store operation (metrics); must not throw. */
export type StoreErrorReporter = (store: StoreName, kind: StoreErrorKind) => void;

/**
 * `target` with each of its promise-returning methods reporting a rejection to `report` (as
 * `store`, and `timeout` for a `StoreTimeoutError`, `error` otherwise) before passing it on
 * unchanged. Used on the Redis one-time store and session index; the memory ones never fail.
 */
export function reportingStoreErrors<T extends object>(
  target: T,
  store: StoreName,
  report: StoreErrorReporter,
): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(object, args);
        return result instanceof Promise
          ? result.catch((error: unknown) => rethrowReported(error, store, report))
          : result;
      };
    },
  });
}

/** Reports `error` as a failure of `store`, then throws it again. */
export function rethrowReported(
  error: unknown,
  store: StoreName,
  report: StoreErrorReporter,
): never {
  report(store, storeErrorKind(error));
  throw error;
}
