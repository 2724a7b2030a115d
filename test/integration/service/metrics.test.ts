import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { loadConfig } from '../../../src/config';
import { createEmulator, type Emulator } from '../../../src/emulator';
import { startServer, type RunningServer } from '../../../src/server/start';
import { createLogger } from '../../../src/web/logger';
import {
  ACME,
  CLIENT_ID,
  CLIENT_SECRET,
  PUBLIC_URL,
  SESSION_SECRET,
  SLUG,
} from '../../support/harness';

// Issue 14 item 2: Prometheus metrics on a listener of their own. Every test reads /metrics from a
// real started server (startServer with METRICS_PORT=0) whose Vercel is the emulator.

interface Running {
  emulator: Emulator;
  emulatorUrl: string;
  backend: RunningServer;
  url: string;
  metricsUrl: string;
  close(): Promise<void>;
}

async function start(env: Record<string, string> = {}): Promise<Running> {
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
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    METRICS_PORT: '0',
    PUBLIC_URL,
    INTEGRATION_CLIENT_ID: CLIENT_ID,
    INTEGRATION_CLIENT_SECRET: CLIENT_SECRET,
    INTEGRATION_SLUG: SLUG,
    SESSION_SECRET,
    VERCEL_API_URL: listening.url,
    VERCEL_ISSUER: listening.url,
    VERCEL_SSO_URL: listening.url,
    JWKS_COOLDOWN_MS: '0',
    RATE_LIMIT_CALLBACK_MAX: '100000',
    SHUTDOWN_GRACE_MS: '2000',
    ...env,
  });
  const backend = await startServer(config, createLogger('silent'));
  const url = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}`;
  const metricsUrl = `http://127.0.0.1:${(backend.metricsServer!.address() as AddressInfo).port}`;
  // The emulator's uninstall calls DELETE /v1/installations/{id} on this backend.
  emulator.integration.partnerApiUrl = url;
  return {
    emulator,
    emulatorUrl: listening.url,
    backend,
    url,
    metricsUrl,
    async close() {
      await backend.stop();
      await listening.close();
    },
  };
}

/** The value of one sample of the exposition text (0 when absent). Labels must be given in the order prom-client writes them. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const series = pairs.length > 0 ? `${name}{${pairs.join(',')}}` : name;
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

async function scrape(s: Running): Promise<string> {
  const response = await request(s.metricsUrl).get('/metrics');
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toContain('text/plain');
  return response.text;
}

function callbackFor(s: Running, userId = ACME.admin): string {
  const url = new URL(
    s.emulator.controls.mintLogin({ installationId: ACME.installationId, userId }).redirectUrl,
  );
  return `${url.pathname}${url.search}`;
}

describe('metrics listener', () => {
  let s: Running;
  beforeAll(async () => {
    s = await start({ RATE_LIMIT_SIGNOUT_MAX: '2' });
  });
  afterAll(async () => {
    await s.close();
  });

  test('each login outcome moves its own counter, and only that one', async () => {
    const logins = (text: string, outcome: string, reason: string) =>
      sample(text, 'vercel_sso_logins_total', { outcome, reason });
    const cases: Array<{
      name: string;
      outcome: string;
      reason: string;
      status: number;
      run: () => Promise<request.Response>;
    }> = [
      {
        name: 'success',
        outcome: 'success',
        reason: 'none',
        status: 302,
        run: () => request(s.url).get(callbackFor(s)),
      },
      {
        name: 'invalid_callback',
        outcome: 'failure',
        reason: 'invalid_callback',
        status: 400,
        run: () => request(s.url).get('/callback?mode=sso&state=only'),
      },
      {
        name: 'cancelled',
        outcome: 'cancelled',
        reason: 'login_cancelled',
        status: 400,
        run: () => request(s.url).get('/callback?error=access_denied'),
      },
      {
        name: 'exchange_rejected',
        outcome: 'failure',
        reason: 'exchange_rejected',
        status: 400,
        run: () => {
          s.emulator.controls.setFault('token', { kind: 'status', status: 400 }, { times: 1 });
          return request(s.url).get(callbackFor(s));
        },
      },
      {
        name: 'exchange_failed',
        outcome: 'failure',
        reason: 'exchange_failed',
        status: 502,
        run: () => {
          s.emulator.controls.setFault('token', { kind: 'status', status: 500 }, { times: 1 });
          return request(s.url).get(callbackFor(s));
        },
      },
      {
        name: 'client_misconfigured',
        outcome: 'failure',
        reason: 'client_misconfigured',
        status: 502,
        run: () => {
          s.emulator.controls.setFault('token', { kind: 'status', status: 401 }, { times: 1 });
          return request(s.url).get(callbackFor(s));
        },
      },
      {
        name: 'invalid_id_token',
        outcome: 'failure',
        reason: 'invalid_id_token',
        status: 401,
        run: () => {
          s.emulator.controls.setNextTokenOverride({ claims: { aud: 'oac_someoneelse' } });
          return request(s.url).get(callbackFor(s));
        },
      },
    ];
    for (const c of cases) {
      const before = await scrape(s);
      const response = await c.run();
      expect([c.name, response.status]).toEqual([c.name, c.status]);
      const after = await scrape(s);
      expect([
        c.name,
        logins(after, c.outcome, c.reason) - logins(before, c.outcome, c.reason),
      ]).toEqual([c.name, 1]);
      // No other login series moved.
      const total = (text: string) =>
        text
          .split('\n')
          .filter((l) => l.startsWith('vercel_sso_logins_total{'))
          .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
      expect([c.name, total(after) - total(before)]).toEqual([c.name, 1]);
    }
  });

  test('a replayed code counts as code_replayed; the exchange histogram and JWKS fetches count what happened', async () => {
    const before = await scrape(s);
    const path = callbackFor(s);
    expect((await request(s.url).get(path)).status).toBe(302);
    expect((await request(s.url).get(path)).status).toBe(400); // a fresh browser: another user's code
    const after = await scrape(s);
    expect(
      sample(after, 'vercel_sso_logins_total', { outcome: 'failure', reason: 'code_replayed' }) -
        sample(before, 'vercel_sso_logins_total', { outcome: 'failure', reason: 'code_replayed' }),
    ).toBe(1);
    // One exchange only: the replay is refused before any upstream call.
    expect(
      sample(after, 'vercel_sso_exchange_duration_seconds_count') -
        sample(before, 'vercel_sso_exchange_duration_seconds_count'),
    ).toBe(1);
    expect(sample(after, 'vercel_sso_exchange_duration_seconds_sum')).toBeGreaterThan(0);
    expect(sample(after, 'vercel_sso_jwks_fetches_total', { result: 'ok' })).toBeGreaterThanOrEqual(
      1,
    );
  });

  test('an uninstall counts the revoked sessions', async () => {
    const agent = request.agent(s.url);
    expect((await agent.get(callbackFor(s))).status).toBe(302);
    expect((await agent.get('/api/session')).status).toBe(200);
    const before = sample(await scrape(s), 'vercel_sso_sessions_revoked_total');
    const result = await s.emulator.controls.uninstall(ACME.installationId);
    expect(result.partnerApi?.status).toBe(200);
    expect((await agent.get('/api/session')).status).toBe(401);
    expect(
      sample(await scrape(s), 'vercel_sso_sessions_revoked_total') - before,
    ).toBeGreaterThanOrEqual(1);
  });

  test('a rate-limited request is counted by route template; requests are timed by route template', async () => {
    for (let i = 0; i < 3; i += 1) await request(s.url).post('/signout').type('form').send({});
    const text = await scrape(s);
    expect(sample(text, 'vercel_sso_rate_limited_total', { route: '/signout' })).toBe(1);
    expect(
      sample(text, 'vercel_sso_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/signout',
        status_code: '429',
      }),
    ).toBe(1);
    expect(
      sample(text, 'vercel_sso_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/callback',
        status_code: '302',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'vercel_sso_http_request_duration_seconds_count', {
        method: 'DELETE',
        route: '/v1/installations/:installationId',
        status_code: '200',
      }),
    ).toBe(1);
    // The default process metrics are there too.
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  });

  test('no label ever holds an id, a code or a path with an id, after a few hundred fuzz-like requests', async () => {
    const secrets: string[] = [];
    const token = (bytes = 9) => {
      const value = randomBytes(bytes).toString('hex');
      secrets.push(value);
      return value;
    };
    const requests: Array<() => request.Test> = [];
    for (let i = 0; i < 60; i += 1) {
      requests.push(() =>
        request(s.url).get(`/callback?mode=sso&code=${token()}&state=${token()}`),
      );
      requests.push(() =>
        request(s.url).get(`/callback?code=${token()}&error_description=${token()}`),
      );
      requests.push(() => request(s.url).get(`/v1/installations/icfg_${token()}`));
      requests.push(() => request(s.url).get(`/${token()}/${token()}?id=${token()}`));
      requests.push(() => request(s.url).post(`/webhooks/vercel/${token()}`).send({ id: token() }));
      requests.push(() => request(s.url).get(`/static/${token()}.css`));
      requests.push(() =>
        request(s.url)
          .delete(`/v1/installations/${token()}`)
          .set('Authorization', `Bearer ${token()}`)
          .set('X-Vercel-Auth', 'system'),
      );
    }
    // A few at a time: the point is the labels, not the load.
    for (let i = 0; i < requests.length; i += 10) {
      const answers = await Promise.all(requests.slice(i, i + 10).map((make) => make()));
      for (const answer of answers) expect(answer.status).toBeLessThan(500);
    }
    expect(requests.length).toBeGreaterThanOrEqual(400);

    const text = await scrape(s);
    const leaked = secrets.filter((secret) => text.includes(secret));
    expect(leaked).toEqual([]);
    // Route labels are templates or the fixed unmatched label: a handful, however many paths were sent.
    const routes = new Set([...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1]));
    for (const route of routes)
      expect(route).toMatch(/^(\(unmatched\)|\(requireUser\)|(\/[A-Za-z0-9_.-]*|\/:[A-Za-z]+)+)$/);
    expect(routes.size).toBeLessThan(20);
    expect([...routes]).toContain('(unmatched)');
    expect([...routes]).toContain('/v1/installations/:installationId');
    // Every label value of every series is from a closed set: no hex id anywhere in a label.
    const labelValues = [...text.matchAll(/[a-z_]+="([^"]*)"/g)].map((m) => m[1]!);
    expect(labelValues.filter((value) => /[0-9a-f]{16}/.test(value))).toEqual([]);
  });

  test('the main port does not serve /metrics, and the metrics port serves nothing else', async () => {
    const main = await request(s.url).get('/metrics');
    expect(main.status).toBe(404);
    expect(main.text).not.toContain('vercel_sso_');
    const other = await request(s.metricsUrl).get('/callback');
    expect(other.status).toBe(404);
    expect(other.text).not.toContain('vercel_sso_');
    expect((await request(s.metricsUrl).post('/metrics')).status).toBe(404);
  });
});

describe('store errors', () => {
  test('a login while Redis is unreachable counts the one-time store error and the store_unavailable failure', async () => {
    const port = await closedPort();
    const s = await start({
      REDIS_URL: `redis://127.0.0.1:${port}`,
      REDIS_COMMAND_TIMEOUT_MS: '300',
      READINESS_CHECK_INTERVAL_MS: '60000',
    });
    try {
      const response = await request(s.url).get(callbackFor(s));
      expect(response.status).toBe(503);
      const text = await scrape(s);
      const oneTime =
        sample(text, 'vercel_sso_store_errors_total', { store: 'one_time', kind: 'timeout' }) +
        sample(text, 'vercel_sso_store_errors_total', { store: 'one_time', kind: 'error' });
      expect(oneTime).toBeGreaterThanOrEqual(1);
      expect(
        sample(text, 'vercel_sso_logins_total', {
          outcome: 'failure',
          reason: 'store_unavailable',
        }),
      ).toBe(1);
    } finally {
      await s.close();
    }
  });
});

describe('off by default', () => {
  test('without METRICS_PORT no metrics listener is started', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      PUBLIC_URL,
      INTEGRATION_CLIENT_ID: CLIENT_ID,
      INTEGRATION_CLIENT_SECRET: CLIENT_SECRET,
      SESSION_SECRET,
      VERCEL_API_URL: 'http://127.0.0.1:9',
      VERCEL_ISSUER: 'http://127.0.0.1:9',
    });
    expect(config.metricsListener).toBeUndefined();
    const backend = await startServer(config, createLogger('silent'));
    try {
      expect(backend.metricsServer).toBeUndefined();
      expect((await request(backend.server).get('/metrics')).status).toBe(404);
    } finally {
      await backend.stop();
    }
  });

  test('METRICS_HOST defaults to 127.0.0.1 (never public by default)', () => {
    const config = loadConfig({
      PUBLIC_URL,
      INTEGRATION_CLIENT_ID: CLIENT_ID,
      INTEGRATION_CLIENT_SECRET: CLIENT_SECRET,
      SESSION_SECRET,
      METRICS_PORT: '9464',
    });
    expect(config.metricsListener).toEqual({ port: 9464, host: '127.0.0.1' });
  });
});

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
