import request from 'supertest';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  jwtVerify,
  decodeJwt,
  type JSONWebKeySet,
} from 'jose';
import {
  exchangeFresh,
  IDS,
  postToken,
  startEmulator,
  TEST_INTEGRATION,
  tokenBody,
  type Started,
} from '../helpers';

let s: Started;
beforeAll(async () => {
  s = await startEmulator({ codeTtlSeconds: 0.4, idTokenTtlSeconds: 120 });
});
afterAll(() => s.close());
afterEach(() => {
  s.emu.controls.clearFaults();
  s.emu.controls.setNextTokenOverride(null);
});

function expectVercelError(res: request.Response, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
}

describe('token exchange success', () => {
  it('returns a verifiable id_token with every Vercel claim', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await exchangeFresh(s, IDS.acme, IDS.aliceAcme);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      id_token: expect.any(String),
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 120,
      refresh_token: expect.any(String),
    });
    const JWKS = createRemoteJWKSet(new URL(`${s.url}/.well-known/jwks`));
    const { payload, protectedHeader } = await jwtVerify(res.body.id_token, JWKS, {
      issuer: s.url,
      audience: TEST_INTEGRATION.clientId,
      algorithms: ['RS256'],
    });
    const jwks = (await request(s.url).get('/.well-known/jwks')).body as JSONWebKeySet;
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: jwks.keys[0]!.kid, typ: 'JWT' });
    expect(payload).toEqual({
      iss: s.url,
      aud: TEST_INTEGRATION.clientId,
      sub: `account:${IDS.acmeAccount}:user:${IDS.aliceAcme}`,
      account_id: IDS.acmeAccount,
      installation_id: IDS.acme,
      user_id: IDS.aliceAcme,
      user_role: 'ADMIN',
      user_email: 'alice@example.com',
      user_name: 'Alice Anders',
      user_avatar_url: `${s.url}/avatars/${IDS.aliceAcme}.svg`,
      iat: expect.any(Number),
      nbf: payload.iat,
      exp: expect.any(Number),
    });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.exp! - payload.iat!).toBe(120);
    expect(typeof payload.aud).toBe('string');
    expect(payload).not.toHaveProperty('type');
    expect(payload).not.toHaveProperty('nonce');
  });

  it('gives the same person different user_id and role per installation', async () => {
    const jwks = createLocalJWKSet((await request(s.url).get('/.well-known/jwks')).body);
    const a = await jwtVerify(
      (await exchangeFresh(s, IDS.acme, IDS.aliceAcme)).body.id_token,
      jwks,
    );
    const g = await jwtVerify(
      (await exchangeFresh(s, IDS.globex, IDS.aliceGlobex)).body.id_token,
      jwks,
    );
    expect(a.payload.user_id).not.toBe(g.payload.user_id);
    expect(a.payload.user_email).toBe(g.payload.user_email);
    expect(a.payload.user_role).toBe('ADMIN');
    expect(g.payload.user_role).toBe('USER');
    expect(g.payload.sub).toBe(`account:${IDS.globexAccount}:user:${IDS.aliceGlobex}`);
  });

  it('accepts application/x-www-form-urlencoded and an omitted grant_type', async () => {
    const { code, state } = s.emu.controls.mintLogin({
      installationId: IDS.acme,
      userId: IDS.bobAcme,
    });
    const body = tokenBody(code, state);
    delete body.grant_type;
    const res = await request(s.url)
      .post('/v1/integrations/sso/token')
      .type('form')
      .send(new URLSearchParams(body).toString());
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.id_token).user_role).toBe('USER');
  });

  it('counts token requests and issued codes', async () => {
    s.emu.controls.resetStats();
    await exchangeFresh(s);
    await postToken(s.url, {});
    expect(s.emu.controls.stats()).toMatchObject({ tokenRequests: 2, codesIssued: 1 });
  });
});

describe('token exchange errors', () => {
  it('refuses a second use of a code', async () => {
    const { code, state } = s.emu.controls.mintLogin({
      installationId: IDS.acme,
      userId: IDS.aliceAcme,
    });
    expect((await postToken(s.url, tokenBody(code, state))).status).toBe(200);
    expectVercelError(await postToken(s.url, tokenBody(code, state)), 400, 'invalid_grant');
  });

  it('refuses an expired code', async () => {
    const { code, state } = s.emu.controls.mintLogin({
      installationId: IDS.acme,
      userId: IDS.aliceAcme,
    });
    await new Promise((r) => setTimeout(r, 550));
    const res = await postToken(s.url, tokenBody(code, state));
    expectVercelError(res, 400, 'invalid_grant');
    expect(res.body.error.message).toMatch(/expired/);
  });

  it('refuses a state mismatch and burns the code', async () => {
    const { code, state } = s.emu.controls.mintLogin({
      installationId: IDS.acme,
      userId: IDS.aliceAcme,
    });
    const res = await postToken(s.url, tokenBody(code, `${state}x`));
    expectVercelError(res, 400, 'invalid_grant');
    expect(res.body.error.message).toMatch(/state/);
    expectVercelError(await postToken(s.url, tokenBody(code, state)), 400, 'invalid_grant');
  });

  it('refuses wrong client credentials with 403 without burning the code', async () => {
    const { code, state } = s.emu.controls.mintLogin({
      installationId: IDS.acme,
      userId: IDS.aliceAcme,
    });
    expectVercelError(
      await postToken(s.url, { ...tokenBody(code, state), client_secret: 'wrong' }),
      403,
      'invalid_client',
    );
    expectVercelError(
      await postToken(s.url, { ...tokenBody(code, state), client_id: 'oac_other' }),
      403,
      'invalid_client',
    );
    expect((await postToken(s.url, tokenBody(code, state))).status).toBe(200);
  });

  it('refuses an unknown code', async () => {
    expectVercelError(await postToken(s.url, tokenBody('nope', 'nope')), 400, 'invalid_grant');
  });

  it('answers 400 (never 500) to malformed JSON', async () => {
    const res = await request(s.url)
      .post('/v1/integrations/sso/token')
      .set('Content-Type', 'application/json')
      .send('{"code": ');
    expectVercelError(res, 400, 'invalid_request');
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js/);
  });

  it('answers 413 to an oversized body and 400 to other content types, arrays and missing fields', async () => {
    const big = await postToken(s.url, { code: 'x'.repeat(20_000) });
    expectVercelError(big, 413, 'invalid_request');
    expectVercelError(
      await request(s.url)
        .post('/v1/integrations/sso/token')
        .set('Content-Type', 'text/plain')
        .send('code=x'),
      400,
      'invalid_request',
    );
    expectVercelError(
      await request(s.url)
        .post('/v1/integrations/sso/token')
        .set('Content-Type', 'application/json')
        .send('[1]'),
      400,
      'invalid_request',
    );
    const missing = await postToken(s.url, { grant_type: 'authorization_code', code: 'x' });
    expectVercelError(missing, 400, 'invalid_request');
    expect(missing.body.error.message).toMatch(/client_id, client_secret/);
    expectVercelError(
      await postToken(s.url, { ...tokenBody('x', 'y'), code: 42 }),
      400,
      'invalid_request',
    );
  });

  it('refuses a wrong grant_type', async () => {
    const { code, state } = s.emu.controls.mintLogin({
      installationId: IDS.acme,
      userId: IDS.aliceAcme,
    });
    expectVercelError(
      await postToken(s.url, { ...tokenBody(code, state), grant_type: 'password' }),
      400,
      'unsupported_grant_type',
    );
    expect((await postToken(s.url, tokenBody(code, state))).status).toBe(200);
  });

  it('answers 404 to GET on the token endpoint path', async () => {
    const res = await request(s.url).get('/v1/integrations/sso/token');
    expectVercelError(res, 404, 'not_found');
  });
});

describe('setNextTokenOverride', () => {
  async function jwks() {
    return createLocalJWKSet((await request(s.url).get('/.well-known/jwks')).body);
  }

  it('merges claims, deletes null claims, and applies to the next token only', async () => {
    s.emu.controls.setNextTokenOverride({
      claims: { aud: 'oac_someoneElse', user_role: 'OWNER', type: null },
    });
    const first = decodeJwt((await exchangeFresh(s)).body.id_token);
    expect(first.aud).toBe('oac_someoneElse');
    expect(first.user_role).toBe('OWNER');
    expect(first).not.toHaveProperty('type');
    expect(first.installation_id).toBe(IDS.acme);
    const second = decodeJwt((await exchangeFresh(s)).body.id_token);
    expect(second.aud).toBe(TEST_INTEGRATION.clientId);
    expect(second.nbf).toBe(second.iat);
  });

  it('is not consumed by a failed exchange', async () => {
    s.emu.controls.setNextTokenOverride({ claims: { sub: `account:${IDS.acmeAccount}` } });
    expect((await postToken(s.url, tokenBody('bad', 'bad'))).status).toBe(400);
    expect(decodeJwt((await exchangeFresh(s)).body.id_token).sub).toBe(
      `account:${IDS.acmeAccount}`,
    );
  });

  it('merges the header (e.g. a kid that is not in the JWKS)', async () => {
    s.emu.controls.setNextTokenOverride({ header: { kid: 'not-a-key', typ: null } });
    const token = (await exchangeFresh(s)).body.id_token;
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: 'not-a-key' });
    await expect(jwtVerify(token, await jwks())).rejects.toThrow();
  });

  it("signWith 'unknown-key' is a valid RS256 JWS from a key absent from the JWKS", async () => {
    s.emu.controls.setNextTokenOverride({ signWith: 'unknown-key' });
    const token = (await exchangeFresh(s)).body.id_token;
    const header = decodeProtectedHeader(token);
    expect(header.alg).toBe('RS256');
    const keys = (await request(s.url).get('/.well-known/jwks')).body.keys as Array<{
      kid: string;
    }>;
    expect(keys.map((k) => k.kid)).not.toContain(header.kid);
    await expect(jwtVerify(token, await jwks())).rejects.toThrow();
  });

  it("signWith 'none' is an unsigned alg:none JWT", async () => {
    s.emu.controls.setNextTokenOverride({ signWith: 'none' });
    const token: string = (await exchangeFresh(s)).body.id_token;
    expect(token.endsWith('.')).toBe(true);
    expect(decodeProtectedHeader(token).alg).toBe('none');
    expect(decodeJwt(token).user_id).toBe(IDS.aliceAcme);
    await expect(jwtVerify(token, await jwks())).rejects.toThrow();
  });

  it("signWith 'hs256-public-key' is HS256 keyed with the active public key PEM", async () => {
    s.emu.controls.setNextTokenOverride({ signWith: 'hs256-public-key' });
    const token: string = (await exchangeFresh(s)).body.id_token;
    expect(decodeProtectedHeader(token).alg).toBe('HS256');
    const { createPublicKey } = await import('node:crypto');
    const { n, e } = (await request(s.url).get('/.well-known/jwks')).body.keys[0];
    const pem = createPublicKey({ key: { kty: 'RSA', n, e }, format: 'jwk' }).export({
      type: 'spki',
      format: 'pem',
    }) as string;
    const verified = await jwtVerify(token, new TextEncoder().encode(pem), {
      algorithms: ['HS256'],
    });
    expect(verified.payload.user_id).toBe(IDS.aliceAcme);
    await expect(jwtVerify(token, await jwks(), { algorithms: ['RS256'] })).rejects.toThrow();
  });

  it('rejects an invalid override shape', () => {
    expect(() => s.emu.controls.setNextTokenOverride({ signWith: 'rsa' } as never)).toThrow(
      TypeError,
    );
  });
});
