import session from 'express-session';
import { errorName, VercelSsoError } from '../errors/base';

/**
 * The codes of the store errors (closed): `ERR_STORE_UNAVAILABLE` ({@link StoreUnavailableError}: the
 * store failed) and `ERR_STORE_TIMEOUT` ({@link StoreTimeoutError}: it did not answer in time).
 * @example
 * ```ts
 * const kind = (code: StoreErrorCode) => (code === 'ERR_STORE_TIMEOUT' ? 'timeout' : 'error');
 * ```
 */
export type StoreErrorCode = 'ERR_STORE_UNAVAILABLE' | 'ERR_STORE_TIMEOUT';

/**
 * A shared store (Redis) failed or did not answer: the request gets a 503 page (`store_unavailable`
 * or `session_store_unavailable`). Carries the operation name only, never keys or values; `cause` is
 * the client's error (node-redis `ClientClosedError`, `ConnectionTimeoutError`, `ErrorReply`, …).
 * @example
 * ```ts
 * if (error instanceof StoreUnavailableError) metrics.storeErrors.inc({ operation: error.operation });
 * ```
 */
export class StoreUnavailableError extends VercelSsoError<StoreErrorCode> {
  readonly code: StoreErrorCode = 'ERR_STORE_UNAVAILABLE';
  constructor(
    /** What was attempted, e.g. `code claim`, `session get`; never a key. */
    readonly operation: string,
    message = `${operation} failed`,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * A store operation that did not finish within its bound (`timeoutMs`); a late answer is discarded.
 * @example
 * ```ts
 * if (error instanceof StoreTimeoutError) logger.warn({ timeout_ms: error.timeoutMs }, error.message);
 * ```
 */
export class StoreTimeoutError extends StoreUnavailableError {
  override readonly code = 'ERR_STORE_TIMEOUT' as const;
  constructor(
    operation: string,
    /** The bound that was exceeded, ms. */
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(operation, `${operation} did not finish within ${timeoutMs} ms`, options);
    this.name = 'StoreTimeoutError';
  }
}

/**
 * Maps a store client's failure to a {@link StoreUnavailableError}, keeping the original as `cause`
 * and its class name in the message (`<operation> failed: ClientClosedError`); a {@link StoreUnavailableError}
 * is returned as it is.
 * @param operation - what was attempted (`session get`, `code claim`, …); never a key.
 */
export function storeErrorFrom(error: unknown, operation: string): StoreUnavailableError {
  if (error instanceof StoreUnavailableError) return error;
  return new StoreUnavailableError(operation, `${operation} failed: ${errorName(error)}`, {
    cause: error,
  });
}

/**
 * Rejects with {@link StoreTimeoutError} when `promise` has not settled after `timeoutMs` ms.
 * node-redis bounds a command only while it waits to be written: once on the socket it waits for
 * its reply for ever, so a stalled (black-holed) connection would hang the request. Every Redis
 * operation a request waits on goes through this; a late reply is discarded.
 */
export function withTimeout<T>(
  promise: Promise<T>,
  timeoutMs: number,
  operation: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new StoreTimeoutError(operation, timeoutMs)), timeoutMs);
  });
  // Any failure (client offline, connection closed, …) becomes a StoreUnavailableError.
  const bounded = promise.catch((error: unknown) => {
    throw storeErrorFrom(error, operation);
  });
  bounded.catch(() => undefined); // a late failure after the timeout is not unhandled
  return Promise.race([bounded, timeout]).finally(() => clearTimeout(timer));
}

type Callback = (error?: unknown, value?: unknown) => void;

/**
 * Wraps an express-session store so every `get`, `set`, `destroy` and `touch` answers within
 * `timeoutMs` ms: a late store call fails with {@link StoreTimeoutError} (which the session
 * middleware turns into a 503) and its eventual result is ignored.
 */
export class TimeoutSessionStore extends session.Store {
  constructor(
    private readonly inner: session.Store,
    private readonly timeoutMs: number,
    /** Told each failed or late operation (metrics); must not throw. */
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    super();
  }

  override get(
    sid: string,
    callback: (error: unknown, session?: session.SessionData | null) => void,
  ): void {
    this.bounded('session get', callback as Callback, (done) => this.inner.get(sid, done));
  }

  override set(sid: string, data: session.SessionData, callback?: (error?: unknown) => void): void {
    this.bounded('session set', callback, (done) => this.inner.set(sid, data, done));
  }

  override destroy(sid: string, callback?: (error?: unknown) => void): void {
    this.bounded('session destroy', callback, (done) => this.inner.destroy(sid, done));
  }

  override touch(sid: string, data: session.SessionData, callback?: () => void): void {
    if (!this.inner.touch) {
      callback?.();
      return;
    }
    this.bounded('session touch', callback, (done) => this.inner.touch!(sid, data, done));
  }

  private bounded(
    operation: string,
    callback: Callback | undefined,
    call: (done: Callback) => void,
  ): void {
    let settled = false;
    const finish: Callback = (error, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) this.onError(error);
      callback?.(error, value);
    };
    const timer = setTimeout(
      () => finish(new StoreTimeoutError(operation, this.timeoutMs)),
      this.timeoutMs,
    );
    try {
      call(finish);
    } catch (error) {
      finish(error);
    }
  }
}
