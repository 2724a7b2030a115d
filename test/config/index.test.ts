import { ConfigError, loadConfig } from '../../src/config';

const valid = {
  PUBLIC_URL: 'http://localhost:3000',
  INTEGRATION_CLIENT_ID: 'oac_test',
  INTEGRATION_CLIENT_SECRET: 'client-secret',
  SESSION_SECRET: 'a'.repeat(40),
};

function failure(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('loadConfig accepted an invalid environment');
}

describe('loadConfig', () => {
  test('applies the documented defaults', () => {
    const config = loadConfig(valid);
    expect(config.port).toBe(3000);
    expect(config.callbackPath).toBe('/callback');
    expect(config.vercel.apiUrl.origin).toBe('https://api.vercel.com');
    expect(config.vercel.issuer).toBe('https://marketplace.vercel.com');
    expect(config.vercel.ssoUrl.origin).toBe('https://vercel.com');
    expect(config.idToken.algorithms).toEqual(['RS256']);
    expect(config.session.secureCookies).toBe(false);
    expect(config.session.cookieName).toBe('sso_session');
    expect(config.deepLinks.allowedOrigins).toEqual(['http://localhost:3000']);
    expect(config.trustProxy).toBe(false);
  });

  test('an https PUBLIC_URL gives Secure cookies with the __Host- prefix', () => {
    const config = loadConfig({ ...valid, PUBLIC_URL: 'https://sso.example.com' });
    expect(config.session.secureCookies).toBe(true);
    expect(config.session.cookieName).toBe('__Host-sso_session');
  });

  test('SESSION_SECRET is a comma-separated list, newest first', () => {
    const config = loadConfig({ ...valid, SESSION_SECRET: `${'n'.repeat(32)}, ${'o'.repeat(32)}` });
    expect(config.session.secrets).toEqual(['n'.repeat(32), 'o'.repeat(32)]);
  });

  test.each([
    [{ ...valid, PUBLIC_URL: undefined }, 'PUBLIC_URL', /required/],
    [{ ...valid, INTEGRATION_CLIENT_ID: undefined }, 'INTEGRATION_CLIENT_ID', /required/],
    [{ ...valid, PUBLIC_URL: 'localhost:3000' }, 'PUBLIC_URL', /expected an origin/],
    [{ ...valid, PUBLIC_URL: 'sso.example.com' }, 'PUBLIC_URL', /expected an origin/],
    [{ ...valid, VERCEL_API_URL: 'nope' }, 'VERCEL_API_URL', /expected an origin/],
    [
      { ...valid, DEEP_LINK_ALLOWED_ORIGINS: 'not-a-url' },
      'DEEP_LINK_ALLOWED_ORIGINS',
      /expected an origin/,
    ],
    [{ ...valid, TRUST_PROXY: 'maybe' }, 'TRUST_PROXY', /hop count/],
    [{ ...valid, TRUST_PROXY: '1.5' }, 'TRUST_PROXY', /hop count/],
    [{ ...valid, HOST: 'not a host' }, 'HOST', /IP address or host name/],
    [{ ...valid, PORT: '70000' }, 'PORT', /expected a TCP port/],
    [
      { ...valid, SESSION_IDLE_TIMEOUT_SECONDS: '90000', SESSION_ABSOLUTE_TIMEOUT_SECONDS: '60' },
      'SESSION_IDLE_TIMEOUT_SECONDS',
      /at most SESSION_ABSOLUTE_TIMEOUT_SECONDS/,
    ],
    [{ ...valid, REDIS_URL: 'http://redis:6379' }, 'REDIS_URL', /redis:\/\//],
    [{ ...valid, PUBLIC_URL: 'https://sso.example.com/login' }, 'PUBLIC_URL', /no path/],
    [{ ...valid, SESSION_SECRET: 'short' }, 'SESSION_SECRET', /at least 32 characters/],
    [{ ...valid, PORT: 'eighty' }, 'PORT', /PORT is malformed: expected a TCP port/],
    [{ ...valid, ID_TOKEN_ALGORITHMS: 'HS256' }, 'ID_TOKEN_ALGORITHMS', /malformed/],
    [
      { ...valid, DEEP_LINK_ALLOWED_ORIGINS: 'https://ok.example.com,javascript:alert(1)' },
      'DEEP_LINK_ALLOWED_ORIGINS',
      /malformed/,
    ],
    [{ ...valid, LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /expected fatal/],
  ])(
    'rejects a bad environment with one line naming the variable (%#)',
    (env, variable, pattern) => {
      const error = failure(env as Record<string, string>);
      expect(error.variable).toBe(variable);
      expect(error.message).toContain(variable);
      expect(error.message).toMatch(pattern);
      expect(error.message).not.toContain('\n');
    },
  );

  test('every bad variable is named, on one line', () => {
    const error = failure({ PORT: 'abc', SESSION_SECRET: 'short' });
    expect(error.variables).toEqual(
      expect.arrayContaining([
        'PORT',
        'PUBLIC_URL',
        'INTEGRATION_CLIENT_ID',
        'INTEGRATION_CLIENT_SECRET',
        'SESSION_SECRET',
      ]),
    );
    expect(error.message).toMatch(
      /^Invalid configuration: .*PORT is malformed.*; .*SESSION_SECRET is malformed/,
    );
    expect(error.message).not.toContain('\n');
  });

  test('an empty value counts as unset: defaults apply, required ones are reported missing', () => {
    expect(loadConfig({ ...valid, PORT: '', TRUST_PROXY: '' }).port).toBe(3000);
    const error = failure({ ...valid, SESSION_SECRET: '', INTEGRATION_CLIENT_SECRET: ' ' });
    expect(error.message).toBe(
      'Invalid configuration: INTEGRATION_CLIENT_SECRET is required; SESSION_SECRET is required',
    );
  });

  test('TRUST_PROXY takes booleans, hop counts and address lists', () => {
    expect(loadConfig({ ...valid, TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ ...valid, TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ ...valid, TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe(
      'loopback, 10.0.0.0/8',
    );
  });

  test('REDIS_URL enables the shared stores with the documented defaults', () => {
    const config = loadConfig({ ...valid, REDIS_URL: 'rediss://:pw@redis.example.com:6380' });
    expect(config.redis).toEqual({
      mode: 'single',
      url: 'rediss://:pw@redis.example.com:6380',
      keyPrefix: 'vms:',
      commandTimeoutMs: 1000,
    });
    expect(loadConfig(valid).redis).toBeUndefined();
  });

  test('REDIS_SENTINEL_NODES and REDIS_CLUSTER_NODES select the high-availability topologies', () => {
    const sentinel = loadConfig({
      ...valid,
      REDIS_SENTINEL_NODES: 'redis://:spw@s1:26379, redis://s2:26379',
      REDIS_SENTINEL_MASTER_PASSWORD: 'mpw',
    });
    expect(sentinel.redis).toEqual({
      mode: 'sentinel',
      sentinelUrls: ['redis://:spw@s1:26379', 'redis://s2:26379'],
      masterName: 'mymaster',
      masterPassword: 'mpw',
      keyPrefix: 'vms:',
      commandTimeoutMs: 1000,
    });
    const cluster = loadConfig({
      ...valid,
      REDIS_CLUSTER_NODES: 'redis://:pw@n1:7000,redis://n2:7001',
    });
    expect(cluster.redis).toEqual({
      mode: 'cluster',
      nodeUrls: ['redis://:pw@n1:7000', 'redis://n2:7001'],
      keyPrefix: 'vms:',
      commandTimeoutMs: 1000,
    });
  });

  test('two Redis topologies at once, or a malformed node list, is refused naming the variable and never echoing the value', () => {
    expect(() =>
      loadConfig({
        ...valid,
        REDIS_URL: 'redis://:secretpw@a:6379',
        REDIS_CLUSTER_NODES: 'redis://b:7000',
      }),
    ).toThrow(
      /REDIS_URL is malformed: expected only one of REDIS_URL, REDIS_SENTINEL_NODES and REDIS_CLUSTER_NODES/,
    );
    let message = '';
    try {
      loadConfig({ ...valid, REDIS_SENTINEL_NODES: 'rediss://:secretpw@s1:26379' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/REDIS_SENTINEL_NODES is malformed/);
    expect(message).not.toContain('secretpw');
    expect(() => loadConfig({ ...valid, REDIS_CLUSTER_NODES: 'n1:7000' })).toThrow(
      /REDIS_CLUSTER_NODES is malformed/,
    );
  });

  test('SHUTDOWN_DRAIN_DELAY_MS defaults to 0 and must stay below SHUTDOWN_GRACE_MS', () => {
    expect(loadConfig(valid).shutdownDrainDelayMs).toBe(0);
    expect(loadConfig({ ...valid, SHUTDOWN_DRAIN_DELAY_MS: '5000' }).shutdownDrainDelayMs).toBe(
      5000,
    );
    expect(() => loadConfig({ ...valid, SHUTDOWN_DRAIN_DELAY_MS: '10000' })).toThrow(
      /SHUTDOWN_DRAIN_DELAY_MS is malformed: expected less than SHUTDOWN_GRACE_MS/,
    );
  });

  test('the secret values never appear in the error message', () => {
    const error = failure({ ...valid, SESSION_SECRET: 'tooshort-secret-value' });
    expect(error.message).not.toContain('tooshort-secret-value');
  });
});

// The harness's credentials (test/support/harness.ts), as the server-limit test was written with them.
const CLIENT_ID = 'oac_test0000000000000000000';
const CLIENT_SECRET = 'test-client-secret-value-0123456789';
const SESSION_SECRET = 'test-session-secret-value-0123456789abcdef';
const PUBLIC_URL = 'http://localhost:3000';

test('server limits are configurable and validated', () => {
  const base = {
    PUBLIC_URL,
    INTEGRATION_CLIENT_ID: CLIENT_ID,
    INTEGRATION_CLIENT_SECRET: CLIENT_SECRET,
    SESSION_SECRET,
  };
  expect(loadConfig(base).server).toEqual({
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 15_000,
    keepAliveTimeoutMs: 65_000,
    maxConnections: 2_000,
    maxHeaderBytes: 16_384,
  });
  expect(() =>
    loadConfig({ ...base, SERVER_HEADERS_TIMEOUT_MS: '20000', SERVER_REQUEST_TIMEOUT_MS: '15000' }),
  ).toThrow(/SERVER_HEADERS_TIMEOUT_MS is malformed: expected at most SERVER_REQUEST_TIMEOUT_MS/);
  expect(() => loadConfig({ ...base, SERVER_MAX_CONNECTIONS: '0' })).toThrow(
    /SERVER_MAX_CONNECTIONS/,
  );
});
