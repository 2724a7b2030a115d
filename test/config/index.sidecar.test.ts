/** Sidecar settings read by loadConfig: UPSTREAM_URL, signing keys, lifetimes, cookies across sub-domains. */
import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/config';

const valid = {
  PUBLIC_URL: 'https://sso.example.com',
  INTEGRATION_CLIENT_ID: 'oac_abc',
  INTEGRATION_CLIENT_SECRET: 'secret-value',
  SESSION_SECRET: 'x'.repeat(40),
};

const ecPem = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();

describe('sidecar environment', () => {
  test('off by default; UPSTREAM_URL turns it on with the upstream as audience', () => {
    expect(loadConfig(valid).sidecar).toBeUndefined();
    const config = loadConfig({ ...valid, UPSTREAM_URL: 'http://127.0.0.1:8000' });
    expect(config.sidecar).toEqual({
      prefix: '/_sso',
      upstreamUrl: new URL('http://127.0.0.1:8000'),
      audience: 'http://127.0.0.1:8000',
      assertionTtlSeconds: 60,
    });
    expect(loadConfig({ ...valid, SIDECAR_ENABLED: 'true' }).sidecar?.audience).toBe(
      'https://sso.example.com',
    );
  });

  test('production with the sidecar on needs ASSERTION_SIGNING_KEY; lifetimes over 60 s are refused', () => {
    const attempt = (env: Record<string, string>) => {
      try {
        loadConfig({ ...valid, NODE_ENV: 'production', SIDECAR_ENABLED: 'true', ...env });
        return [];
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).variables;
      }
    };
    expect(attempt({})).toEqual(['ASSERTION_SIGNING_KEY']);
    expect(attempt({ ASSERTION_SIGNING_KEY: ecPem() })).toEqual([]);
    expect(attempt({ ASSERTION_SIGNING_KEY: ecPem(), ASSERTION_TTL_SECONDS: '61' })).toEqual([
      'ASSERTION_TTL_SECONDS',
    ]);
    expect(attempt({ ASSERTION_SIGNING_KEY: ecPem(), SIDECAR_PREFIX: '/_sso/' })).toEqual([
      'SIDECAR_PREFIX',
    ]);
  });

  test('SESSION_COOKIE_DOMAIN must contain PUBLIC_URL and switches the prefix to __Secure-', () => {
    expect(loadConfig({ ...valid, SESSION_COOKIE_DOMAIN: 'example.com' }).session).toMatchObject({
      cookieName: '__Secure-sso_session',
      cookieDomain: 'example.com',
    });
    expect(() => loadConfig({ ...valid, SESSION_COOKIE_DOMAIN: 'other.example' })).toThrow(
      /SESSION_COOKIE_DOMAIN/,
    );
    expect(() => loadConfig({ ...valid, SESSION_COOKIE_DOMAIN: '.example.com' })).toThrow(
      /SESSION_COOKIE_DOMAIN/,
    );
  });
});
