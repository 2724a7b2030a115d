import request from 'supertest';
import { createEmulator, type Emulator } from '../../../src/emulator';
import { startBackendProcess, type BackendProcess } from '../../support/backend-process';
import { eventually } from '../../support/eventually';
import {
  ACME,
  CLIENT_ID,
  CLIENT_SECRET,
  PUBLIC_URL,
  SESSION_SECRET,
  SLUG,
} from '../../support/harness';
import {
  countKeys,
  deleteKeys,
  describeWithRedis,
  TEST_REDIS_URL,
  uniquePrefix,
} from '../../support/redis';

describeWithRedis('two backend processes sharing one Redis', () => {
  const prefix = uniquePrefix();
  let emulator: Emulator;
  let closeEmulator: () => Promise<void>;
  let a: BackendProcess;
  let b: BackendProcess;

  beforeAll(async () => {
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
      RATE_LIMIT_CALLBACK_MAX: '100000',
      LOG_LEVEL: 'info',
    };
    // allSettled: when one fails to start, the other is still assigned and afterAll stops it.
    const started = await Promise.allSettled([startBackendProcess(env), startBackendProcess(env)]);
    if (started[0].status === 'fulfilled') a = started[0].value;
    if (started[1].status === 'fulfilled') b = started[1].value;
    for (const result of started) if (result.status === 'rejected') throw result.reason;
  }, 30_000);

  afterAll(async () => {
    const codes = await Promise.all([a?.stop(), b?.stop()]);
    await closeEmulator?.();
    await deleteKeys(prefix);
    expect(codes).toEqual([0, 0]); // graceful shutdown exits 0
    expect(await countKeys(prefix)).toBe(0);
  });

  function callbackPath(userId = ACME.admin, context: Record<string, string> = {}): string {
    const url = new URL(
      emulator.controls.mintLogin({ installationId: ACME.installationId, userId, context })
        .redirectUrl,
    );
    return `${url.pathname}${url.search}`;
  }

  function sessionCookie(response: request.Response): string | undefined {
    const lines = (response.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
    return lines.find((line) => line.startsWith('sso_session='))?.split(';')[0];
  }

  test('a session created on A works on B; signing out on B kills it on A', async () => {
    const login = await request(a.url)
      .get(callbackPath(ACME.user, { project_id: 'prj_acmeWeb000000000001' }))
      .expect(302);
    const cookie = sessionCookie(login)!;
    expect(cookie).toBeDefined();

    const onB = await request(b.url).get('/api/session').set('Cookie', cookie).expect(200);
    expect(onB.body).toMatchObject({
      installation_id: ACME.installationId,
      user_id: ACME.user,
      user_role: 'USER',
    });
    const page = await request(b.url)
      .get('/projects/prj_acmeWeb000000000001')
      .set('Cookie', cookie)
      .expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;

    await request(b.url)
      .post('/signout')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: csrf })
      .expect(303);
    await request(a.url).get('/api/session').set('Cookie', cookie).expect(401);
  });

  test('a code redeemed on A is refused on B, without a second exchange', async () => {
    const path = callbackPath();
    await request(a.url).get(path).expect(302);
    emulator.controls.resetStats();
    const replay = await request(b.url).get(path);
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('This sign-in link is no longer valid');
    expect(sessionCookie(replay)).toBeUndefined();
    expect(emulator.controls.stats().tokenRequests).toBe(0);
  });

  test('50 concurrent callbacks with the same code across both instances give exactly one session', async () => {
    const path = callbackPath();
    emulator.controls.resetStats();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => request(i % 2 === 0 ? a.url : b.url).get(path)),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 302)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(49);
    expect(responses.filter((r) => sessionCookie(r) !== undefined)).toHaveLength(1);
    expect(emulator.controls.stats().tokenRequests).toBe(1);
    expect(await countKeys(`${prefix}sess:`)).toBeGreaterThanOrEqual(1);
  });

  test('both instances are ready', async () => {
    for (const backend of [a, b]) {
      const ready = await request(backend.url).get('/readyz').expect(200);
      expect(ready.body).toEqual({
        status: 'ready',
        checks: { session_store: 'ok', issuer_keys: 'ok' },
      });
    }
  });
});

describeWithRedis('graceful shutdown', () => {
  test('SIGTERM lets an in-flight login finish, then the process exits 0', async () => {
    const prefix = uniquePrefix();
    const emulator = await createEmulator({
      integration: {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        slug: SLUG,
        name: 'Acme Provider',
        redirectLoginUrl: `${PUBLIC_URL}/callback`,
      },
    });
    const listening = await emulator.listen(0, '127.0.0.1');
    const backend = await startBackendProcess({
      NODE_ENV: 'test',
      PUBLIC_URL,
      INTEGRATION_CLIENT_ID: CLIENT_ID,
      INTEGRATION_CLIENT_SECRET: CLIENT_SECRET,
      SESSION_SECRET,
      VERCEL_API_URL: listening.url,
      VERCEL_ISSUER: listening.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      SHUTDOWN_GRACE_MS: '5000',
    });
    try {
      // The login must find the backend ready (session store answering, issuer keys cached): on
      // a loaded CI the first /readyz can still be pending when `listening` is logged.
      await eventually(
        'the backend to answer /readyz 200',
        async () => (await request(backend.url).get('/readyz')).status === 200,
        15_000,
        50,
        () => backend.lines.join('\n'),
      );
      const url = new URL(
        emulator.controls.mintLogin({ installationId: ACME.installationId, userId: ACME.admin })
          .redirectUrl,
      );
      emulator.controls.setFault('token', { kind: 'delay', ms: 800 }, { times: 1 });
      const before = emulator.controls.stats().tokenRequests;
      let answered: { status: number; text: string } | undefined;
      const pending = request(backend.url)
        .get(`${url.pathname}${url.search}`)
        .then((r) => (answered = { status: r.status, text: r.text }));
      // SIGTERM only once the login is in flight: the emulator holds the token request (delay
      // fault). A fixed sleep raced on a loaded CI; a poll without a deadline hung it once when
      // the login was answered without reaching the token endpoint. Both now end the wait.
      await eventually(
        'the backend to send the token request',
        () => answered !== undefined || emulator.controls.stats().tokenRequests !== before,
        15_000,
        10,
        () => backend.lines.join('\n'),
      );
      if (answered)
        throw new Error(
          `the login was answered ${answered.status} before the token request:\n${answered.text}\n${backend.lines.join('\n')}`,
        );
      const exited = backend.stop();
      const response = await pending;
      expect(response.status).toBe(302);
      expect(await exited).toBe(0);
      expect(backend.lines.some((line) => line.includes('"event":"shutdown_complete"'))).toBe(true);
    } finally {
      await backend.stop();
      await listening.close();
      await deleteKeys(prefix);
    }
  }, 40_000);
});
