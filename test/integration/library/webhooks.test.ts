/**
 * Signed webhooks (issue 12, VERCEL-SSO.md §4a) and revocation with the memory store in one
 * process: the reference service's `POST /webhooks/vercel` and `DELETE /v1/installations/:id`,
 * driven by the emulator's Uninstall exactly as Vercel would call them.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { webhookSignature } from '../../../src/emulator';
import {
  createVercelSso,
  INSTALLATION_REMOVED_EVENT,
  type VercelWebhookEvent,
} from '../../../src/index';
import { type MemorySessionIndex } from '../../../src/stores/session-index';
import { createLogger } from '../../../src/web/logger';
import {
  ACME,
  CLIENT_ID,
  CLIENT_SECRET,
  SESSION_SECRET,
  startHarness,
  type Harness,
} from '../../support/harness';
import { LogCapture } from '../../support/log-capture';

const GLOBEX = {
  installationId: 'icfg_globex00000000000001',
  admin: 'ca4010000000000000000000000000000000000000000000000000000000b001',
};

function event(
  type: string,
  payload: Record<string, unknown> = {},
  id = `evt_${Math.random().toString(16).slice(2)}`,
): string {
  return JSON.stringify({ id, type, createdAt: Date.now(), payload });
}

function post(h: Harness, body: string | Buffer, signature: string | undefined) {
  const call = request(h.sso.app).post('/webhooks/vercel').set('Content-Type', 'application/json');
  if (signature !== undefined) call.set('x-vercel-signature', signature);
  return call.send(body);
}

describe('POST /webhooks/vercel', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  test('a valid signed event → 200 {received: true}', async () => {
    const body = event('deployment.created', { deployment: { id: 'dpl_1' } });
    const response = await post(h, body, webhookSignature(body, CLIENT_SECRET)).expect(200);
    expect(response.body).toEqual({ received: true });
    expect(
      h.logs
        .records()
        .some((r) => r.event === 'webhook_handled' && r.event_type === 'deployment.created'),
    ).toBe(true);
  });

  test('an uppercase hex signature is the same signature', async () => {
    const body = event('deployment.created');
    await post(h, body, webhookSignature(body, CLIENT_SECRET).toUpperCase()).expect(200);
  });

  test('a tampered body → 401, nothing handled', async () => {
    const body = event(INSTALLATION_REMOVED_EVENT, { configuration: { id: ACME.installationId } });
    const tampered = body.replace(ACME.installationId, GLOBEX.installationId);
    const response = await post(h, tampered, webhookSignature(body, CLIENT_SECRET)).expect(401);
    expect(response.body).toEqual({
      error: { code: 'invalid_signature', message: expect.any(String) },
    });
  });

  test('signed with another secret → 401', async () => {
    const body = event('deployment.created');
    await post(h, body, webhookSignature(body, 'not-the-client-secret')).expect(401);
  });

  test('no signature header, or not 40 hex characters → 401', async () => {
    const body = event('deployment.created');
    await post(h, body, undefined).expect(401);
    await post(h, body, 'sha1=' + webhookSignature(body, CLIENT_SECRET)).expect(401);
    await post(h, body, '').expect(401);
  });

  test('a body over the limit → 413 before anything else', async () => {
    const huge = Buffer.alloc(300 * 1024, 'a');
    const response = await post(h, huge, webhookSignature(huge, CLIENT_SECRET)).expect(413);
    expect(response.body.error.code).toBe('payload_too_large');
  });

  test('a signed body that is not JSON → 400; JSON that is not an event → 400', async () => {
    const notJson = '{"id": "evt_1", "type": ';
    expect(
      (await post(h, notJson, webhookSignature(notJson, CLIENT_SECRET)).expect(400)).body.error
        .code,
    ).toBe('invalid_json');
    const notEvent = JSON.stringify({ hello: 'world' });
    expect(
      (await post(h, notEvent, webhookSignature(notEvent, CLIENT_SECRET)).expect(400)).body.error
        .code,
    ).toBe('invalid_event');
  });

  test('no response in this file is a 500, and no signature or secret is logged', () => {
    expect(h.logs.internalErrors).toEqual([]);
    expect(h.logs.text()).not.toContain(CLIENT_SECRET);
  });
});

describe('sso.webhooks({ onEvent }) in a vendor app', () => {
  const logs = new LogCapture();
  const sso = createVercelSso({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    publicUrl: 'http://localhost:3000',
    sessionSecret: SESSION_SECRET,
    logger: createLogger('debug', logs),
  });
  afterAll(() => sso.close());

  test('a replayed delivery runs onEvent once and is acknowledged each time', async () => {
    const seen: VercelWebhookEvent[] = [];
    const app = express().post('/hook', sso.webhooks({ onEvent: (e) => void seen.push(e) }));
    const body = event('integration-configuration.permission-upgraded', {}, 'evt_replayed_once');
    const signature = webhookSignature(body, CLIENT_SECRET);
    const first = await request(app)
      .post('/hook')
      .set('x-vercel-signature', signature)
      .type('json')
      .send(body)
      .expect(200);
    const again = await Promise.all(
      [1, 2, 3].map(() =>
        request(app).post('/hook').set('x-vercel-signature', signature).type('json').send(body),
      ),
    );
    expect(first.body).toEqual({ received: true });
    expect(again.map((r) => [r.status, r.body])).toEqual(
      Array(3).fill([200, { received: true, duplicate: true }]),
    );
    expect(seen.map((e) => e.id)).toEqual(['evt_replayed_once']);
  });

  test('a failing onEvent → 503 and the event runs again on redelivery; 200 only once it succeeded', async () => {
    let calls = 0;
    const app = express().post(
      '/hook',
      sso.webhooks({
        onEvent: async () => {
          calls += 1;
          if (calls === 1) throw new Error('vendor database down');
        },
      }),
    );
    const body = event('deployment.ready', {}, 'evt_retry_me');
    const signature = webhookSignature(body, CLIENT_SECRET);
    const failed = await request(app)
      .post('/hook')
      .set('x-vercel-signature', signature)
      .type('json')
      .send(body)
      .expect(503);
    expect(failed.body.error.code).toBe('event_not_handled');
    await request(app)
      .post('/hook')
      .set('x-vercel-signature', signature)
      .type('json')
      .send(body)
      .expect(200);
    expect(calls).toBe(2);
  });

  test("mounted after the host app's JSON parser: refused loudly, not silently accepted", async () => {
    const app = express().use(express.json()).post('/hook', sso.webhooks());
    const body = event('deployment.created');
    const response = await request(app)
      .post('/hook')
      .set('x-vercel-signature', webhookSignature(body, CLIENT_SECRET))
      .type('json')
      .send(body);
    expect(response.status).toBe(500);
    expect(response.body.error.code).toBe('webhook_misconfigured');
    expect(logs.records().some((r) => r.event === 'webhook_misconfigured')).toBe(true);
  });

  test('bad options are refused at construction', () => {
    expect(() => sso.webhooks({ onEvent: 'no' as never })).toThrow(TypeError);
    expect(() => sso.webhooks({ bodyLimitBytes: 0 })).toThrow(/bodyLimitBytes/);
  });
});

describe('uninstall revokes sessions (memory store, one process)', () => {
  let h: Harness;
  let server: Server;
  const agents: Record<'alice' | 'bob' | 'carol', TestAgent> = {} as never;

  beforeAll(async () => {
    h = await startHarness();
    server = h.sso.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const backendUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    h.emulator.integration.partnerApiUrl = backendUrl;
    h.emulator.integration.webhookUrl = `${backendUrl}/webhooks/vercel`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  });

  async function signInAll(): Promise<void> {
    agents.alice = h.agent();
    agents.bob = h.agent();
    agents.carol = h.agent();
    await agents.alice.get(h.callbackPath(ACME.admin)).expect(302);
    await agents.bob.get(h.callbackPath(ACME.user)).expect(302);
    await agents.carol.get(h.callbackPath(GLOBEX.admin, {}, GLOBEX.installationId)).expect(302);
    for (const agent of Object.values(agents)) await agent.get('/api/session').expect(200);
  }

  test("the emulator's Uninstall (DELETE with a system token, then the signed webhook) signs out that installation's users only", async () => {
    await signInAll();
    h.logs.clear();
    const result = await h.emulator.controls.uninstall(ACME.installationId);
    expect(result.partnerApi).toMatchObject({ status: 200 });
    expect(result.webhook).toMatchObject({ status: 200 });

    await agents.alice.get('/api/session').expect(401);
    await agents.bob.get('/api/session').expect(401);
    const carol = await agents.carol.get('/api/session').expect(200);
    expect(carol.body.installation_id).toBe(GLOBEX.installationId);

    const revoked = h.logs.records().filter((r) => r.event === 'sessions_revoked');
    // The Partner API call ended both sessions; the webhook that followed found none left.
    expect(revoked.map((r) => [r.scope, r.installation_id, r.count])).toEqual([
      ['installation', ACME.installationId, 2],
      ['installation', ACME.installationId, 0],
    ]);
  });

  test("sso.revokeUser ends one user's sessions (every browser of theirs), not their teammates'", async () => {
    await signInAll();
    const aliceSecondBrowser = h.agent();
    await aliceSecondBrowser.get(h.callbackPath(ACME.admin)).expect(302);
    expect(await h.sso.sso.revokeUser(ACME.installationId, ACME.admin)).toBe(2);
    await agents.alice.get('/api/session').expect(401);
    await aliceSecondBrowser.get('/api/session').expect(401);
    await agents.bob.get('/api/session').expect(200);
    await agents.carol.get('/api/session').expect(200);
  });

  test('malformed ids are refused before reaching a store', async () => {
    await expect(h.sso.sso.revokeInstallation('icfg_{x}')).rejects.toThrow(TypeError);
    await expect(h.sso.sso.revokeUser(ACME.installationId, '')).rejects.toThrow(TypeError);
  });

  test('signing out drops the session from the index', async () => {
    const index = h.sso.stores.sessionIndex as MemorySessionIndex;
    await h.sso.sso.revokeInstallation(ACME.installationId);
    await h.sso.sso.revokeInstallation(GLOBEX.installationId);
    expect(index.size).toBe(0);
    const agent = h.agent();
    await agent
      .get(h.callbackPath(ACME.user, { project_id: 'prj_acmeWeb000000000001' }))
      .expect(302);
    expect(index.size).toBe(1);
    const page = await agent.get('/projects/prj_acmeWeb000000000001').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    await agent.post('/signout').type('form').send({ _csrf: csrf }).expect(303);
    expect(index.size).toBe(0);
  });
});
