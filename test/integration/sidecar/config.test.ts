/** Sidecar configuration: environment variables, signing keys and rotation, cookies across sub-domains. */
import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, jwtVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';
import { ConfigError, loadConfig } from '../../../src/config';
import { AssertionSigner } from '../../../src/sidecar/assertion';
import { AssertionKeyError, loadAssertionKeys } from '../../../src/sidecar/keys';
import { ACME, setCookies, startHarness } from '../../support/harness';

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

  test('a login sets the session cookie for the whole domain', async () => {
    const harness = await startHarness({
      PUBLIC_URL: 'https://sso.example.com',
      SESSION_COOKIE_DOMAIN: 'example.com',
      TRUST_PROXY: 'loopback',
    });
    try {
      const response = await harness
        .agent()
        .get(harness.callbackPath(ACME.admin))
        .set('X-Forwarded-Proto', 'https');
      expect(response.status).toBe(302);
      const session = setCookies(response).find((c) => c.startsWith('__Secure-sso_session='));
      expect(session).toMatch(/Domain=example\.com/);
      expect(session).toMatch(/Secure/);
    } finally {
      await harness.close();
    }
  });
});

describe('assertion signing keys', () => {
  test('several PEM keys: the first signs, all are published, without private parts', async () => {
    const keys = await loadAssertionKeys(`${ecPem()}\n${ecPem()}`);
    expect(keys.map((k) => k.alg)).toEqual(['ES256', 'ES256']);
    const signer = new AssertionSigner(keys, {
      issuer: 'https://sso.example.com',
      audience: 'https://app.example.com',
      ttlSeconds: 60,
    });
    const jwks = signer.jwks();
    expect(jwks.keys).toHaveLength(2);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
    const token = await signer.sign({
      subject: 'account:a:user:u',
      accountId: 'a',
      installationId: 'icfg_1',
      userId: 'u',
      role: 'USER',
      loginAt: Date.now(),
    });
    expect(decodeProtectedHeader(token).kid).toBe(keys[0]!.kid);
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: 'https://sso.example.com',
      audience: 'https://app.example.com',
    });
    expect(payload.exp! - payload.iat!).toBe(60);
  });

  test('a JWK Set with kids, an Ed25519 key, and one-line PEMs with \\n are read', async () => {
    const ec = {
      ...(await exportJWK(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)),
      kid: 'new',
    };
    const ed = { ...(await exportJWK(generateKeyPairSync('ed25519').privateKey)), kid: 'old' };
    const keys = await loadAssertionKeys(JSON.stringify({ keys: [ec, ed] }));
    expect(keys.map((k) => [k.kid, k.alg])).toEqual([
      ['new', 'ES256'],
      ['old', 'EdDSA'],
    ]);
    expect(await loadAssertionKeys(ecPem().replace(/\n/g, '\\n'))).toHaveLength(1);
  });

  test('public-only, unreadable and too-small keys are refused by position, never echoed', async () => {
    const publicJwk = await exportJWK(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
    await expect(loadAssertionKeys(JSON.stringify(publicJwk))).rejects.toThrow(AssertionKeyError);
    await expect(loadAssertionKeys('not a key')).rejects.toThrow(/expected PEM private key/);
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    await expect(loadAssertionKeys(rsa1024)).rejects.toThrow(/unsupported key type/);
  });
});

describe('sidecar mode serves the webhook under the prefix (an uninstall still ends sessions)', () => {
  test('POST {prefix}/webhooks/vercel is the signed webhook handler, not the upstream or a 404', async () => {
    const { createHmac } = await import('node:crypto');
    const request = (await import('supertest')).default;
    const { createApp } = await import('../../../src/server/app');
    const { createLogger } = await import('../../../src/web/logger');
    const config = loadConfig({
      ...valid,
      PUBLIC_URL: 'http://localhost:3000',
      SIDECAR_ENABLED: 'true',
    });
    const { app, sso, sidecar } = createApp({ config, logger: createLogger('silent') });
    try {
      const body = JSON.stringify({
        id: 'evt_1',
        type: 'integration-configuration.removed',
        payload: { configuration: { id: 'icfg_x' } },
      });
      await request(app)
        .post('/_sso/webhooks/vercel')
        .set('Content-Type', 'application/json')
        .set('x-vercel-signature', '00'.repeat(20))
        .send(body)
        .expect(401);
      const signature = createHmac('sha1', valid.INTEGRATION_CLIENT_SECRET)
        .update(body)
        .digest('hex');
      await request(app)
        .post('/_sso/webhooks/vercel')
        .set('Content-Type', 'application/json')
        .set('x-vercel-signature', signature)
        .send(body)
        .expect(200);
    } finally {
      sidecar?.close();
      await sso.close();
    }
  });
});
