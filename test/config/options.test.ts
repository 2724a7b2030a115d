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

describe('every option: a bad value names the field and says what to give', () => {
  const notFunction = 'not a function';
  test.each<[string, Record<string, unknown>, string, string]>([
    ['options', { clientId: '   ' }, 'clientId', 'expected the integration client id (oac_...)'],
    ['options', { clientSecret: '' }, 'clientSecret', 'expected the integration client secret'],
    [
      'options',
      { publicUrl: 'https://user:pw@app.example.com' },
      'publicUrl',
      'expected an origin such as https://app.example.com',
    ],
    ['options', { publicUrl: 'https://app.example.com/?a=1' }, 'publicUrl', 'expected an origin'],
    ['options', { publicUrl: 'ftp://app.example.com' }, 'publicUrl', 'expected an origin'],
    [
      'options',
      { sessionSecret: ['   ', ''] },
      'sessionSecret',
      'expected every secret to be at least 32 characters (openssl rand -base64 48)',
    ],
    [
      'options',
      { sessionSecret: 42 },
      'sessionSecret',
      'expected a secret of at least 32 characters (or an array of them, newest first)',
    ],
    [
      'options',
      { integrationSlug: 'acme_provider' },
      'integrationSlug',
      'expected the integration slug (lowercase letters, digits and dashes)',
    ],
    [
      'options',
      { mountPath: '/vercel/' },
      'mountPath',
      'expected the mount path such as /vercel (no trailing slash), or empty for /',
    ],
    ['options', { mountPath: 'vercel' }, 'mountPath', 'expected the mount path such as /vercel'],
    ['vercel', { vercel: { issuer: 'marketplace' } }, 'vercel.issuer', 'expected the issuer URL'],
    [
      'vercel',
      { vercel: { jwksUrl: 'file:///etc/jwks.json' } },
      'vercel.jwksUrl',
      'expected an absolute http(s) JWKS URL',
    ],
    [
      'vercel',
      { vercel: { ssoUrl: 'https://vercel.com/sso' } },
      'vercel.ssoUrl',
      'expected an origin such as https://vercel.com',
    ],
    [
      'session',
      { session: { cookieName: 'my cookie' } },
      'session.cookieName',
      'expected a cookie name (letters, digits, _ . -)',
    ],
    [
      'session',
      { session: { secureCookies: 'yes' } },
      'session.secureCookies',
      'expected true or false',
    ],
    [
      'session',
      { session: { cookieDomain: '.example.com' } },
      'session.cookieDomain',
      'expected a domain such as example.com (no scheme, port or leading dot)',
    ],
    [
      'session',
      { session: { cookieDomain: 'other.example' } },
      'session.cookieDomain',
      "expected publicUrl's host or a parent domain of it",
    ],
    [
      'session',
      { session: { absoluteTimeoutSeconds: 0 } },
      'session.absoluteTimeoutSeconds',
      'expected a whole number of seconds from 1 to 2147483 (about 24 days)',
    ],
    [
      'session',
      { session: { idleTimeoutSeconds: 2_147_484 } },
      'session.idleTimeoutSeconds',
      'expected a whole number of seconds from 1 to 2147483',
    ],
    [
      'idToken',
      { idToken: { algorithms: [] } },
      'idToken.algorithms',
      'expected at least one algorithm',
    ],
    [
      'idToken',
      { idToken: { algorithms: ['none'] } },
      'idToken.algorithms.0',
      'expected asymmetric JWS algorithms such as RS256',
    ],
    [
      'idToken',
      { idToken: { maxAgeSeconds: -1 } },
      'idToken.maxAgeSeconds',
      'expected a whole number of seconds',
    ],
    [
      'http',
      { http: { tokenExchangeTimeoutMs: 2_147_483_648 } },
      'http.tokenExchangeTimeoutMs',
      'expected a whole number of milliseconds from 1 to 2147483647',
    ],
    [
      'http',
      { http: { jwksTimeoutMs: '3000' } },
      'http.jwksTimeoutMs',
      'expected a whole number of milliseconds',
    ],
    [
      'http',
      { http: { jwksCooldownMs: -1 } },
      'http.jwksCooldownMs',
      'expected 0 to 2147483647 milliseconds',
    ],
    [
      'http',
      { http: { jwksCacheMaxAgeMs: 0.5 } },
      'http.jwksCacheMaxAgeMs',
      'expected a whole number of milliseconds',
    ],
    [
      'redis',
      { redis: { sentinel: { nodes: [] } } },
      'redis.sentinel.nodes',
      'expected at least one sentinel',
    ],
    [
      'redis',
      { redis: { cluster: { nodes: ['cache:6379'] } } },
      'redis.cluster.nodes.0',
      'expected redis:// or rediss:// URLs of cluster nodes',
    ],
    [
      'redis',
      { redis: { url: 'redis://cache', keyPrefix: 'my prefix' } },
      'redis.keyPrefix',
      'expected a key prefix of letters, digits and : _ . -',
    ],
    [
      'redis',
      { redis: { client: {} } },
      'redis.client',
      'expected a node-redis client (createClient() from the redis package)',
    ],
    [
      'rateLimit',
      { rateLimit: { callbackMax: 0 } },
      'rateLimit.callbackMax',
      'expected a positive whole number of requests',
    ],
    [
      'options',
      { readinessCheckIntervalMs: 0 },
      'readinessCheckIntervalMs',
      'expected a whole number of milliseconds',
    ],
    [
      'options',
      { supportUrl: 'mailto:help@example.com' },
      'supportUrl',
      'expected an absolute http(s) URL',
    ],
    [
      'options',
      { landing: notFunction },
      'landing',
      'expected a function (deepLink, defaultTarget) => path',
    ],
    ['options', { render: notFunction }, 'render', 'expected a function (page, req, res) => void'],
    ['options', { now: 0 }, 'now', 'expected a function returning ms since epoch'],
    [
      'options',
      { metrics: { loginOutcome: 'yes' } },
      'metrics',
      'expected an observer object such as { loginOutcome(outcome, reason) { … } } (each method optional)',
    ],
    ['options', { sessionStore: {} }, 'sessionStore', 'expected an express-session Store'],
  ])('%s: %j', (_group, override, field, expected) => {
    const error = problem({ ...valid, ...override });
    expect(error.fields).toContain(field);
    expect(error.message).toContain(`${field} is invalid: ${expected}`);
  });

  test('a missing option says "is required" with the same advice', () => {
    const { clientSecret: _omitted, ...rest } = valid;
    expect(problem(rest).message).toBe(
      'Invalid createVercelSso options: clientSecret is required: expected the integration client secret from the Integration Console',
    );
  });

  test('not an object at all: one message showing the expected shape', () => {
    for (const options of [undefined, null, 'x', 42]) {
      const error = problem(options);
      expect(error.fields).toEqual(['options']);
      expect(error.message).toMatch(/expected an options object such as \{ clientId,/);
      expect(error.code).toBe('ERR_VERCEL_SSO_OPTIONS');
    }
  });

  test('an unknown key inside vercel, http or rateLimit gets its nested suggestion', () => {
    expect(problem({ ...valid, vercel: { jwksURL: 'https://x.example' } }).message).toContain(
      'vercel.jwksURL is not an option (did you mean vercel.jwksUrl?)',
    );
    expect(problem({ ...valid, http: { jwksTimeout: 1 } }).message).toContain(
      'http.jwksTimeout is not an option (did you mean http.jwksTimeoutMs?)',
    );
    expect(problem({ ...valid, rateLimit: { windowSecond: 1 } }).message).toContain(
      'rateLimit.windowSecond is not an option (did you mean rateLimit.windowSeconds?)',
    );
  });
});

describe('accepted values and what they become', () => {
  test('secrets are trimmed and empty entries dropped; a URL object is accepted for publicUrl', () => {
    const settings = parseVercelSsoOptions({
      ...valid,
      publicUrl: new URL('https://app.example.com'),
      sessionSecret: [`  ${'a'.repeat(32)}  `, '', 'b'.repeat(40)],
    });
    expect(settings.session.secrets).toEqual(['a'.repeat(32), 'b'.repeat(40)]);
    expect(settings.publicUrl.origin).toBe('https://app.example.com');
  });

  test('the public origin is always an allowed deep-link origin, once', () => {
    const settings = parseVercelSsoOptions({
      ...valid,
      deepLinkAllowedOrigins: ['https://app.example.com', 'https://docs.example.com/'],
    });
    expect(settings.deepLinks.allowedOrigins).toEqual([
      'https://app.example.com',
      'https://docs.example.com',
    ]);
  });

  test('a cookie domain switches the cookie prefix to __Secure- and is lower-cased', () => {
    const settings = parseVercelSsoOptions({
      ...valid,
      publicUrl: 'https://sso.app.example.com',
      session: { cookieDomain: 'App.Example.com' },
    });
    expect(settings.session).toMatchObject({
      cookieName: '__Secure-sso_session',
      cookieDomain: 'app.example.com',
      secureCookies: true,
    });
  });

  test('an explicit secureCookies: false on https drops the prefix', () => {
    expect(
      parseVercelSsoOptions({ ...valid, session: { secureCookies: false } }).session.cookieName,
    ).toBe('sso_session');
  });
});
