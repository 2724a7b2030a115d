import request from 'supertest';
import * as oidc from 'openid-client';
import { startEmulator, TEST_INTEGRATION, type Started } from '../helpers';

let s: Started;
beforeAll(async () => {
  s = await startEmulator();
});
afterAll(() => s.close());

describe('discovery document', () => {
  it('advertises issuer, JWKS and token endpoint on the base URL', async () => {
    const res = await request(s.url).get('/.well-known/openid-configuration').expect(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({
      issuer: s.url,
      jwks_uri: `${s.url}/.well-known/jwks`,
      token_endpoint: `${s.url}/v1/integrations/sso/token`,
      authorization_endpoint: `${s.url}/sso/authorize`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.emu.baseUrl).toBe(s.url);
  });

  it('satisfies openid-client v6 discovery()', async () => {
    const config = await oidc.discovery(
      new URL(s.url),
      TEST_INTEGRATION.clientId,
      TEST_INTEGRATION.clientSecret,
      undefined,
      {
        execute: [oidc.allowInsecureRequests],
      },
    );
    expect(config.serverMetadata().issuer).toBe(s.url);
    expect(config.serverMetadata().jwks_uri).toBe(`${s.url}/.well-known/jwks`);
  });

  it('counts discovery and JWKS requests', async () => {
    s.emu.controls.resetStats();
    await request(s.url).get('/.well-known/openid-configuration').expect(200);
    await request(s.url).get('/.well-known/jwks').expect(200);
    await request(s.url).get('/.well-known/jwks').expect(200);
    expect(s.emu.controls.stats()).toEqual({
      discoveryRequests: 1,
      jwksRequests: 2,
      tokenRequests: 0,
      codesIssued: 0,
    });
  });
});

describe('JWKS', () => {
  it('publishes public RS256 signing keys only', async () => {
    const res = await request(s.url).get('/.well-known/jwks').expect(200);
    expect(res.body.keys).toHaveLength(1);
    const [key] = res.body.keys;
    expect(key).toEqual({
      kty: 'RSA',
      kid: expect.any(String),
      alg: 'RS256',
      use: 'sig',
      n: expect.any(String),
      e: 'AQAB',
    });
    expect(Buffer.from(key.n, 'base64url').length).toBe(256); // 2048-bit modulus
    for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(priv);
  });
});

describe('base URL', () => {
  it('throws before listen/setBaseUrl; setBaseUrl normalises and wins', async () => {
    const { createEmulator } = await import('../../../src/emulator');
    const emu = await createEmulator({ integration: { ...TEST_INTEGRATION } });
    expect(() => emu.baseUrl).toThrow(/listen\(\) or setBaseUrl\(\)/);
    expect(() => emu.setBaseUrl('ftp://x')).toThrow(TypeError);
    expect(() => emu.setBaseUrl('http://x/?a=1')).toThrow(TypeError);
    emu.setBaseUrl('http://localhost:4555/');
    expect(emu.baseUrl).toBe('http://localhost:4555');
    const res = await request(emu.app).get('/.well-known/openid-configuration').expect(200);
    expect(res.body.issuer).toBe('http://localhost:4555');
  });
});
