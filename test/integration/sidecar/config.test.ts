/** Sidecar configuration over HTTP: cookies across sub-domains, the webhook under the prefix. */
import { loadConfig } from '../../../src/config';
import { ACME, setCookies, startHarness } from '../../support/harness';

const valid = {
  PUBLIC_URL: 'https://sso.example.com',
  INTEGRATION_CLIENT_ID: 'oac_abc',
  INTEGRATION_CLIENT_SECRET: 'secret-value',
  SESSION_SECRET: 'x'.repeat(40),
};

describe('sidecar environment', () => {
  test('a login sets the session cookie for the whole domain', async () => {
    const harness = await startHarness({
      PUBLIC_URL: 'https://sso.example.com',
      SESSION_COOKIE_DOMAIN: 'example.com',
      TRUST_PROXY: 'loopback',
    });
    try {
      const response = await harness
        .agent()
        .get(harness.callbackPath(ACME.admin))
        .set('X-Forwarded-Proto', 'https');
      expect(response.status).toBe(302);
      const session = setCookies(response).find((c) => c.startsWith('__Secure-sso_session='));
      expect(session).toMatch(/Domain=example\.com/);
      expect(session).toMatch(/Secure/);
    } finally {
      await harness.close();
    }
  });
});

describe('sidecar mode serves the webhook under the prefix (an uninstall still ends sessions)', () => {
  test('POST {prefix}/webhooks/vercel is the signed webhook handler, not the upstream or a 404', async () => {
    const { createHmac } = await import('node:crypto');
    const request = (await import('supertest')).default;
    const { createApp } = await import('../../../src/server/app');
    const { createLogger } = await import('../../../src/web/logger');
    const config = loadConfig({
      ...valid,
      PUBLIC_URL: 'http://localhost:3000',
      SIDECAR_ENABLED: 'true',
    });
    const { app, sso, sidecar } = createApp({ config, logger: createLogger('silent') });
    try {
      const body = JSON.stringify({
        id: 'evt_1',
        type: 'integration-configuration.removed',
        payload: { configuration: { id: 'icfg_x' } },
      });
      await request(app)
        .post('/_sso/webhooks/vercel')
        .set('Content-Type', 'application/json')
        .set('x-vercel-signature', '00'.repeat(20))
        .send(body)
        .expect(401);
      const signature = createHmac('sha1', valid.INTEGRATION_CLIENT_SECRET)
        .update(body)
        .digest('hex');
      await request(app)
        .post('/_sso/webhooks/vercel')
        .set('Content-Type', 'application/json')
        .set('x-vercel-signature', signature)
        .send(body)
        .expect(200);
    } finally {
      sidecar?.close();
      await sso.close();
    }
  });
});
