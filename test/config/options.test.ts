/** createVercelSso options are validated at construction (issue 10): one error naming every bad field. */
import {
  createVercelSso,
  parseVercelSsoOptions,
  VercelSsoOptionsError,
  type VercelSsoOptions,
} from '../../src/index';

const valid: VercelSsoOptions = {
  clientId: 'oac_test',
  clientSecret: 'secret',
  publicUrl: 'https://app.example.com',
  sessionSecret: 'x'.repeat(32),
};

function problem(options: unknown): VercelSsoOptionsError {
  try {
    parseVercelSsoOptions(options);
  } catch (error) {
    expect(error).toBeInstanceOf(VercelSsoOptionsError);
    return error as VercelSsoOptionsError;
  }
  throw new Error('expected the options to be refused');
}

test('valid options get secure defaults', () => {
  const settings = parseVercelSsoOptions(valid);
  expect(settings.session).toMatchObject({
    idleTimeoutSeconds: 1800,
    absoluteTimeoutSeconds: 28800,
    cookieName: '__Host-sso_session',
    secureCookies: true,
  });
  expect(settings.idToken.algorithms).toEqual(['RS256']);
  expect(settings.vercel.apiUrl.href).toBe('https://api.vercel.com/');
  expect(settings.vercel.issuer).toBe('https://marketplace.vercel.com');
  expect(settings.callbackPath).toBe('/callback');
  expect(settings.deepLinks.allowedOrigins).toEqual(['https://app.example.com']);
});

test('http publicUrl: no Secure cookie, no __Host- prefix', () => {
  expect(
    parseVercelSsoOptions({ ...valid, publicUrl: 'http://localhost:3000' }).session,
  ).toMatchObject({ cookieName: 'sso_session', secureCookies: false });
});

test('missing required options are all named in one error with what to give', () => {
  const error = problem({});
  expect(error.code).toBe('ERR_VERCEL_SSO_OPTIONS');
  expect(error.fields).toEqual(
    expect.arrayContaining(['clientId', 'clientSecret', 'publicUrl', 'sessionSecret']),
  );
  expect(error.message).toMatch(
    /clientId is required: expected the integration client id \(oac_\.\.\.\) from the Integration Console/,
  );
  expect(error.cause).toBeDefined();
});

test.each<[string, Record<string, unknown>, string, RegExp]>([
  ['publicUrl with a path', { publicUrl: 'https://app.example.com/app' }, 'publicUrl', /origin/],
  ['publicUrl not a URL', { publicUrl: 'app.example.com' }, 'publicUrl', /origin/],
  ['a short session secret', { sessionSecret: 'short' }, 'sessionSecret', /32 characters/],
  [
    'one short secret in a rotation list',
    { sessionSecret: ['x'.repeat(32), 'short'] },
    'sessionSecret',
    /32 characters/,
  ],
  [
    'idle longer than absolute',
    { session: { idleTimeoutSeconds: 100, absoluteTimeoutSeconds: 50 } },
    'session.idleTimeoutSeconds',
    /at most session.absoluteTimeoutSeconds/,
  ],
  [
    'a fractional lifetime',
    { session: { idleTimeoutSeconds: 1.5 } },
    'session.idleTimeoutSeconds',
    /whole number of seconds/,
  ],
  [
    'a symmetric algorithm',
    { idToken: { algorithms: ['HS256'] } },
    'idToken.algorithms.0',
    /asymmetric/,
  ],
  [
    'a clock tolerance over 5 minutes',
    { idToken: { clockToleranceSeconds: 3600 } },
    'idToken.clockToleranceSeconds',
    /0 to 300/,
  ],
  [
    'a Vercel API URL with a path',
    { vercel: { apiUrl: 'https://api.vercel.com/v1' } },
    'vercel.apiUrl',
    /origin/,
  ],
  [
    'a foreign deep-link origin with a path',
    { deepLinkAllowedOrigins: ['https://docs.example.com/x'] },
    'deepLinkAllowedOrigins.0',
    /origin/,
  ],
  [
    'redis with both url and client',
    { redis: { url: 'redis://x', client: { sendCommand() {}, isOpen: true } } },
    'redis',
    /exactly one/,
  ],
  ['redis with an http URL', { redis: { url: 'http://cache' } }, 'redis.url', /redis:\/\//],
  ['onLogin not a function', { onLogin: 'yes' }, 'onLogin', /function/],
  ['a bad callback path', { callbackPath: 'callback' }, 'callbackPath', /path such as \/callback/],
  ['a slug with capitals', { integrationSlug: 'Acme' }, 'integrationSlug', /lowercase/],
  ['a logger that is not pino', { logger: console.log }, 'logger', /pino/],
])('%s is refused naming the field and the fix', (_name, override, field, expected) => {
  const error = problem({ ...valid, ...override });
  expect(error.fields).toContain(field);
  expect(error.message).toMatch(expected);
});

test('an unknown option is refused with the closest known one suggested (nested too)', () => {
  expect(problem({ ...valid, sessionSecrets: 'x' }).message).toMatch(
    /sessionSecrets is not an option \(did you mean sessionSecret\?\)/,
  );
  expect(problem({ ...valid, session: { idleTimeoutSecond: 60 } }).message).toMatch(
    /session\.idleTimeoutSecond is not an option \(did you mean session\.idleTimeoutSeconds\?\)/,
  );
  expect(problem({ ...valid, totallyDifferent: 1 }).message).toMatch(
    /totallyDifferent is not an option$/,
  );
});

test('values are never echoed in the message (secrets)', () => {
  const error = problem({ ...valid, clientSecret: 42, sessionSecret: 'super-secret-but-short' });
  expect(error.message).not.toContain('super-secret-but-short');
});

test('createVercelSso throws at construction, not per request', () => {
  expect(() => createVercelSso({ ...valid, publicUrl: 'nope' })).toThrow(VercelSsoOptionsError);
  expect(() => createVercelSso(undefined as unknown as VercelSsoOptions)).toThrow(
    /expected an options object/,
  );
});

test('requireUser refuses an unknown role at construction', async () => {
  const sso = createVercelSso({
    ...valid,
    logger: (await import('../../src/web/logger')).createLogger('silent'),
  });
  expect(() => sso.requireUser({ role: 'OWNER' as 'ADMIN' })).toThrow(/expected 'ADMIN' or 'USER'/);
  await sso.close();
});
