import request from 'supertest';
import { createEmulator } from '../../../src/emulator';
import { startBackendProcess } from '../../support/backend-process';
import { eventually } from '../../support/eventually';
import {
  ACME,
  CLIENT_ID,
  CLIENT_SECRET,
  PUBLIC_URL,
  SESSION_SECRET,
  SLUG,
} from '../../support/harness';

// A rolling deploy: the load balancer must see the instance leave (/readyz 503) while the logins it
// already accepted still complete. The backend runs as its own process (dist/server.js) so the test
// sends it a real SIGTERM.
describe('drain on SIGTERM', () => {
  test('/readyz answers 503 at once while an in-flight login still completes with its 302; exit 0', async () => {
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
      SHUTDOWN_GRACE_MS: '8000',
      TOKEN_EXCHANGE_TIMEOUT_MS: '15000', // the delayed exchange below must not time out on a loaded machine
    });
    try {
      expect((await request(backend.url).get('/readyz')).status).toBe(200);

      const url = new URL(
        emulator.controls.mintLogin({ installationId: ACME.installationId, userId: ACME.admin })
          .redirectUrl,
      );
      // The code exchange hangs long enough for the probe below to run during the drain.
      emulator.controls.setFault('token', { kind: 'delay', ms: 4000 }, { times: 1 });
      const login = request(backend.url)
        .get(`${url.pathname}${url.search}`)
        .then((r) => r);
      // SIGTERM only once the exchange has reached the emulator: the login is in flight.
      const tokenRequestsBefore = emulator.controls.stats().tokenRequests;
      // A hang guard, not a timing: a fixed 2 s wait that carried on regardless raced on a loaded CI.
      await eventually(
        'the backend to send the token request',
        () => emulator.controls.stats().tokenRequests > tokenRequestsBefore,
        15_000,
        20,
        () => backend.lines.join('\n'),
      );

      const exited = backend.stop();
      // A fresh connection, as a load balancer's probe makes; retried until the signal is handled.
      let probe: request.Response | undefined;
      await eventually(
        '/readyz to answer 503 once SIGTERM is handled',
        async () => (probe = await request(backend.url).get('/readyz')).status === 503,
        5000,
        25,
        () => `last /readyz: ${probe?.status} ${probe?.text}`,
      );
      if (!probe) throw new Error('no /readyz answer');
      expect(probe.status).toBe(503);
      expect(probe.body).toEqual({ status: 'draining' });
      expect(probe.headers['cache-control']).toBe('no-store');

      const response = await login;
      expect(response.status).toBe(302);
      expect(response.headers.location).toBe('/');
      expect(String(response.headers['set-cookie'])).toContain('sso_session=');
      expect(await exited).toBe(0);
      expect(backend.lines.some((line) => line.includes('"event":"shutdown_complete"'))).toBe(true);
    } finally {
      await backend.stop();
      await listening.close();
    }
  }, 40_000);
});
