/**
 * Partner API authentication (issue 12, VERCEL-SSO.md §4): every token kind against every route
 * policy, the path installation, and every way a token can be bad, with tokens minted by the
 * emulator exactly as Vercel sends them (`Authorization: Bearer` + `X-Vercel-Auth`).
 */
import express, { type Express } from 'express';
import request from 'supertest';
import { createEmulator, type Emulator, type PartnerTokenInput } from '../../../src/emulator';
import { createVercelSso, type VercelSso } from '../../../src/index';
import { createLogger } from '../../../src/web/logger';
import { ACME, CLIENT_ID, CLIENT_SECRET, SESSION_SECRET, SLUG } from '../../support/harness';
import { LogCapture } from '../../support/log-capture';

const GLOBEX = {
  installationId: 'icfg_globex00000000000001',
  admin: 'ca4010000000000000000000000000000000000000000000000000000000b001',
  user: 'a11ce000000000000000000000000000000000000000000000000000000000b2',
};

let emulator: Emulator;
let closeEmulator: () => Promise<void>;
let sso: VercelSso;
let app: Express;
const logs = new LogCapture();

beforeAll(async () => {
  emulator = await createEmulator({
    integration: {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      slug: SLUG,
      name: 'Acme Provider',
      redirectLoginUrl: 'http://localhost:3000/callback',
    },
  });
  const server = await emulator.listen(0, '127.0.0.1');
  closeEmulator = server.close;
  sso = createVercelSso({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    publicUrl: 'http://localhost:3000',
    sessionSecret: SESSION_SECRET,
    vercel: { apiUrl: server.url, issuer: server.url, ssoUrl: server.url },
    http: { jwksCooldownMs: 0 },
    logger: createLogger('debug', logs),
  });
  app = express();
  const answer = (req: express.Request, res: express.Response) =>
    res.json({ caller: req.vercelCaller });
  app.get('/any/:installationId', sso.requireVercelAuth(), answer);
  app.get('/user-only/:installationId', sso.requireVercelAuth({ allow: ['user'] }), answer);
  app.get('/system-only/:installationId', sso.requireVercelAuth({ allow: ['system'] }), answer);
  app.delete('/admin/:installationId', sso.requireVercelAuth({ role: 'ADMIN' }), answer);
  app.get('/unscoped', sso.requireVercelAuth(), answer);
});
afterAll(async () => {
  await sso.close();
  await closeEmulator();
});

async function headers(input: PartnerTokenInput): Promise<Record<string, string>> {
  return (await emulator.controls.mintPartnerToken(input)).headers;
}
const userOf = (installationId: string, userId: string): PartnerTokenInput => ({
  installationId,
  kind: 'user',
  userId,
});
const systemOf = (installationId: string): PartnerTokenInput => ({
  installationId,
  kind: 'system',
});

describe('token kind × route policy', () => {
  const cases: Array<[string, string, PartnerTokenInput, number, string | null]> = [
    ['user token', '/any/', userOf(ACME.installationId, ACME.user), 200, null],
    ['system token', '/any/', systemOf(ACME.installationId), 200, null],
    ['user token', '/user-only/', userOf(ACME.installationId, ACME.user), 200, null],
    ['system token', '/user-only/', systemOf(ACME.installationId), 403, 'kind_not_allowed'],
    ['system token', '/system-only/', systemOf(ACME.installationId), 200, null],
    [
      'user token',
      '/system-only/',
      userOf(ACME.installationId, ACME.admin),
      403,
      'kind_not_allowed',
    ],
  ];
  test.each(cases)('%s on %s', async (_name, route, input, status, code) => {
    const response = await request(app)
      .get(`${route}${ACME.installationId}`)
      .set(await headers(input));
    expect(response.status).toBe(status);
    if (code) expect(response.body).toEqual({ error: { code, message: expect.any(String) } });
    else
      expect(response.body.caller).toMatchObject({
        kind: input.kind,
        installationId: ACME.installationId,
      });
  });

  test('the verified caller is on the request: a user with role and ids, a system caller without user claims', async () => {
    const user = await request(app)
      .get(`/any/${ACME.installationId}`)
      .set(await headers(userOf(ACME.installationId, ACME.admin)))
      .expect(200);
    expect(user.body.caller).toEqual({
      kind: 'user',
      subject: `account:${user.body.caller.accountId}:user:${ACME.admin}`,
      accountId: expect.any(String),
      installationId: ACME.installationId,
      userId: ACME.admin,
      role: 'ADMIN',
      tokenType: 'access_token',
    });
    const system = await request(app)
      .get(`/any/${ACME.installationId}`)
      .set(await headers(systemOf(ACME.installationId)))
      .expect(200);
    expect(system.body.caller).toEqual({
      kind: 'system',
      subject: `account:${system.body.caller.accountId}`,
      accountId: expect.any(String),
      installationId: ACME.installationId,
    });
  });

  test('role ADMIN: an ADMIN user passes, a USER gets 403, a system token passes', async () => {
    await request(app)
      .delete(`/admin/${ACME.installationId}`)
      .set(await headers(userOf(ACME.installationId, ACME.admin)))
      .expect(200);
    const viewer = await request(app)
      .delete(`/admin/${ACME.installationId}`)
      .set(await headers(userOf(ACME.installationId, ACME.user)))
      .expect(403);
    expect(viewer.body.error.code).toBe('role_not_allowed');
    await request(app)
      .delete(`/admin/${ACME.installationId}`)
      .set(await headers(systemOf(ACME.installationId)))
      .expect(200);
  });

  test('an id_token-typed user token is a user token too (VERCEL-SSO.md §4: type may be either)', async () => {
    const input = {
      ...userOf(ACME.installationId, ACME.user),
      override: { claims: { type: 'id_token' } },
    };
    await request(app)
      .get(`/user-only/${ACME.installationId}`)
      .set(await headers(input))
      .expect(200);
  });
});

describe('the installation in the path', () => {
  test('a user token of another installation → 403 installation_mismatch', async () => {
    const response = await request(app)
      .get(`/any/${ACME.installationId}`)
      .set(await headers(userOf(GLOBEX.installationId, GLOBEX.admin)))
      .expect(403);
    expect(response.body.error.code).toBe('installation_mismatch');
  });
  test('a system token of another installation → 403', async () => {
    const response = await request(app)
      .get(`/system-only/${GLOBEX.installationId}`)
      .set(await headers(systemOf(ACME.installationId)))
      .expect(403);
    expect(response.body.error.code).toBe('installation_mismatch');
  });
  test('a system token with installation_id null matches no installation (403), but passes a route without one', async () => {
    const input = {
      ...systemOf(ACME.installationId),
      override: { claims: { installation_id: null } },
    };
    // The emulator's override deletes a claim set to null: the token has no installation_id at all.
    const h = await headers(input);
    expect(
      (await request(app).get(`/any/${ACME.installationId}`).set(h).expect(403)).body.error.code,
    ).toBe('installation_mismatch');
    const unscoped = await request(app).get('/unscoped').set(h).expect(200);
    expect(unscoped.body.caller).toMatchObject({ kind: 'system', installationId: null });
  });
});

describe("bad tokens and headers → 401 in Vercel's error shape", () => {
  const path = `/any/${ACME.installationId}`;
  test('no Authorization header', async () => {
    const response = await request(app).get(path).set('X-Vercel-Auth', 'user').expect(401);
    expect(response.body).toEqual({
      error: { code: 'missing_token', message: 'Missing bearer token.' },
    });
    expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_request"');
  });
  test('a non-Bearer Authorization header', async () => {
    const { token } = await emulator.controls.mintPartnerToken(
      userOf(ACME.installationId, ACME.user),
    );
    expect(
      (
        await request(app)
          .get(path)
          .set('Authorization', `Basic ${token}`)
          .set('X-Vercel-Auth', 'user')
          .expect(401)
      ).body.error.code,
    ).toBe('missing_token');
  });
  test('no X-Vercel-Auth header, or an unknown one', async () => {
    const { token } = await emulator.controls.mintPartnerToken(
      userOf(ACME.installationId, ACME.user),
    );
    expect(
      (await request(app).get(path).set('Authorization', `Bearer ${token}`).expect(401)).body.error
        .code,
    ).toBe('invalid_auth_kind');
    expect(
      (
        await request(app)
          .get(path)
          .set('Authorization', `Bearer ${token}`)
          .set('X-Vercel-Auth', 'admin')
          .expect(401)
      ).body.error.code,
    ).toBe('invalid_auth_kind');
  });
  test('a header contradicting the token: X-Vercel-Auth: system on a user token, and the reverse', async () => {
    const user = await emulator.controls.mintPartnerToken(userOf(ACME.installationId, ACME.user));
    expect(
      (
        await request(app)
          .get(path)
          .set('Authorization', `Bearer ${user.token}`)
          .set('X-Vercel-Auth', 'system')
          .expect(401)
      ).body.error.code,
    ).toBe('invalid_token');
    const system = await emulator.controls.mintPartnerToken(systemOf(ACME.installationId));
    expect(
      (
        await request(app)
          .get(path)
          .set('Authorization', `Bearer ${system.token}`)
          .set('X-Vercel-Auth', 'user')
          .expect(401)
      ).body.error.code,
    ).toBe('invalid_token');
  });
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const badTokens: Array<[string, () => PartnerTokenInput]> = [
    [
      'expired',
      () => ({
        ...systemOf(ACME.installationId),
        override: { claims: { iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 } },
      }),
    ],
    [
      'issued in the future',
      () => ({
        ...systemOf(ACME.installationId),
        override: { claims: { iat: nowSeconds() + 3600, exp: nowSeconds() + 7200 } },
      }),
    ],
    [
      'wrong audience',
      () => ({
        ...userOf(ACME.installationId, ACME.user),
        override: { claims: { aud: 'oac_someoneElse000000000000' } },
      }),
    ],
    [
      'audience as an array',
      () => ({ ...systemOf(ACME.installationId), override: { claims: { aud: [CLIENT_ID] } } }),
    ],
    [
      'wrong issuer',
      () => ({
        ...systemOf(ACME.installationId),
        override: { claims: { iss: 'https://evil.example' } },
      }),
    ],
    ['alg: none', () => ({ ...systemOf(ACME.installationId), override: { signWith: 'none' } })],
    [
      'HS256 keyed with the public key',
      () => ({ ...systemOf(ACME.installationId), override: { signWith: 'hs256-public-key' } }),
    ],
    [
      'an unknown key',
      () => ({ ...systemOf(ACME.installationId), override: { signWith: 'unknown-key' } }),
    ],
    ['no exp', () => ({ ...systemOf(ACME.installationId), override: { claims: { exp: null } } })],
  ];
  test.each(badTokens)('%s', async (_name, input) => {
    const minted = await emulator.controls.mintPartnerToken(input());
    const response = await request(app).get(path).set(minted.headers).expect(401);
    expect(response.body.error.code).toBe('invalid_token');
    expect(logs.text()).not.toContain(minted.token);
  });
  test('a garbage bearer value', async () => {
    expect(
      (
        await request(app)
          .get(path)
          .set('Authorization', 'Bearer abc.def.ghi')
          .set('X-Vercel-Auth', 'user')
          .expect(401)
      ).body.error.code,
    ).toBe('invalid_token');
  });
});

test('key rotation mid-stream: tokens of the new key verify, with one JWKS fetch for 10 concurrent calls', async () => {
  const path = `/any/${ACME.installationId}`;
  await request(app)
    .get(path)
    .set(await headers(systemOf(ACME.installationId)))
    .expect(200); // keys cached
  await emulator.controls.rotateKey();
  const h = await headers(systemOf(ACME.installationId));
  emulator.controls.resetStats();
  const answers = await Promise.all(
    Array.from({ length: 10 }, () => request(app).get(path).set(h)),
  );
  expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
  expect(emulator.controls.stats().jwksRequests).toBe(1);
  // Tokens of the previous key (kept in the JWKS) still verify without another fetch.
  await request(app)
    .get(path)
    .set(await headers(systemOf(ACME.installationId)))
    .expect(200);
  expect(emulator.controls.stats().jwksRequests).toBe(1);
});

test('the login and the Partner API share one key set: a login after Partner API calls fetches no JWKS', async () => {
  await request(app)
    .get(`/any/${ACME.installationId}`)
    .set(await headers(userOf(ACME.installationId, ACME.user)))
    .expect(200);
  const vendor = express();
  vendor.use(sso.router);
  emulator.controls.resetStats();
  const url = new URL(
    emulator.controls.mintLogin({ installationId: ACME.installationId, userId: ACME.admin })
      .redirectUrl,
  );
  // The router is mounted at / here; the emulator's redirect URL is http://localhost:3000/callback.
  await request(vendor).get(`${url.pathname}${url.search}`).expect(302);
  expect(emulator.controls.stats().jwksRequests).toBe(0);
});

test('bad options are refused at construction', () => {
  expect(() => sso.requireVercelAuth({ allow: [] })).toThrow(TypeError);
  expect(() => sso.requireVercelAuth({ allow: ['admin' as never] })).toThrow(/allow/);
  expect(() => sso.requireVercelAuth({ role: 'OWNER' as never })).toThrow(/role/);
});

test('the reference service: GET /v1/installations/:id answers who called', async () => {
  const { buildApp } = await import('../../support/harness');
  const { loadConfig } = await import('../../../src/config');
  const config = loadConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: 'http://localhost:3000',
    INTEGRATION_CLIENT_ID: CLIENT_ID,
    INTEGRATION_CLIENT_SECRET: CLIENT_SECRET,
    SESSION_SECRET,
    VERCEL_API_URL: emulator.baseUrl,
    VERCEL_ISSUER: emulator.baseUrl,
    LOG_LEVEL: 'silent',
  });
  const reference = buildApp(config, createLogger('silent'));
  try {
    const response = await request(reference.app)
      .get(`/v1/installations/${ACME.installationId}`)
      .set(await headers(userOf(ACME.installationId, ACME.user)))
      .expect(200);
    expect(response.body).toEqual({
      installation_id: ACME.installationId,
      caller: {
        kind: 'user',
        account_id: expect.any(String),
        user_id: ACME.user,
        user_role: 'USER',
      },
    });
    await request(reference.app).get(`/v1/installations/${ACME.installationId}`).expect(401);
    const viewer = await request(reference.app)
      .delete(`/v1/installations/${ACME.installationId}`)
      .set(await headers(userOf(ACME.installationId, ACME.user)))
      .expect(403);
    expect(viewer.body.error.code).toBe('role_not_allowed');
  } finally {
    await reference.sso.close();
  }
});
