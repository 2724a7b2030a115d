/**
 * Bench mode (`presignTokens`): exchanges reuse a recently signed id_token per (installation,
 * user); the default mode signs one per exchange. No timing assertions. The cache itself
 * (`PresignedTokens`) is unit-tested in `model/tokens.test.ts`.
 */
import request from 'supertest';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { exchangeFresh, IDS, startEmulator, TEST_INTEGRATION, type Started } from './helpers';

async function verify(s: Started, idToken: string) {
  const jwks = createLocalJWKSet(
    (await request(s.url).get('/.well-known/jwks')).body as JSONWebKeySet,
  );
  return jwtVerify(idToken, jwks, {
    issuer: s.url,
    audience: TEST_INTEGRATION.clientId,
    algorithms: ['RS256'],
  });
}

/** Exchanges within the same second sign the same claims; wait for the next second so per-request signing shows. */
async function nextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
}

describe('emulator bench mode (presignTokens)', () => {
  let s: Started;
  beforeAll(async () => {
    s = await startEmulator({ presignTokens: true });
  });
  afterAll(() => s.close());

  it('returns the same valid id_token for two exchanges of the same user', async () => {
    const first = await exchangeFresh(s, IDS.acme, IDS.aliceAcme);
    await nextSecond();
    const second = await exchangeFresh(s, IDS.acme, IDS.aliceAcme);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body.id_token).toBe(first.body.id_token);
    expect(second.body.access_token).not.toBe(first.body.access_token);
    const { payload } = await verify(s, second.body.id_token);
    expect(payload).toMatchObject({
      installation_id: IDS.acme,
      user_id: IDS.aliceAcme,
      user_role: 'ADMIN',
    });
  });

  it('keeps one token per (installation, user)', async () => {
    const alice = await exchangeFresh(s, IDS.acme, IDS.aliceAcme);
    const bob = await exchangeFresh(s, IDS.acme, IDS.bobAcme);
    const aliceGlobex = await exchangeFresh(s, IDS.globex, IDS.aliceGlobex);
    expect(new Set([alice.body.id_token, bob.body.id_token, aliceGlobex.body.id_token]).size).toBe(
      3,
    );
    expect((await verify(s, bob.body.id_token)).payload.user_id).toBe(IDS.bobAcme);
    expect((await verify(s, aliceGlobex.body.id_token)).payload.installation_id).toBe(IDS.globex);
  });

  it('still checks every code: a used code is refused', async () => {
    const { code, state } = s.emu.controls.mintLogin({
      installationId: IDS.acme,
      userId: IDS.aliceAcme,
    });
    const body = {
      grant_type: 'authorization_code',
      code,
      state,
      client_id: TEST_INTEGRATION.clientId,
      client_secret: TEST_INTEGRATION.clientSecret,
    };
    const post = () => request(s.url).post('/v1/integrations/sso/token').send(body);
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(400);
  });

  it('signs afresh with the new key after a rotation', async () => {
    const before = await exchangeFresh(s);
    const kid = await s.emu.controls.rotateKey();
    const after = await exchangeFresh(s);
    expect(after.body.id_token).not.toBe(before.body.id_token);
    expect(decodeProtectedHeader(after.body.id_token).kid).toBe(kid);
    await expect(verify(s, after.body.id_token)).resolves.toBeDefined();
  });

  it('signs overridden tokens afresh and does not cache them', async () => {
    const cached = await exchangeFresh(s);
    s.emu.controls.setNextTokenOverride({ claims: { user_name: 'Overridden' } });
    const overridden = await exchangeFresh(s);
    expect(overridden.body.id_token).not.toBe(cached.body.id_token);
    expect((await verify(s, overridden.body.id_token)).payload.user_name).toBe('Overridden');
    const again = await exchangeFresh(s);
    expect(again.body.id_token).toBe(cached.body.id_token);
  });
});

describe('emulator default mode', () => {
  let s: Started;
  beforeAll(async () => {
    s = await startEmulator();
  });
  afterAll(() => s.close());

  it('signs a new id_token per exchange', async () => {
    const first = await exchangeFresh(s, IDS.acme, IDS.aliceAcme);
    await nextSecond();
    const second = await exchangeFresh(s, IDS.acme, IDS.aliceAcme);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body.id_token).not.toBe(first.body.id_token);
    const [a, b] = [await verify(s, first.body.id_token), await verify(s, second.body.id_token)];
    expect(b.payload.iat!).toBeGreaterThan(a.payload.iat!);
  });
});
