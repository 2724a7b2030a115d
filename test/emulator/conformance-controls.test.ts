/** The emulator controls added for the conformance kit: what the token endpoint received, and a decoy key sharing a kid. */
import request from 'supertest';
import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import {
  IDS,
  postToken,
  startEmulator,
  tokenBody,
  TEST_INTEGRATION,
  type Started,
} from './helpers';

let s: Started;
beforeAll(async () => {
  s = await startEmulator();
});
afterAll(() => s.close());

describe('controls.tokenRequest', () => {
  it('tells what a code was presented with: field names, JSON or form, grant_type and the answer', async () => {
    const json = s.emu.controls.mintLogin({ installationId: IDS.acme, userId: IDS.aliceAcme });
    await postToken(s.url, tokenBody(json.code, json.state)).expect(200);
    expect(s.emu.controls.tokenRequest(json.code)).toEqual({
      codeSha256: expect.any(String),
      contentType: 'application/json',
      json: true,
      fields: ['client_id', 'client_secret', 'code', 'grant_type', 'state'],
      grantType: 'authorization_code',
      status: 200,
    });

    const form = s.emu.controls.mintLogin({ installationId: IDS.acme, userId: IDS.aliceAcme });
    await request(s.url)
      .post('/v1/integrations/sso/token')
      .type('form')
      .send({
        code: form.code,
        client_id: TEST_INTEGRATION.clientId,
        client_secret: TEST_INTEGRATION.clientSecret,
      })
      .expect(200); // lenient like the 2026 spec: state optional, grant_type defaulted (VERCEL-SSO.md §5)
    const record = s.emu.controls.tokenRequest(form.code);
    expect(record).toMatchObject({
      json: false,
      fields: ['client_id', 'client_secret', 'code'],
      grantType: undefined,
      status: 200,
    });
    expect(JSON.stringify(record)).not.toContain(TEST_INTEGRATION.clientSecret);
    expect(JSON.stringify(record)).not.toContain(form.code);
  });

  it('is undefined for a code never presented', () => {
    const { code } = s.emu.controls.mintLogin({ installationId: IDS.acme, userId: IDS.aliceAcme });
    expect(s.emu.controls.tokenRequest(code)).toBeUndefined();
  });
});

describe('controls.rotateKey({ decoySharingKid })', () => {
  it('publishes a never-signing key with the new kid first; tokens verify only with the real one; the next rotation drops it', async () => {
    const kid = await s.emu.controls.rotateKey({ decoySharingKid: true });
    const jwks = (await request(s.url).get('/.well-known/jwks').expect(200)).body as {
      keys: Array<{ kid: string; n: string }>;
    };
    expect(jwks.keys.filter((k) => k.kid === kid)).toHaveLength(2);
    expect(jwks.keys[0]!.kid).toBe(kid);

    const { code, state } = s.emu.controls.mintLogin({
      installationId: IDS.acme,
      userId: IDS.aliceAcme,
    });
    const idToken = (await postToken(s.url, tokenBody(code, state)).expect(200)).body
      .id_token as string;
    expect(decodeProtectedHeader(idToken).kid).toBe(kid);
    const [decoy, real] = jwks.keys;
    await expect(jwtVerify(idToken, createLocalJWKSet({ keys: [decoy!] }))).rejects.toBeInstanceOf(
      errors.JWSSignatureVerificationFailed,
    );
    await expect(jwtVerify(idToken, createLocalJWKSet({ keys: [real!] }))).resolves.toBeDefined();

    await s.emu.controls.rotateKey();
    const after = (await request(s.url).get('/.well-known/jwks').expect(200)).body as {
      keys: Array<{ kid: string }>;
    };
    expect(after.keys.filter((k) => k.kid === kid)).toHaveLength(1);
  });
});
