/**
 * The one errors module (issue 15 item 2): every error class the library exports sits under one
 * base, carries a `code` from the closed union `VercelSsoErrorCode`, keeps the error it wraps as
 * `cause`, and `switch (error.code)` tells the classes apart.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as errors from '../../src/errors';
import * as publicApi from '../../src/index';
import {
  InvalidCallbackError,
  InvalidIdTokenError,
  isVercelSsoError,
  KeysUnavailableError,
  LOGIN_FAILURE_CODES,
  LoginFailure,
  StoreTimeoutError,
  StoreUnavailableError,
  VERCEL_SSO_ERROR_CODES,
  VercelApiError,
  VercelSsoError,
  VercelSsoOptionsError,
  VercelUnavailableError,
  type AnyVercelSsoError,
} from '../../src/errors';

const original = new TypeError('the original');

/** One instance of each public class, built with `original` as its cause. */
const FACTORIES: Record<string, (cause: unknown) => AnyVercelSsoError> = {
  LoginFailure: (cause) => new LoginFailure('exchange_failed', {}, { cause }),
  VercelSsoOptionsError: (cause) => new VercelSsoOptionsError(['clientId'], 'bad', { cause }),
  InvalidCallbackError: (cause) => new InvalidCallbackError('mode is not sso', { cause }),
  InvalidIdTokenError: (cause) => new InvalidIdTokenError('exp', { cause }),
  KeysUnavailableError: (cause) => new KeysUnavailableError('JWKS timeout', { cause }),
  StoreUnavailableError: (cause) => new StoreUnavailableError('code claim', undefined, { cause }),
  StoreTimeoutError: (cause) => new StoreTimeoutError('session get', 50, { cause }),
  VercelApiError: (cause) => new VercelApiError(400, 'invalid_grant', 'x', {}, { cause }),
  VercelUnavailableError: (cause) => new VercelUnavailableError('network', 'down', { cause }),
};

/** The classes the errors module exports (constructors whose instances are Errors). */
function exportedClasses(module: Record<string, unknown>): string[] {
  return Object.entries(module)
    .filter(
      ([, value]) =>
        typeof value === 'function' &&
        (value as { prototype?: unknown }).prototype instanceof Error,
    )
    .map(([name]) => name);
}

test('src/index.ts exports every class of the errors module, and no other error class', () => {
  expect(exportedClasses(publicApi).sort()).toEqual(exportedClasses(errors).sort());
});

test('every exported error class (but the abstract base) has a factory in this test', () => {
  expect(
    exportedClasses(errors)
      .filter((name) => name !== 'VercelSsoError')
      .sort(),
  ).toEqual(Object.keys(FACTORIES).sort());
});

describe.each(Object.entries(FACTORIES))('%s', (name, make) => {
  const error = make(original);

  test('is a VercelSsoError with its class name, a code from VercelSsoErrorCode, and keeps cause', () => {
    expect(error).toBeInstanceOf(VercelSsoError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(VERCEL_SSO_ERROR_CODES).toContain(error.code);
    expect(error.cause).toBe(original);
    expect(isVercelSsoError(error)).toBe(true);
  });

  test('without a cause, has none', () => {
    expect('cause' in make(undefined) && make(undefined).cause).toBeFalsy();
  });
});

test('codes tell the classes apart: no ERR_ code is shared by two classes, none is a LoginFailureCode', () => {
  const byCode = new Map<string, string>();
  for (const [name, make] of Object.entries(FACTORIES)) {
    if (name === 'LoginFailure') continue;
    const { code } = make(undefined);
    expect(byCode.get(code)).toBeUndefined();
    byCode.set(code, name);
  }
  expect([...byCode.keys()].filter((code) => LOGIN_FAILURE_CODES.includes(code as never))).toEqual(
    [],
  );
  expect(VERCEL_SSO_ERROR_CODES).toEqual([...LOGIN_FAILURE_CODES, ...byCode.keys()]);
});

test('switch (error.code) narrows to the class (the documented use)', () => {
  function describe(error: AnyVercelSsoError): string {
    switch (error.code) {
      case 'ERR_VERCEL_API':
        return `Vercel answered ${error.status} (${error.apiCode})`;
      case 'ERR_ID_TOKEN_INVALID':
        return `check ${error.check}`;
      case 'ERR_STORE_TIMEOUT':
        return `store too slow (${error.operation})`;
      case 'exchange_timeout':
        return `status ${error.status}`;
      default:
        return error.code;
    }
  }
  expect(describe(FACTORIES.VercelApiError!(undefined))).toBe(
    'Vercel answered 400 (invalid_grant)',
  );
  expect(describe(FACTORIES.InvalidIdTokenError!(undefined))).toBe('check exp');
  expect(describe(FACTORIES.StoreTimeoutError!(undefined))).toBe('store too slow (session get)');
  expect(describe(new LoginFailure('exchange_timeout'))).toBe('status 504');
  expect(describe(FACTORIES.KeysUnavailableError!(undefined))).toBe('ERR_ISSUER_KEYS_UNAVAILABLE');
});

test('isVercelSsoError refuses foreign errors, even one with a known code', () => {
  expect(isVercelSsoError(Object.assign(new Error('x'), { code: 'ERR_VERCEL_API' }))).toBe(false);
  expect(isVercelSsoError(original)).toBe(false);
  expect(isVercelSsoError('ERR_VERCEL_API')).toBe(false);
});

test('docs/troubleshooting.md has a row for every ERR_ code', () => {
  const doc = readFileSync(path.join(__dirname, '..', '..', 'docs', 'troubleshooting.md'), 'utf8');
  const missing = VERCEL_SSO_ERROR_CODES.filter(
    (code) => code.startsWith('ERR_') && !new RegExp(`^\\|\\s*\`${code}\`\\s*\\|`, 'm').test(doc),
  );
  expect(missing).toEqual([]);
});
