/**
 * The emulator playing Vercel calling the provider (issue 12, VERCEL-SSO.md §4, §4a): Partner API
 * tokens from `POST /_emulator/partner-token`, and the dashboard's Uninstall, received by a small
 * recording server standing in for the provider.
 */
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import request from 'supertest';
import { IDS, startEmulator, TEST_INTEGRATION, type Started } from '../helpers';

interface Received {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

let s: Started;
let provider: Server;
let providerUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  s = await startEmulator();
  const app = express();
  app.use(express.raw({ type: () => true }), (req, res) => {
    received.push({
      method: req.method,
      path: req.path,
      headers: req.headers,
      body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    });
    res.status(200).json({ ok: true });
  });
  provider = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => provider.once('listening', resolve));
  providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => provider.close(resolve));
  await s.close();
});

async function verify(token: string) {
  const jwks = createRemoteJWKSet(new URL(`${s.url}/.well-known/jwks`));
  return (
    await jwtVerify(token, jwks, {
      issuer: s.url,
      audience: TEST_INTEGRATION.clientId,
      algorithms: ['RS256'],
    })
  ).payload;
}

describe('POST /_emulator/partner-token', () => {
  test("a user token: the member's §2 claims, type access_token, X-Vercel-Auth: user", async () => {
    const response = await request(s.url)
      .post('/_emulator/partner-token')
      .send({ installationId: IDS.acme, kind: 'user', userId: IDS.bobAcme })
      .expect(200);
    expect(response.body.headers).toEqual({
      authorization: `Bearer ${response.body.token}`,
      'x-vercel-auth': 'user',
    });
    const claims = await verify(response.body.token);
    expect(claims).toMatchObject({
      sub: `account:${IDS.acmeAccount}:user:${IDS.bobAcme}`,
      installation_id: IDS.acme,
      user_id: IDS.bobAcme,
      user_role: 'USER',
      type: 'access_token',
    });
  });

  test('a system token: sub account:<id>, the installation, no user claims, X-Vercel-Auth: system', async () => {
    const response = await request(s.url)
      .post('/_emulator/partner-token')
      .send({ installationId: IDS.globex, kind: 'system' })
      .expect(200);
    expect(response.body.headers['x-vercel-auth']).toBe('system');
    const claims = await verify(response.body.token);
    expect(claims.sub).toBe(`account:${IDS.globexAccount}`);
    expect(claims.installation_id).toBe(IDS.globex);
    expect(Object.keys(claims).filter((k) => k.startsWith('user_'))).toEqual([]);
  });

  test('overrides work as for the token endpoint (here: an unsigned alg none token)', async () => {
    const response = await request(s.url)
      .post('/_emulator/partner-token')
      .send({ installationId: IDS.acme, kind: 'system', override: { signWith: 'none' } })
      .expect(200);
    expect(decodeProtectedHeader(response.body.token).alg).toBe('none');
  });

  test('bad input: 400 for a user token without userId or an unknown kind, 404 for an unknown installation or user', async () => {
    expect(
      (
        await request(s.url)
          .post('/_emulator/partner-token')
          .send({ installationId: IDS.acme, kind: 'user' })
          .expect(400)
      ).body.error.code,
    ).toBe('invalid_request');
    await request(s.url)
      .post('/_emulator/partner-token')
      .send({ installationId: IDS.acme, kind: 'root' })
      .expect(400);
    await request(s.url)
      .post('/_emulator/partner-token')
      .send({ installationId: 'icfg_nope', kind: 'system' })
      .expect(404);
    await request(s.url)
      .post('/_emulator/partner-token')
      .send({ installationId: IDS.acme, kind: 'user', userId: IDS.carolGlobex })
      .expect(404);
  });
});

describe("the dashboard's Uninstall", () => {
  test('each installation has an Uninstall button, and the page allows its own forms only', async () => {
    const page = await request(s.url).get('/').expect(200);
    expect(page.text).toContain(`data-testid="uninstall-${IDS.acme}"`);
    expect(page.text).toContain(`action="/installations/${IDS.globex}/uninstall"`);
    expect(page.headers['content-security-policy']).toContain("form-action 'self'");
  });

  test('a cross-site post is refused', async () => {
    await request(s.url)
      .post(`/installations/${IDS.acme}/uninstall`)
      .set('Sec-Fetch-Site', 'cross-site')
      .expect(403);
    expect(received).toEqual([]);
  });

  test('Uninstall calls DELETE /v1/installations/{id} with a system token, then posts the signed removal webhook', async () => {
    s.emu.integration.partnerApiUrl = providerUrl;
    s.emu.integration.webhookUrl = `${providerUrl}/hooks/vercel`;
    const page = await request(s.url)
      .post(`/installations/${IDS.acme}/uninstall`)
      .set('Sec-Fetch-Site', 'same-origin')
      .expect(200);
    expect(page.text).toContain('answered 200');

    expect(received.map((r) => `${r.method} ${r.path}`)).toEqual([
      `DELETE /v1/installations/${IDS.acme}`,
      'POST /hooks/vercel',
    ]);
    const [del, hook] = received as [Received, Received];
    expect(del.headers['x-vercel-auth']).toBe('system');
    const claims = await verify(String(del.headers.authorization).replace(/^Bearer /, ''));
    expect(claims).toMatchObject({ sub: `account:${IDS.acmeAccount}`, installation_id: IDS.acme });

    const expected = createHmac('sha1', TEST_INTEGRATION.clientSecret)
      .update(hook.body)
      .digest('hex');
    expect(hook.headers['x-vercel-signature']).toBe(expected);
    const event = JSON.parse(hook.body.toString('utf8')) as Record<string, unknown>;
    expect(event).toMatchObject({
      id: expect.stringMatching(/^evt_/),
      type: 'integration-configuration.removed',
      payload: { configuration: { id: IDS.acme } },
    });
  });

  test('afterwards the installation shows as uninstalled and its sign-in links and provider-initiated SSO refuse', async () => {
    const page = await request(s.url).get('/').expect(200);
    expect(page.text).toContain(`data-testid="uninstalled-${IDS.acme}"`);
    expect(page.text).not.toContain(`data-testid="uninstall-${IDS.acme}"`);
    expect(page.text).toContain(`data-testid="uninstall-${IDS.globex}"`);
    await request(s.url).get(`/open?installation=${IDS.acme}&user=${IDS.aliceAcme}`).expect(404);
    await request(s.url).get(`/sso/integrations/${TEST_INTEGRATION.slug}/${IDS.acme}`).expect(404);
    await request(s.url)
      .get(`/open?installation=${IDS.globex}&user=${IDS.carolGlobex}`)
      .expect(302);
  });

  test('no webhook URL and no reachable provider: the page says so, no error', async () => {
    s.emu.integration.webhookUrl = undefined;
    s.emu.integration.partnerApiUrl = 'http://127.0.0.1:1';
    const result = await s.emu.controls.uninstall(IDS.globex);
    expect(result.partnerApi).toMatchObject({ status: null });
    expect(result.webhook).toBeNull();
  });
});
