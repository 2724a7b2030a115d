/**
 * id_token verification errors (src/flow/id-token.ts): how jose's errors map to a refused token
 * (InvalidIdTokenError, 401, naming the failed check) or unavailable keys (KeysUnavailableError,
 * 503). The key set is served from memory through the injectable fetch. Assertions use the error's
 * name and message only.
 */
import {
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { IdTokenVerifier } from '../../src/flow/id-token';
import { JWKS_MAX_BODY_BYTES } from '../../src/vercel/bounded-body';

const ISSUER = 'https://marketplace.example.test';
const AUDIENCE = 'oac_idtoken00000000000000000';
const JWKS_URL = new URL('https://keys.example.test/jwks');
const HEX = 'cd'.repeat(32);
const KID = 'key-1';

let signing: CryptoKey;
let other: CryptoKey;
let published: JWK;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  signing = pair.privateKey;
  other = (await generateKeyPair('RS256')).privateKey;
  published = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
});

type Fetch = typeof fetch;
const serving =
  (body: () => string, status = 200): Fetch =>
  async () =>
    new Response(body(), { status, headers: { 'Content-Type': 'application/json' } });
const jwks = () => serving(() => JSON.stringify({ keys: [published] }));

function verifier(fetchImpl: Fetch, overrides: { jwksUrl?: URL; timeoutMs?: number } = {}) {
  return new IdTokenVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUrl: 'jwksUrl' in overrides ? overrides.jwksUrl : JWKS_URL,
    algorithms: ['RS256'],
    clockToleranceSeconds: 5,
    maxAgeSeconds: 600,
    timeoutMs: overrides.timeoutMs ?? 2000,
    cooldownMs: 0,
    cacheMaxAgeMs: 60_000,
    fetch: fetchImpl,
  });
}

const now = () => Math.floor(Date.now() / 1000);
const claims = (): JWTPayload => ({
  iss: ISSUER,
  aud: AUDIENCE,
  sub: `account:${HEX}:user:${HEX}`,
  iat: now(),
  nbf: now(),
  exp: now() + 3600,
  account_id: HEX,
  installation_id: 'icfg_idtoken01',
  user_id: HEX,
  user_role: 'ADMIN',
});

/** A token with `claims()` changed by `change` (a field set to undefined is left out). */
function token(
  change: Record<string, unknown> = {},
  key: CryptoKey = signing,
  header: { alg?: string; kid?: string } = {},
): Promise<string> {
  const payload: Record<string, unknown> = { ...claims(), ...change };
  for (const name of Object.keys(payload)) if (payload[name] === undefined) delete payload[name];
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: KID, ...header }).sign(key);
}

/** The name and message of what `verify` rejects with (fails when it resolves). */
async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('expected a rejection');
}

const rejected = (check: string) => ({
  name: 'InvalidIdTokenError',
  message: `id_token rejected: ${check}`,
});
const unavailable = (reason: string) => ({
  name: 'KeysUnavailableError',
  message: `issuer keys unavailable: ${reason}`,
});

test('a valid token gives the identity (the doubles below are otherwise usable)', async () => {
  await expect(verifier(jwks()).verify(await token())).resolves.toMatchObject({
    installationId: 'icfg_idtoken01',
    userId: HEX,
    role: 'ADMIN',
  });
});

describe('a refused token: InvalidIdTokenError naming the failed check', () => {
  test.each<[string, Record<string, unknown>, string]>([
    ['expired beyond the clock tolerance', { exp: now() - 60 }, 'exp'],
    ['another issuer', { iss: 'https://evil.example' }, 'iss'],
    ['the issuer with a trailing slash', { iss: `${ISSUER}/` }, 'iss'],
    ['another audience', { aud: 'oac_other' }, 'aud'],
    ['our audience inside an array', { aud: [AUDIENCE] }, 'aud'],
    ['our audience among others', { aud: [AUDIENCE, 'oac_other'] }, 'aud'],
    ['no sub', { sub: undefined }, 'sub'],
    ['no exp', { exp: undefined }, 'exp'],
    ['no iat', { iat: undefined }, 'iat'],
    ['iat a minute in the future', { iat: now() + 60 }, 'iat'],
    ['nbf a minute in the future', { nbf: now() + 60 }, 'nbf'],
    ['no user_role', { user_role: undefined }, 'claim:user_role'],
    ['an unknown user_role', { user_role: 'OWNER' }, 'claim:user_role'],
    ['a malformed installation_id', { installation_id: '../x' }, 'claim:installation_id'],
  ])('%s', async (_name, change, check) => {
    expect(await failure(verifier(jwks()).verify(await token(change)))).toEqual(rejected(check));
  });

  test('iat older than maxAgeSeconds (a stale login) is refused as expired', async () => {
    const old = { iat: now() - 3600, nbf: now() - 3600 };
    expect(await failure(verifier(jwks()).verify(await token(old)))).toEqual(rejected('exp'));
  });

  test('signed by another key under the published kid: signature', async () => {
    expect(await failure(verifier(jwks()).verify(await token({}, other)))).toEqual(
      rejected('signature'),
    );
  });

  test('a kid the key set does not carry: kid', async () => {
    expect(
      await failure(verifier(jwks()).verify(await token({}, signing, { kid: 'unknown' }))),
    ).toEqual(rejected('kid'));
  });

  test('an algorithm other than the pinned one: alg (HS256, and alg none)', async () => {
    const hs = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', kid: KID })
      .sign(new TextEncoder().encode('k'.repeat(32)));
    expect(await failure(verifier(jwks()).verify(hs))).toEqual(rejected('alg'));
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const none = `${b64({ alg: 'none' })}.${b64(claims())}.`;
    expect(await failure(verifier(jwks()).verify(none))).toEqual(rejected('alg'));
  });

  test.each([
    ['empty', ''],
    ['not a JWT', 'not-a-jwt'],
    ['three garbage parts', 'a.b.c'],
    ['a JWE-shaped token', 'a.b.c.d.e'],
    ['unicode', 'é.ü.ß'],
  ])('malformed (%s): malformed', async (_name, value) => {
    expect(await failure(verifier(jwks()).verify(value))).toEqual(rejected('malformed'));
  });

  test('the message names the check only, never the token', async () => {
    const value = await token({ iss: 'https://evil.example' });
    const { message } = await failure(verifier(jwks()).verify(value));
    expect(message).not.toContain(value.split('.')[1]!);
    expect(message).not.toContain('evil');
  });
});

describe('unavailable keys: KeysUnavailableError naming the reason', () => {
  test('the JWKS cannot be reached: JWKS unreachable', async () => {
    const down: Fetch = async () => {
      throw new TypeError('fetch failed');
    };
    expect(await failure(verifier(down).verify(await token()))).toEqual(
      unavailable('JWKS unreachable'),
    );
  });

  test('the JWKS answers 500: JWKS fetch failed', async () => {
    expect(await failure(verifier(serving(() => 'oops', 500)).verify(await token()))).toEqual(
      unavailable('JWKS fetch failed'),
    );
  });

  test('the JWKS is not a JWK set: JWKS malformed', async () => {
    for (const body of ['{"keys":"x"}', '{}', '[]'])
      expect(await failure(verifier(serving(() => body)).verify(await token()))).toEqual(
        unavailable('JWKS malformed'),
      );
  });

  test('the JWKS is over the body limit: the limit is named', async () => {
    const huge = JSON.stringify({ keys: [published], pad: 'x'.repeat(JWKS_MAX_BODY_BYTES) });
    expect(await failure(verifier(serving(() => huge)).verify(await token()))).toEqual(
      unavailable(`JWKS answer over ${JWKS_MAX_BODY_BYTES} bytes`),
    );
  });

  test('the JWKS never answers: JWKS timeout', async () => {
    const hanging: Fetch = (_input, init) =>
      new Promise((_resolve, reject) =>
        // What the global fetch does: reject with the signal's reason (a TimeoutError here).
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)),
      );
    expect(await failure(verifier(hanging, { timeoutMs: 100 }).verify(await token()))).toEqual(
      unavailable('JWKS timeout'),
    );
  });

  test('discovery without jwks_uri, or unreachable, is named as a discovery fault', async () => {
    const discovery = (document: object): Fetch => serving(() => JSON.stringify(document));
    expect(
      await failure(
        verifier(discovery({ issuer: ISSUER }), { jwksUrl: undefined }).verify(await token()),
      ),
    ).toEqual(unavailable('discovery document has no jwks_uri'));
    const down: Fetch = async () => {
      throw new TypeError('fetch failed');
    };
    const { name, message } = await failure(
      verifier(down, { jwksUrl: undefined }).verify(await token()),
    );
    expect(name).toBe('KeysUnavailableError');
    expect(message).toMatch(/^issuer keys unavailable: discovery failed \(\w+\)$/);
  });
});
