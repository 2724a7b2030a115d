/** Assertion signing keys: PEM, JWK Sets, rotation, refusals (src/sidecar/keys.ts with the signer of src/sidecar/assertion.ts). */
import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, jwtVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';
import { AssertionSigner } from '../../src/sidecar/assertion';
import { AssertionKeyError, loadAssertionKeys } from '../../src/sidecar/keys';

const ecPem = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();

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
