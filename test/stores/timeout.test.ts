/**
 * The store mapping (issue 15 item 2): a store client's failure becomes a StoreUnavailableError
 * (`ERR_STORE_UNAVAILABLE`, a 503 upstream) with the client's error kept as `cause` and its name in
 * the message; a late answer is a StoreTimeoutError (`ERR_STORE_TIMEOUT`).
 */
import { ClientClosedError, ErrorReply } from 'redis';
import {
  storeErrorFrom,
  StoreTimeoutError,
  StoreUnavailableError,
  withTimeout,
} from '../../src/stores/timeout';

test("node-redis's ClientClosedError: ERR_STORE_UNAVAILABLE, the operation and the name in the message, the original as cause", () => {
  const closed = new ClientClosedError();
  const error = storeErrorFrom(closed, 'code claim');
  expect(error).toBeInstanceOf(StoreUnavailableError);
  expect(error).toMatchObject({
    code: 'ERR_STORE_UNAVAILABLE',
    operation: 'code claim',
    message: 'code claim failed: ClientClosedError',
  });
  expect(error.cause).toBe(closed);
});

test('a store error is not wrapped twice', () => {
  const timeout = new StoreTimeoutError('session get', 50);
  expect(storeErrorFrom(timeout, 'other')).toBe(timeout);
});

test('withTimeout: a Redis ErrorReply rejects as a StoreUnavailableError whose cause is the reply (the key it quotes stays out of the message)', async () => {
  const reply = new ErrorReply(
    "WRONGTYPE Operation against a key holding the wrong kind of value 'sso:code:secret'",
  );
  const error = await withTimeout(Promise.reject(reply), 1000, 'one-time take').catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreUnavailableError);
  expect(error).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', operation: 'one-time take' });
  expect((error as Error).cause).toBe(reply);
  expect((error as Error).message).toBe('one-time take failed: ErrorReply');
});

test('withTimeout: no answer within the bound rejects as a StoreTimeoutError (ERR_STORE_TIMEOUT)', async () => {
  const error = await withTimeout(new Promise(() => undefined), 10, 'ping').catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreTimeoutError);
  expect(error).toBeInstanceOf(StoreUnavailableError);
  expect(error).toMatchObject({ code: 'ERR_STORE_TIMEOUT', operation: 'ping', timeoutMs: 10 });
});
