/**
 * Revocation across instances (issue 12): two `node dist/server.js` processes sharing one Redis,
 * three users of two installations signed in on both; the emulator uninstalls one installation
 * (Partner API DELETE to instance A, the signed webhook to instance B), and every session of that
 * installation ends on both instances while the other installation's user stays signed in.
 * Also the index keys: hash-tagged per installation and living exactly as long as the sessions.
 */
import { createClient } from 'redis';
import request from 'supertest';
import { createEmulator, type Emulator } from '../../../src/emulator';
import { RedisSessionIndex } from '../../../src/stores/session-index';
import { startBackendProcess, type BackendProcess } from '../../support/backend-process';
import {
  ACME,
  CLIENT_ID,
  CLIENT_SECRET,
  PUBLIC_URL,
  SESSION_SECRET,
  SLUG,
} from '../../support/harness';
import { deleteKeys, describeWithRedis, TEST_REDIS_URL, uniquePrefix } from '../../support/redis';

const GLOBEX = {
  installationId: 'icfg_globex00000000000001',
  admin: 'ca4010000000000000000000000000000000000000000000000000000000b001',
};
const ABSOLUTE_SECONDS = 3600;
const IDLE_SECONDS = 600;

describeWithRedis('uninstall revokes sessions on two instances sharing Redis', () => {
  const prefix = uniquePrefix();
  let emulator: Emulator;
  let closeEmulator: () => Promise<void>;
  let a: BackendProcess;
  let b: BackendProcess;
  const redis = createClient({ url: TEST_REDIS_URL });

  beforeAll(async () => {
    await redis.connect();
    emulator = await createEmulator({
      integration: {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        slug: SLUG,
        name: 'Acme Provider',
        redirectLoginUrl: `${PUBLIC_URL}/callback`,
      },
    });
    const listening = await emulator.listen(0, '127.0.0.1');
    closeEmulator = listening.close;
    const env = {
      NODE_ENV: 'test',
      PUBLIC_URL,
      INTEGRATION_CLIENT_ID: CLIENT_ID,
      INTEGRATION_CLIENT_SECRET: CLIENT_SECRET,
      INTEGRATION_SLUG: SLUG,
      SESSION_SECRET,
      VERCEL_API_URL: listening.url,
      VERCEL_ISSUER: listening.url,
      VERCEL_SSO_URL: listening.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      SESSION_IDLE_TIMEOUT_SECONDS: String(IDLE_SECONDS),
      SESSION_ABSOLUTE_TIMEOUT_SECONDS: String(ABSOLUTE_SECONDS),
      RATE_LIMIT_CALLBACK_MAX: '100000',
      LOG_LEVEL: 'info',
    };
    [a, b] = await Promise.all([startBackendProcess(env), startBackendProcess(env)]);
    emulator.integration.partnerApiUrl = a.url;
    emulator.integration.webhookUrl = `${b.url}/webhooks/vercel`;
  }, 30_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await closeEmulator?.();
    await deleteKeys(prefix);
    await redis.close();
  });

  function callbackPath(installationId: string, userId: string): string {
    const url = new URL(emulator.controls.mintLogin({ installationId, userId }).redirectUrl);
    return `${url.pathname}${url.search}`;
  }

  async function signIn(
    on: BackendProcess,
    installationId: string,
    userId: string,
  ): Promise<string> {
    const login = await request(on.url).get(callbackPath(installationId, userId)).expect(302);
    const lines = (login.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
    return lines.find((line) => line.startsWith('sso_session='))!.split(';')[0]!;
  }

  const status = async (on: BackendProcess, cookie: string) =>
    (await request(on.url).get('/api/session').set('Cookie', cookie)).status;

  test('three users of two installations; uninstalling one signs its users out on both instances, the other stays', async () => {
    const alice = await signIn(a, ACME.installationId, ACME.admin);
    const bob = await signIn(b, ACME.installationId, ACME.user);
    const carol = await signIn(a, GLOBEX.installationId, GLOBEX.admin);
    for (const cookie of [alice, bob, carol])
      for (const backend of [a, b]) expect(await status(backend, cookie)).toBe(200);

    const index = new RedisSessionIndex(
      ({ command }) => redis.sendCommand(command),
      `${prefix}sidx:`,
      1000,
    );
    expect(await redis.sCard(index.allKey(ACME.installationId))).toBe(2);

    const result = await emulator.controls.uninstall(ACME.installationId);
    expect(result.partnerApi).toMatchObject({
      url: `${a.url}/v1/installations/${ACME.installationId}`,
      status: 200,
    });
    expect(result.webhook).toMatchObject({ status: 200 });

    for (const backend of [a, b]) {
      expect(await status(backend, alice)).toBe(401);
      expect(await status(backend, bob)).toBe(401);
      expect(await status(backend, carol)).toBe(200);
    }
    // The DELETE on A ended both sessions; the webhook on B found none left.
    const revokedOn = (backend: BackendProcess) =>
      backend.lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((r) => r.event === 'sessions_revoked');
    expect(revokedOn(a).map((r) => [r.installation_id, r.count])).toEqual([
      [ACME.installationId, 2],
    ]);
    expect(revokedOn(b).map((r) => [r.installation_id, r.count])).toEqual([
      [ACME.installationId, 0],
    ]);
    expect(
      b.lines.some(
        (line) =>
          line.includes('"event":"webhook_handled"') &&
          line.includes('integration-configuration.removed'),
      ),
    ).toBe(true);
    expect(await redis.exists(index.allKey(ACME.installationId))).toBe(0);
  });

  test('index keys carry the {installationId} hash tag and live as long as the session can (absolute lifetime)', async () => {
    const index = new RedisSessionIndex(
      ({ command }) => redis.sendCommand(command),
      `${prefix}sidx:`,
      1000,
    );
    await signIn(b, GLOBEX.installationId, GLOBEX.admin);
    const all = index.allKey(GLOBEX.installationId);
    const user = index.userKey(GLOBEX.installationId, GLOBEX.admin);
    expect(all).toBe(`${prefix}sidx:{${GLOBEX.installationId}}:all`);
    expect(user).toBe(`${prefix}sidx:{${GLOBEX.installationId}}:user:${GLOBEX.admin}`);
    for (const key of [all, user]) {
      const ttlSeconds = await redis.ttl(key);
      expect(ttlSeconds).toBeGreaterThan(ABSOLUTE_SECONDS - 60);
      expect(ttlSeconds).toBeLessThanOrEqual(ABSOLUTE_SECONDS);
    }
    // The session key itself lives for the idle lifetime (refreshed on use, capped by the absolute one).
    const sids = await redis.sMembers(all);
    const sessionTtl = await redis.ttl(`${prefix}sess:${sids[0]}`);
    expect(sessionTtl).toBeGreaterThan(0);
    expect(sessionTtl).toBeLessThanOrEqual(IDLE_SECONDS);
  });

  test('revoking one user on Redis leaves the teammates and removes the user from the installation index', async () => {
    const index = new RedisSessionIndex(
      ({ command }) => redis.sendCommand(command),
      `${prefix}sidx:`,
      1000,
    );
    const carolAgain = await signIn(a, GLOBEX.installationId, GLOBEX.admin);
    const mallory = await signIn(
      b,
      GLOBEX.installationId,
      '3a11030000000000000000000000000000000000000000000000000000000b03',
    );
    const before = await redis.sCard(index.allKey(GLOBEX.installationId));
    const taken = await index.takeUser(GLOBEX.installationId, GLOBEX.admin);
    expect(taken.length).toBe(before - 1);
    expect(await redis.sCard(index.allKey(GLOBEX.installationId))).toBe(1);
    expect(await redis.exists(index.userKey(GLOBEX.installationId, GLOBEX.admin))).toBe(0);
    // Taking from the index alone ends nothing; the library deletes the sessions (sso.revokeUser).
    expect(await status(a, carolAgain)).toBe(200);
    expect(await status(b, mallory)).toBe(200);
  });
});
