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
    [{ ...valid, PUBLIC_URL: 'localhost:3000' }, 'PUBLIC_URL', /http\(s\) URL/],
    [{ ...valid, PUBLIC_URL: 'https://sso.example.com/login' }, 'PUBLIC_URL', /no path/],
    [{ ...valid, SESSION_SECRET: 'short' }, 'SESSION_SECRET', /at least 32 characters/],
    [{ ...valid, PORT: 'eighty' }, 'PORT', /malformed/],
    [{ ...valid, ID_TOKEN_ALGORITHMS: 'HS256' }, 'ID_TOKEN_ALGORITHMS', /malformed/],
    [{ ...valid, DEEP_LINK_ALLOWED_ORIGINS: 'https://ok.example.com,javascript:alert(1)' }, 'DEEP_LINK_ALLOWED_ORIGINS', /malformed/],
    [{ ...valid, LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /expected fatal/],
  ])('rejects a bad environment with one line naming the variable (%#)', (env, variable, pattern) => {
    const error = failure(env as Record<string, string>);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
    expect(error.message).toMatch(pattern);
    expect(error.message).not.toContain('\n');
  });

  test('the secret values never appear in the error message', () => {
    const error = failure({ ...valid, SESSION_SECRET: 'tooshort-secret-value' });
    expect(error.message).not.toContain('tooshort-secret-value');
  });
});
