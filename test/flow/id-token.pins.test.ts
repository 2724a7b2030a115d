/**
 * Issue 20: the id_token defences that jose alone would not keep. The pinned algorithm list
 * (RFC 8725 §3.1): a token signed with an algorithm jose accepts and the JWKS key supports, but
 * that is not pinned, is refused. The units of the age limit and the clock tolerance: a value read
 * as milliseconds instead of seconds (or the reverse) is off by 1000 and flips a verdict here.
 * The JWKS is served by a tiny server the test controls.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, SignJWT, type JWK } from 'jose';
import {
  IdTokenVerifier,
  InvalidIdTokenError,
  KeysUnavailableError,
  type IdTokenVerifierOptions,
} from '../../src/flow/id-token';
import { JWKS_MAX_BODY_BYTES } from '../../src/vercel/bounded-body';

const ISSUER = 'https://marketplace.example.test';
const AUDIENCE = 'oac_idtoken00000000000000';
const HEX = 'cd'.repeat(32);

let server: Server;
let baseUrl: string;
// Node KeyObjects (not WebCrypto keys, which are bound to one algorithm): one RSA key signs RS256 and PS256.
let rsaKey: KeyObject;
let ecKey: KeyObject;
let jwks: JWK[] = [];
/** The JWKS answer: the keys above unless a test replaces it (raw body, or no answer at all). */
let jwksBody: (() => string) | 'stall' | undefined;
const jwksRequests: Array<{ accept?: string }> = [];

beforeAll(async () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  rsaKey = rsa.privateKey;
  ecKey = ec.privateKey;
  // No `alg` on the keys: the JWKS itself does not restrict them, only our pinned list does.
  jwks = [
    { ...(await exportJWK(rsa.publicKey)), kid: 'rsa', use: 'sig' },
    { ...(await exportJWK(ec.publicKey)), kid: 'ec', use: 'sig' },
  ];
  server = createServer((req, res) => {
    jwksRequests.push({ accept: req.headers.accept });
    if (jwksBody === 'stall') return; // headers never come: the client's timeout must end it
    const body = jwksBody ? jwksBody() : JSON.stringify({ keys: jwks });
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  jwksBody = undefined;
  jwksRequests.length = 0;
});

function verifier(options: Partial<IdTokenVerifierOptions> = {}): IdTokenVerifier {
  return new IdTokenVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUrl: new URL('/jwks', baseUrl),
    algorithms: ['RS256'],
    clockToleranceSeconds: 0,
    maxAgeSeconds: 600,
    timeoutMs: 2000,
    cooldownMs: 0,
    cacheMaxAgeMs: 60_000,
    ...options,
  });
}

interface TokenShape {
  alg?: string;
  /** Claims to leave out. */
  without?: Array<'exp' | 'iat' | 'sub'>;
  /** `aud` as given (default: the audience as a string). */
  aud?: string | string[];
  kid?: string;
  key?: KeyObject;
  /** Seconds since the token was issued. */
  issuedSecondsAgo?: number;
  /** Seconds until it expires (negative: already expired). */
  expiresInSeconds?: number;
}

/** A Marketplace id_token (VERCEL-SSO.md §2 claims). */
function token({
  alg = 'RS256',
  kid = 'rsa',
  key = rsaKey,
  issuedSecondsAgo = 0,
  expiresInSeconds = 3600,
  without = [],
  aud = AUDIENCE,
}: TokenShape = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({
    account_id: HEX,
    installation_id: 'icfg_idtoken01',
    user_id: HEX,
    user_role: 'ADMIN',
  })
    .setProtectedHeader({ alg, kid })
    .setIssuer(ISSUER)
    .setAudience(aud);
  if (!without.includes('sub')) jwt.setSubject(`account:${HEX}:user:${HEX}`);
  if (!without.includes('iat')) jwt.setIssuedAt(now - issuedSecondsAgo);
  if (!without.includes('exp')) jwt.setExpirationTime(now + expiresInSeconds);
  return jwt.sign(key);
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidIdTokenError);
  return (error as InvalidIdTokenError).check;
}

describe('the pinned algorithm list (RFC 8725 §3.1)', () => {
  test('an RS256 token verifies (the control)', async () => {
    await expect(verifier().verify(await token())).resolves.toMatchObject({ role: 'ADMIN' });
  });

  test('a PS256 token signed with the RSA key the JWKS publishes is refused: alg', async () => {
    const ps256 = await token({ alg: 'PS256' });
    expect(await rejection(verifier().verify(ps256))).toBe('alg');
    // The same token passes when PS256 is pinned: the refusal above is our list, not jose's.
    await expect(verifier({ algorithms: ['PS256'] }).verify(ps256)).resolves.toBeDefined();
  });

  test('an ES256 token signed with the EC key the JWKS publishes is refused: alg', async () => {
    const es256 = await token({ alg: 'ES256', kid: 'ec', key: ecKey });
    expect(await rejection(verifier().verify(es256))).toBe('alg');
    await expect(verifier({ algorithms: ['ES256'] }).verify(es256)).resolves.toBeDefined();
  });

  test('Partner API tokens are held to the same list', async () => {
    const es256 = await token({ alg: 'ES256', kid: 'ec', key: ecKey });
    expect(await rejection(verifier().verifyPartnerToken(es256, 'user'))).toBe('alg');
  });
});

describe('units: the age limit and the clock tolerance are seconds', () => {
  test('maxAgeSeconds 60: a token issued 30 s ago verifies, one issued 120 s ago is refused', async () => {
    const v = verifier({ maxAgeSeconds: 60 });
    // Read as ms, 60 would refuse the 30 s old token; multiplied by 1000 it would accept the 120 s one.
    await expect(v.verify(await token({ issuedSecondsAgo: 30 }))).resolves.toBeDefined();
    // jose reports a too-old `iat` as JWTExpired: the login failure says `exp`.
    expect(await rejection(v.verify(await token({ issuedSecondsAgo: 120 })))).toBe('exp');
  });

  test('Partner API tokens have no age limit: a token issued an hour ago still verifies', async () => {
    const v = verifier({ maxAgeSeconds: 60 });
    const old = await token({ issuedSecondsAgo: 3600, expiresInSeconds: 600 });
    await expect(v.verifyPartnerToken(old, 'user')).resolves.toBeDefined();
  });

  test('clockToleranceSeconds 30: expired 10 s ago verifies, expired 60 s ago is refused', async () => {
    const v = verifier({ clockToleranceSeconds: 30 });
    await expect(v.verify(await token({ expiresInSeconds: -10 }))).resolves.toBeDefined();
    expect(await rejection(v.verify(await token({ expiresInSeconds: -60 })))).toBe('exp');
  });

  test('a Partner API token issued in the future beyond the tolerance is refused: iat', async () => {
    const v = verifier({ clockToleranceSeconds: 30 });
    await expect(
      v.verifyPartnerToken(await token({ issuedSecondsAgo: -10 }), 'user'),
    ).resolves.toBeDefined();
    expect(
      await rejection(v.verifyPartnerToken(await token({ issuedSecondsAgo: -120 }), 'user')),
    ).toBe('iat');
  });
});

describe('what a token must carry, and how a refusal is named', () => {
  test('a login token without exp, or a Partner API token without iat or sub, is refused', async () => {
    expect(await rejection(verifier().verify(await token({ without: ['exp'] })))).toBe('exp');
    expect(
      await rejection(verifier().verifyPartnerToken(await token({ without: ['iat'] }), 'user')),
    ).toBe('iat');
    expect(
      await rejection(verifier().verifyPartnerToken(await token({ without: ['sub'] }), 'user')),
    ).toBe('sub');
  });

  test('aud as an array, even holding only our client id, is refused: aud', async () => {
    expect(await rejection(verifier().verify(await token({ aud: [AUDIENCE] })))).toBe('aud');
  });

  test('a signature by another key is refused: signature; a malformed token: malformed', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect(await rejection(verifier().verify(await token({ key: stranger })))).toBe('signature');
    expect(await rejection(verifier().verify('not.a.jwt'))).toBe('malformed');
  });

  test('several keys share the kid: an expired token is refused as exp, not as a bad signature', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const saved = jwks;
    jwks = [{ ...(await exportJWK(other)), kid: 'rsa' }, saved[0]!];
    try {
      expect(await rejection(verifier().verify(await token({ expiresInSeconds: -600 })))).toBe(
        'exp',
      );
    } finally {
      jwks = saved;
    }
  });

  test('the errors carry their name and the check in the message (safe to log)', async () => {
    const error = await verifier()
      .verify(await token({ alg: 'PS256' }))
      .then(
        () => undefined,
        (e: unknown) => e as InvalidIdTokenError,
      );
    expect(error).toBeInstanceOf(InvalidIdTokenError);
    expect(error!.name).toBe('InvalidIdTokenError');
    expect(error!.message).toBe('id_token rejected: alg');
    const unavailable = new KeysUnavailableError('JWKS timeout');
    expect(unavailable.name).toBe('KeysUnavailableError');
    expect(unavailable.message).toBe('issuer keys unavailable: JWKS timeout');
  });
});

describe('the key set: fetched once, bounded, through the injected fetch', () => {
  test('two verifications make one JWKS request, asking for JSON, reported to onJwksFetch', async () => {
    const results: string[] = [];
    const v = verifier({ onJwksFetch: (result) => results.push(result) });
    await v.verify(await token());
    await v.verify(await token());
    expect(jwksRequests).toEqual([{ accept: 'application/json' }]);
    expect(results).toEqual(['ok']);
  });

  test('the injected fetch is the one used', async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls += 1;
      return fetch(input, init);
    };
    await verifier({ fetch: counting }).verify(await token());
    expect(calls).toBe(1);
  });

  test('a JWKS answer over the size limit: keys unavailable (503), not a bad token', async () => {
    jwksBody = () => JSON.stringify({ keys: jwks, padding: 'x'.repeat(JWKS_MAX_BODY_BYTES) });
    const error = await verifier()
      .verify(await token())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeysUnavailableError);
    expect((error as KeysUnavailableError).reason).toMatch(/^JWKS answer over \d+ bytes$/);
  });

  test('a malformed JWKS or one that never answers: keys unavailable, with the reason', async () => {
    jwksBody = () => JSON.stringify({ keys: 'none' });
    const malformed = await verifier()
      .verify(await token())
      .then(
        () => undefined,
        (e: unknown) => e as KeysUnavailableError,
      );
    expect(malformed).toBeInstanceOf(KeysUnavailableError);
    expect(malformed!.reason).toBe('JWKS malformed');

    jwksBody = 'stall';
    const stalled = await verifier({ timeoutMs: 200 })
      .verify(await token())
      .then(
        () => undefined,
        (e: unknown) => e as KeysUnavailableError,
      );
    expect(stalled).toBeInstanceOf(KeysUnavailableError);
    expect(stalled!.reason).toBe('JWKS timeout');
  });
});
