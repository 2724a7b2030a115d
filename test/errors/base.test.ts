/**
 * `errorForLog`: the log lines that report a wrapped error keep the original's name and code
 * (issue 15 item 2), through the service's own pino logger and its redaction, without messages.
 */
import { errors as joseErrors } from 'jose';
import { ClientClosedError, ErrorReply } from 'redis';
import { errorForLog, errorName, ERROR_LOG_MAX_DEPTH } from '../../src/errors/base';
import { InvalidIdTokenError } from '../../src/flow/id-token';
import { storeErrorFrom } from '../../src/stores/timeout';
import { vercelUnavailableFrom } from '../../src/vercel/http';
import { createLogger } from '../../src/web/logger';
import { LogCapture } from '../support/log-capture';

const SECRET = 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2Vu.c2ln';

test('a wrapped jose error: the chain of names and codes, no message', () => {
  const jose = new joseErrors.JWTExpired(`"exp" claim timestamp check failed ${SECRET}`, {});
  const summary = errorForLog(new InvalidIdTokenError('exp', { cause: jose }));
  expect(summary).toEqual({
    name: 'InvalidIdTokenError',
    error_code: 'ERR_ID_TOKEN_INVALID',
    cause: { name: 'JWTExpired', error_code: 'ERR_JWT_EXPIRED' },
  });
  expect(JSON.stringify(summary)).not.toContain(SECRET);
});

test("undici's TypeError with cause.code ECONNREFUSED inside a VercelUnavailableError", () => {
  const fetchFailed = new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
  });
  const error = vercelUnavailableFrom(fetchFailed, {
    timedOut: false,
    timeoutMs: 1000,
    origin: 'https://api.vercel.com',
  });
  expect(errorForLog(error)).toEqual({
    name: 'VercelUnavailableError',
    error_code: 'ERR_VERCEL_UNAVAILABLE',
    cause: { name: 'TypeError', cause: { name: 'Error', error_code: 'ECONNREFUSED' } },
  });
});

test("node-redis errors, whose name is 'Error', are named by their class", () => {
  expect(new ClientClosedError().name).toBe('Error');
  expect(errorName(new ClientClosedError())).toBe('ClientClosedError');
  expect(errorForLog(new ErrorReply('ERR x'))).toEqual({ name: 'ErrorReply' });
  expect(errorName(new TypeError('x'))).toBe('TypeError');
});

test('a name or code that is not a short identifier is not copied; non-errors are named by type', () => {
  const odd = Object.assign(new Error('x'), {
    name: `Bearer ${SECRET} x`,
    code: 'has spaces in it',
  });
  expect(errorForLog(odd)).toEqual({ name: 'Error' });
  expect(errorForLog('a string thrown')).toEqual({ name: 'string' });
  expect(errorForLog(undefined)).toEqual({ name: 'undefined' });
  expect(errorForLog(null)).toEqual({ name: 'object' });
});

test(`the cause chain is followed ${ERROR_LOG_MAX_DEPTH} levels deep, no more (a cycle ends)`, () => {
  const looped = new Error('a');
  (looped as { cause?: unknown }).cause = looped;
  let depth = 0;
  for (let s: { cause?: unknown } | undefined = errorForLog(looped); s; s = s.cause as never)
    depth += 1;
  expect(depth).toBe(ERROR_LOG_MAX_DEPTH);
});

test("through the service's logger: err.name, err.error_code and the cause's name survive redaction", () => {
  const capture = new LogCapture();
  const redisError = new ErrorReply(`READONLY key sso:code:${SECRET}`);
  createLogger('info', capture).warn(
    {
      event: 'login',
      reason: 'store_unavailable',
      err: errorForLog(storeErrorFrom(redisError, 'code claim')),
    },
    'login failed: store_unavailable',
  );
  const [line] = capture.records();
  expect(line).toMatchObject({
    err: {
      name: 'StoreUnavailableError',
      error_code: 'ERR_STORE_UNAVAILABLE',
      cause: { name: 'ErrorReply' },
    },
  });
  expect(capture.text()).not.toContain(SECRET);
  expect(capture.text()).not.toContain('[redacted]');
});
