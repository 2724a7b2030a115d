/**
 * Issue 13 items 3 and 5: the emulator follows Vercel's 2026 contract (VERCEL-SSO.md §5): the id_token
 * shape seen in the wild (the pre-2026 shape as a variant), `/.well-known/jwks.json`, the refresh
 * grant, an absent `state`, and a 429 fault.
 */
import request from 'supertest';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import {
  exchangeFresh,
  IDS,
  postToken,
  startEmulator,
  TEST_INTEGRATION,
  tokenBody,
  type Started,
} from './helpers';

let s: Started;
beforeAll(async () => {
  s = await startEmulator();
});
afterAll(() => s.close());
afterEach(() => {
  s.emu.controls.clearFaults();
  s.emu.controls.setIdTokenShape('current');
});

const HEX64 = /^[0-9a-f]{64}$/;

describe('issue 13 item 3: the id_token shape seen in the wild, the old one as a variant, and jwks.json', () => {
  test('default: 64-hex account and user ids, nbf = iat, 3600 s lifetime, no type claim; verifiable with /.well-known/jwks.json', async () => {
    const res = await exchangeFresh(s, IDS.acme, IDS.aliceAcme);
    expect(res.status).toBe(200);
    expect(res.body.expires_in).toBe(3600);
    const jwks = await request(s.url).get('/.well-known/jwks.json').expect(200);
    expect(jwks.body).toEqual((await request(s.url).get('/.well-known/jwks')).body);
    const { payload } = await jwtVerify(res.body.id_token, createLocalJWKSet(jwks.body), {
      issuer: s.url,
      audience: TEST_INTEGRATION.clientId,
      algorithms: ['RS256'],
    });
    expect(payload.account_id).toMatch(HEX64);
    expect(payload.user_id).toMatch(HEX64);
    expect(payload.sub).toBe(
      `account:${payload.account_id as string}:user:${payload.user_id as string}`,
    );
    expect(payload.nbf).toBe(payload.iat);
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(payload).not.toHaveProperty('type');
  });

  test('legacy variant (option or control): type "id_token", no nbf, 300 s lifetime', async () => {
    s.emu.controls.setIdTokenShape('legacy');
    const res = await exchangeFresh(s);
    expect(res.body.expires_in).toBe(300);
    const claims = decodeJwt(res.body.id_token);
    expect(claims.type).toBe('id_token');
    expect(claims).not.toHaveProperty('nbf');
    expect(claims.exp! - claims.iat!).toBe(300);

    await request(s.url).post('/_emulator/id-token-shape').send({ shape: 'current' }).expect(200);
    expect(decodeJwt((await exchangeFresh(s)).body.id_token)).not.toHaveProperty('type');
    await request(s.url).post('/_emulator/id-token-shape').send({ shape: 'v1' }).expect(400);
    const legacy = await startEmulator({ idTokenShape: 'legacy', idTokenTtlSeconds: 120 });
    try {
      const claims2 = decodeJwt((await exchangeFresh(legacy)).body.id_token);
      expect(claims2).toMatchObject({ type: 'id_token' });
      expect(claims2.exp! - claims2.iat!).toBe(120);
    } finally {
      await legacy.close();
    }
  });
});

describe('issue 13 item 5: refresh grant, absent state, 429 fault', () => {
  test('the refresh grant answers a new id_token for the same user and a new refresh token; a refresh token works once', async () => {
    const first = await exchangeFresh(s, IDS.acme, IDS.bobAcme);
    expect(first.body.refresh_token).toEqual(expect.any(String));
    const body = {
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token,
      client_id: TEST_INTEGRATION.clientId,
      client_secret: TEST_INTEGRATION.clientSecret,
    };
    const refreshed = await postToken(s.url, body);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toEqual({
      id_token: expect.any(String),
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: expect.any(String),
    });
    expect(refreshed.body.refresh_token).not.toBe(first.body.refresh_token);
    expect(decodeJwt(refreshed.body.id_token)).toMatchObject({
      user_id: IDS.bobAcme,
      installation_id: IDS.acme,
      user_role: 'USER',
    });

    const again = await postToken(s.url, body);
    expect(again.status).toBe(400);
    expect(again.body).toEqual({
      error: {
        code: 'invalid_grant',
        message: 'The refresh token is invalid, expired or already used',
      },
    });
    const wrongSecret = await postToken(s.url, {
      ...body,
      refresh_token: refreshed.body.refresh_token,
      client_secret: 'nope',
    });
    expect(wrongSecret.status).toBe(403);
    expect(
      (
        await postToken(s.url, {
          grant_type: 'refresh_token',
          client_id: TEST_INTEGRATION.clientId,
          client_secret: TEST_INTEGRATION.clientSecret,
        })
      ).body.error.message,
    ).toMatch(/refresh_token/);
  });

  test('a code grant without state is accepted (state is optional in the spec); a wrong state is still refused', async () => {
    const { code } = s.emu.controls.mintLogin({ installationId: IDS.acme, userId: IDS.aliceAcme });
    const { state: _unused, ...withoutState } = tokenBody(code, 'ignored');
    const ok = await postToken(s.url, withoutState);
    expect(ok.status).toBe(200);
    expect(decodeJwt(ok.body.id_token).user_id).toBe(IDS.aliceAcme);
    const minted = s.emu.controls.mintLogin({ installationId: IDS.acme, userId: IDS.aliceAcme });
    expect((await postToken(s.url, tokenBody(minted.code, 'wrong-state'))).body.error.code).toBe(
      'invalid_grant',
    );
  });

  test('the rate_limited fault answers 429 rate_limited with Retry-After, as the REST API does', async () => {
    s.emu.controls.setFault('token', { kind: 'rate_limited', retryAfterSeconds: 7 }, { times: 1 });
    const limited = await exchangeFresh(s);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
    expect(limited.body).toEqual({
      error: {
        code: 'rate_limited',
        message: expect.any(String),
        limit: {
          remaining: 0,
          reset: expect.any(Number),
          resetMs: expect.any(Number),
          total: expect.any(Number),
        },
      },
    });
    expect((await exchangeFresh(s)).status).toBe(200);
  });
});
