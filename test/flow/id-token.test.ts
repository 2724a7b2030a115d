/**
 * The jose mapping (issue 15 item 2): every error jose's `jwtVerify` (or the JWKS fetch under it)
 * throws becomes an InvalidIdTokenError (401) or a KeysUnavailableError (503) with the right `code`,
 * the failed check or reason, and the jose error kept as `cause`. Direct on `idTokenErrorFrom`, then
 * through a verifier whose JWKS comes from a fetch double.
 */
import { errors as joseErrors, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import {
  IdTokenVerifier,
  idTokenErrorFrom,
  InvalidIdTokenError,
  KeysUnavailableError,
} from '../../src/flow/id-token';
import { BodyTooLargeError } from '../../src/vercel/bounded-body';

describe('idTokenErrorFrom', () => {
  test.each<[string, () => unknown, string]>([
    [
      'JWTExpired',
      () => new joseErrors.JWTExpired('"exp" claim timestamp check failed', {}),
      'exp',
    ],
    [
      'JWTClaimValidationFailed on iss',
      () => new joseErrors.JWTClaimValidationFailed('unexpected "iss" claim value', {}, 'iss'),
      'iss',
    ],
    ['JOSEAlgNotAllowed', () => new joseErrors.JOSEAlgNotAllowed('alg not allowed'), 'alg'],
    [
      'JWSSignatureVerificationFailed',
      () => new joseErrors.JWSSignatureVerificationFailed(),
      'signature',
    ],
    ['JWKSNoMatchingKey', () => new joseErrors.JWKSNoMatchingKey(), 'kid'],
    ['JWSInvalid', () => new joseErrors.JWSInvalid('Invalid Compact JWS'), 'malformed'],
    [
      'JWTInvalid',
      () => new joseErrors.JWTInvalid('JWT Claims Set must be an object'),
      'malformed',
    ],
    ['JOSENotSupported', () => new joseErrors.JOSENotSupported('unsupported'), 'alg'],
    ['a foreign error', () => new RangeError('odd'), 'malformed'],
  ])(
    '%s: InvalidIdTokenError (ERR_ID_TOKEN_INVALID), check %s, the original as cause',
    (_name, make, check) => {
      const original = make();
      const error = idTokenErrorFrom(original);
      expect(error).toBeInstanceOf(InvalidIdTokenError);
      expect(error).toMatchObject({
        code: 'ERR_ID_TOKEN_INVALID',
        check,
        name: 'InvalidIdTokenError',
      });
      expect(error.cause).toBe(original);
    },
  );

  test.each<[string, () => unknown, string]>([
    ['JWKSTimeout', () => new joseErrors.JWKSTimeout(), 'JWKS timeout'],
    [
      'JWKSInvalid',
      () => new joseErrors.JWKSInvalid('JSON Web Key Set malformed'),
      'JWKS malformed',
    ],
    [
      'a JWKS answer that is not 200 (ERR_JOSE_GENERIC)',
      () => new joseErrors.JOSEError('Expected 200 OK from the JSON Web Key Set HTTP response'),
      'JWKS fetch failed',
    ],
    [
      "undici's TypeError (connection refused)",
      () =>
        new TypeError('fetch failed', {
          cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
        }),
      'JWKS unreachable',
    ],
    [
      'an oversized JWKS, wrapped by jose',
      () => new joseErrors.JOSEError('fetch failed', { cause: new BodyTooLargeError(65536) }),
      'JWKS answer over 65536 bytes',
    ],
  ])(
    '%s: KeysUnavailableError (ERR_ISSUER_KEYS_UNAVAILABLE), reason %s, the original as cause',
    (_name, make, reason) => {
      const original = make();
      const error = idTokenErrorFrom(original);
      expect(error).toBeInstanceOf(KeysUnavailableError);
      expect(error).toMatchObject({ code: 'ERR_ISSUER_KEYS_UNAVAILABLE', reason });
      expect(error.cause).toBe(original);
    },
  );
});

describe('through the verifier', () => {
  const ISSUER = 'https://marketplace.example.test';
  const AUDIENCE = 'oac_idtoken0000000000000000';
  const HEX = 'cd'.repeat(32);
  let key: CryptoKey;
  let jwks: string;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    key = pair.privateKey;
    jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1' }] });
  });

  function verifier(fetchImpl: typeof fetch): IdTokenVerifier {
    return new IdTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUrl: new URL('https://marketplace.example.test/jwks'),
      algorithms: ['RS256'],
      clockToleranceSeconds: 5,
      maxAgeSeconds: 600,
      timeoutMs: 2000,
      cooldownMs: 0,
      cacheMaxAgeMs: 60_000,
      fetch: fetchImpl,
    });
  }

  function expiredToken(): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      account_id: HEX,
      installation_id: 'icfg_idtoken01',
      user_id: HEX,
      user_role: 'USER',
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(`account:${HEX}:user:${HEX}`)
      .setIssuedAt(now - 300)
      .setExpirationTime(now - 60)
      .sign(key);
  }

  test("an expired id_token: check 'exp', the cause jose's JWTExpired", async () => {
    const serveJwks = (async () =>
      new Response(jwks, { headers: { 'Content-Type': 'application/json' } })) as typeof fetch;
    const error = await verifier(serveJwks)
      .verify(await expiredToken())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidIdTokenError);
    expect(error).toMatchObject({ code: 'ERR_ID_TOKEN_INVALID', check: 'exp' });
    expect((error as Error).cause).toBeInstanceOf(joseErrors.JWTExpired);
  });

  test('an unreachable JWKS: KeysUnavailableError, the fetch TypeError kept in the cause chain', async () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const failing = (async () => {
      throw refused;
    }) as typeof fetch;
    const error = await verifier(failing)
      .verify(await expiredToken())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeysUnavailableError);
    expect(error).toMatchObject({ code: 'ERR_ISSUER_KEYS_UNAVAILABLE' });
    const chain: unknown[] = [];
    for (let e: unknown = (error as Error).cause; e instanceof Error; e = e.cause) chain.push(e);
    expect(chain).toContain(refused);
  });
});
