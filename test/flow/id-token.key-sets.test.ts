/**
 * Issue 13 item 1: every key set a conformant issuer may publish while rotating verifies a valid
 * token (several keys with one `kid`, keys without `kid`, encryption keys and other key types
 * listed beside the signing key); a set that cannot verify is a 401 (InvalidIdTokenError) or 503
 * (KeysUnavailableError), never anything else. The JWKS is served by a tiny server the test controls.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import {
  IdTokenVerifier,
  InvalidIdTokenError,
  KeysUnavailableError,
} from '../../src/flow/id-token';

const ISSUER = 'https://marketplace.example.test';
const AUDIENCE = 'oac_keysets000000000000000';

let server: Server;
let jwksBody = '{"keys":[]}';
let baseUrl: string;

interface RsaPair {
  privateKey: CryptoKey;
  jwk: JWK;
}
const rsa: RsaPair[] = [];
let ecJwk: JWK;
let encJwk: JWK;

beforeAll(async () => {
  for (let i = 0; i < 3; i += 1) {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    rsa.push({ privateKey, jwk: await exportJWK(publicKey) });
  }
  ecJwk = await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey);
  encJwk = await exportJWK(
    (await generateKeyPair('RSA-OAEP-256', { extractable: true })).publicKey,
  );
  server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(jwksBody);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A fresh verifier (cold cache) against the test's JWKS. */
function verifier(): IdTokenVerifier {
  return new IdTokenVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUrl: new URL('/jwks', baseUrl),
    algorithms: ['RS256'],
    clockToleranceSeconds: 5,
    maxAgeSeconds: 600,
    timeoutMs: 2000,
    cooldownMs: 0,
    cacheMaxAgeMs: 60_000,
  });
}

const HEX = 'ab'.repeat(32);

/** A valid Marketplace id_token signed with `key`, its header carrying `kid` when given. */
function token(key: CryptoKey, kid?: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    account_id: HEX,
    installation_id: 'icfg_keysets01',
    user_id: HEX,
    user_role: 'ADMIN',
  })
    .setProtectedHeader({ alg: 'RS256', ...(kid !== undefined ? { kid } : {}) })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(`account:${HEX}:user:${HEX}`)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + 3600)
    .sign(key);
}

function serve(keys: JWK[]): void {
  jwksBody = JSON.stringify({ keys });
}

describe('issue 13 item 1: a rotating issuer’s key set never refuses a valid token', () => {
  test.each<[string, () => JWK[], number, string | undefined]>([
    [
      'two keys share the kid (rotation reused it); the token is signed with the second',
      () => [
        { ...rsa[0]!.jwk, kid: 'k1', use: 'sig' },
        { ...rsa[1]!.jwk, kid: 'k1', use: 'sig' },
      ],
      1,
      'k1',
    ],
    [
      'three keys share the kid, no alg nor use on any',
      () => [
        { ...rsa[2]!.jwk, kid: 'k1' },
        { ...rsa[0]!.jwk, kid: 'k1' },
        { ...rsa[1]!.jwk, kid: 'k1' },
      ],
      1,
      'k1',
    ],
    [
      'the token names a kid; the signing key in the set has none',
      () => [{ ...rsa[0]!.jwk, kid: 'other', alg: 'RS256' }, { ...rsa[1]!.jwk }],
      1,
      'k-new',
    ],
    [
      'the token has no kid; several keys without kid',
      () => [{ ...rsa[0]!.jwk }, { ...rsa[2]!.jwk }, { ...rsa[1]!.jwk }],
      1,
      undefined,
    ],
    [
      'the token has no kid; keys with kids',
      () => [
        { ...rsa[0]!.jwk, kid: 'a' },
        { ...rsa[1]!.jwk, kid: 'b' },
      ],
      1,
      undefined,
    ],
    [
      'an encryption key, an EC key and a key_ops-encrypt key share the kid of the signing key',
      () => [
        { ...encJwk, kid: 'k1', use: 'enc', alg: 'RSA-OAEP-256' },
        { ...ecJwk, kid: 'k1', alg: 'ES256', use: 'sig' },
        { ...rsa[0]!.jwk, kid: 'k1', key_ops: ['encrypt'] },
        {
          kty: 'OKP',
          crv: 'X25519',
          x: 'hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo',
          kid: 'k1',
          use: 'enc',
        },
        { kty: 'future-kty', kid: 'k1' },
        { ...rsa[1]!.jwk, kid: 'k1', alg: 'RS256', use: 'sig' },
      ],
      1,
      'k1',
    ],
  ])('%s', async (_name, keys, signer, kid) => {
    serve(keys());
    const identity = await verifier().verify(await token(rsa[signer]!.privateKey, kid));
    expect(identity).toMatchObject({
      accountId: HEX,
      userId: HEX,
      installationId: 'icfg_keysets01',
      role: 'ADMIN',
    });
  });

  test.each<[string, () => JWK[], string | undefined, string]>([
    [
      'two keys share the kid and neither signed the token: 401 signature',
      () => [
        { ...rsa[0]!.jwk, kid: 'k1' },
        { ...rsa[2]!.jwk, kid: 'k1' },
      ],
      'k1',
      'signature',
    ],
    [
      'only an encryption key carries the kid: 401 kid',
      () => [{ ...rsa[1]!.jwk, kid: 'k1', use: 'enc' }],
      'k1',
      'kid',
    ],
    [
      'no kid anywhere and no key verifies: 401 signature',
      () => [{ ...rsa[0]!.jwk }, { ...rsa[2]!.jwk }],
      undefined,
      'signature',
    ],
    [
      'the kid is unknown and every key has a kid: 401 kid',
      () => [{ ...rsa[0]!.jwk, kid: 'a' }],
      'zzz',
      'kid',
    ],
  ])('%s', async (_name, keys, kid, check) => {
    serve(keys());
    const failure = await verifier()
      .verify(await token(rsa[1]!.privateKey, kid))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvalidIdTokenError);
    expect((failure as InvalidIdTokenError).check).toBe(check);
  });

  test('a key set that is not a JWK set: 503 (KeysUnavailableError)', async () => {
    jwksBody = '{"keys":"nope"}';
    await expect(verifier().verify(await token(rsa[1]!.privateKey, 'k1'))).rejects.toBeInstanceOf(
      KeysUnavailableError,
    );
  });
});
