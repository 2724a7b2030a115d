import request from 'supertest';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { exchangeFresh, startEmulator, type Started } from '../helpers';

let s: Started;
beforeAll(async () => {
  s = await startEmulator();
});
afterAll(() => s.close());

async function kids(): Promise<string[]> {
  return ((await request(s.url).get('/.well-known/jwks')).body.keys as Array<{ kid: string }>).map(
    (k) => k.kid,
  );
}

describe('key rotation', () => {
  it('keepPrevious (default): new key signs, old key stays published', async () => {
    const oldToken = (await exchangeFresh(s)).body.id_token as string;
    const [oldKid] = await kids();
    const newKid = await s.emu.controls.rotateKey();
    expect(newKid).not.toBe(oldKid);
    expect(await kids()).toEqual([newKid, oldKid]);
    const newToken = (await exchangeFresh(s)).body.id_token as string;
    expect(decodeProtectedHeader(newToken).kid).toBe(newKid);
    const jwks = createLocalJWKSet((await request(s.url).get('/.well-known/jwks')).body);
    await expect(jwtVerify(oldToken, jwks)).resolves.toBeDefined();
    await expect(jwtVerify(newToken, jwks)).resolves.toBeDefined();
  });

  it('keepPrevious false: only the new key is published; old tokens stop verifying', async () => {
    const oldToken = (await exchangeFresh(s)).body.id_token as string;
    const newKid = await s.emu.controls.rotateKey({ keepPrevious: false });
    expect(await kids()).toEqual([newKid]);
    const jwks = createLocalJWKSet((await request(s.url).get('/.well-known/jwks')).body);
    await expect(jwtVerify(oldToken, jwks)).rejects.toThrow();
    await expect(jwtVerify((await exchangeFresh(s)).body.id_token, jwks)).resolves.toBeDefined();
  });
});
