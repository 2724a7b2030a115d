import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { ACME, cookieLine, SLUG, startHarness, type Harness } from '../../support/harness';
import { eventually } from '../../support/eventually';

let clock = Date.now();
let h: Harness;
beforeAll(async () => {
  h = await startHarness(
    { SESSION_IDLE_TIMEOUT_SECONDS: '600', SESSION_ABSOLUTE_TIMEOUT_SECONDS: '3600' },
    { options: { now: () => clock } },
  );
});
afterAll(() => h.close());
beforeEach(() => {
  clock = Date.now();
  h.logs.clear();
});

/** The CSRF token of the sign-out form on a signed-in page. */
async function csrfToken(agent: TestAgent, path = '/'): Promise<string> {
  const page = await agent.get(path).expect(200);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  expect(token).toBeDefined();
  return token!;
}

describe('signed-in pages', () => {
  test('the home page shows name, role, team and installation, and is never cached', async () => {
    const agent = h.agent();
    await h.login(agent).expect(302);
    const home = await agent.get('/').expect(200);
    expect(home.headers['cache-control']).toBe('no-store');
    expect(home.text).toContain('data-testid="user-name">Alice Anders<');
    expect(home.text).toContain('data-testid="identity-role">ADMIN<');
    expect(home.text).toContain(`data-testid="identity-installation">${ACME.installationId}<`);
    expect(home.text).toContain(
      'data-testid="identity-account">ac3e00000000000000000000000000000000000000000000000000000000a001<',
    );
    expect(home.text).toMatch(/<img class="avatar" src="http:\/\/127\.0\.0\.1:\d+\/avatars\//);
  });

  test('the Content-Security-Policy allows no inline script and our pages use none', async () => {
    const agent = h.agent();
    await h.login(agent).expect(302);
    const page = await agent.get(`/resources/${ACME.resource}`).expect(200);
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.text).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);
    await agent.get('/static/app.css').expect(200).expect('content-type', /css/);
  });

  test('a USER sees read-only pages and the admin action is refused with 403', async () => {
    const agent = h.agent();
    await h.login(agent, ACME.user).expect(302);
    const page = await agent.get(`/resources/${ACME.resource}`).expect(200);
    expect(page.text).toContain('data-testid="read-only"');
    const token = await csrfToken(agent, `/resources/${ACME.resource}`);
    const refused = await agent
      .post(`/resources/${ACME.resource}/rotate-secret`)
      .type('form')
      .send({ _csrf: token });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('Administrators only');
  });

  test('an ADMIN may run the admin action, with a CSRF token; POST-redirect-GET shows the notice once', async () => {
    const agent = h.agent();
    await h.login(agent, ACME.admin).expect(302);
    const token = await csrfToken(agent, `/resources/${ACME.resource}`);
    const done = await agent
      .post(`/resources/${ACME.resource}/rotate-secret`)
      .type('form')
      .send({ _csrf: token })
      .expect(303);
    expect(done.headers.location).toBe(`/resources/${ACME.resource}`);
    expect(h.logs.records().filter((r) => r.event === 'admin_action')).toHaveLength(1);
    const result = await agent.get(`/resources/${ACME.resource}`).expect(200);
    expect(result.text).toContain('data-testid="notice"');
    // A reload of the result page neither repeats the action nor shows the notice again.
    const reload = await agent.get(`/resources/${ACME.resource}`).expect(200);
    expect(reload.text).not.toContain('data-testid="notice"');
    expect(h.logs.records().filter((r) => r.event === 'admin_action')).toHaveLength(1);
    const forged = await agent
      .post(`/resources/${ACME.resource}/rotate-secret`)
      .type('form')
      .send({ _csrf: 'forged' });
    expect(forged.status).toBe(403);
    const missing = await agent
      .post(`/resources/${ACME.resource}/rotate-secret`)
      .type('form')
      .send({});
    expect(missing.status).toBe(403);
  });

  test('malformed ids and unknown sections are 404 pages that keep the signed-in user in the header, with a way back', async () => {
    const agent = h.agent();
    await h.login(agent).expect(302);
    expect((await agent.get('/resources/..')).status).toBe(404);
    expect((await agent.get('/projects/flag%3Aabc')).status).toBe(404); // Vercel-minted ids keep the strict alphabet
    const html = await agent.get('/resources/%3Cscript%3E').expect(200); // provider-minted: any printable character, escaped
    expect(html.text).toContain('&lt;script&gt;');
    expect(html.text).not.toContain('<script>');
    for (const path of ['/resources/a%00b', `/resources/${ACME.resource}/nope`, '/no/such/page']) {
      const page = await agent.get(path);
      expect({ path, status: page.status }).toEqual({ path, status: 404 });
      expect(page.text).toContain('data-testid="user-name">Alice Anders<');
      expect(page.text).toContain('data-testid="sign-out"');
      expect(page.text).toContain('data-testid="next-step" href="/"');
    }
    const anonymous = await request(h.sso.app).get('/no/such/page').expect(404);
    expect(anonymous.text).not.toContain('data-testid="user-name"');
  });

  test('the 403 page keeps the user in the header and says who can grant access', async () => {
    const agent = h.agent();
    await h.login(agent, ACME.user).expect(302);
    const token = await csrfToken(agent, `/resources/${ACME.resource}`);
    const refused = await agent
      .post(`/resources/${ACME.resource}/rotate-secret`)
      .type('form')
      .send({ _csrf: token })
      .expect(403);
    expect(refused.text).toContain('data-testid="user-role">USER<');
    expect(refused.text).toMatch(/Owner/);
    expect(refused.text).toContain('data-testid="next-step"');
  });
});

describe('sign-out', () => {
  test('POST with CSRF destroys the session on the server; the old cookie is dead', async () => {
    const agent = h.agent();
    const login = await h.login(agent).expect(302);
    const cookie = cookieLine(login, 'sso_session')!.split(';')[0]!;
    const token = await csrfToken(agent);
    const out = await agent.post('/signout').type('form').send({ _csrf: token }).expect(303);
    expect(out.headers.location).toBe('/signed-out');
    expect(cookieLine(out, 'sso_session')).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(cookieLine(out, 'sso_installation')).toMatch(/Expires=Thu, 01 Jan 1970/);
    await request(h.sso.app).get('/api/session').set('Cookie', cookie).expect(401);
    const back = await request(h.sso.app).get('/').set('Cookie', cookie);
    expect(back.status).toBe(401);
  });

  test('without a CSRF token sign-out is refused and the session lives on', async () => {
    const agent = h.agent();
    await h.login(agent).expect(302);
    const refused = await agent.post('/signout').type('form').send({});
    expect(refused.status).toBe(403);
    await agent.get('/api/session').expect(200);
  });

  test('a body over the limit is refused with 413', async () => {
    const agent = h.agent();
    await h.login(agent).expect(302);
    const response = await agent
      .post('/signout')
      .type('form')
      .send({ _csrf: 'x'.repeat(10_000) });
    expect(response.status).toBe(413);
  });
});

describe('no session', () => {
  test('without any hint: a 401 page telling the user to open the integration from Vercel', async () => {
    const response = await request(h.sso.app).get('/projects/prj_acmeWeb000000000001');
    expect(response.status).toBe(401);
    expect(response.text).toContain('Open the integration from your Vercel dashboard');
    const api = await request(h.sso.app).get('/api/session');
    expect(api.status).toBe(401);
    expect(api.body).toMatchObject({ error: { code: 'no_session' } });
  });

  test('with the installation hint: provider-initiated SSO brings the user back to the page they wanted', async () => {
    const agent = h.agent();
    await h.login(agent, ACME.user).expect(302);
    clock += 3_601_000; // absolute lifetime passed
    const deep = await agent.get('/projects/prj_acmeWeb000000000001?tab=checks');
    expect(deep.status).toBe(302);
    const target = new URL(deep.headers.location as string);
    expect(`${target.origin}${target.pathname}`).toBe(
      `${h.emulatorUrl}/sso/integrations/${SLUG}/${ACME.installationId}`,
    );
    expect(cookieLine(deep, 'sso_return_to')).toMatch(/HttpOnly; SameSite=Lax/);
    expect(deep.headers.location).not.toContain('prj_acmeWeb');

    // At Vercel (the emulator), the user is chosen and sent back to the Redirect Login URL.
    clock = Date.now();
    const atVercel = await request(h.emulator.app)
      .get(`${target.pathname}?as=${ACME.user}`)
      .expect(302);
    const callback = new URL(atVercel.headers.location as string);
    const landed = await agent.get(`${callback.pathname}${callback.search}`).expect(302);
    expect(landed.headers.location).toBe('/projects/prj_acmeWeb000000000001?tab=checks');
    expect(cookieLine(landed, 'sso_return_to')).toMatch(/Expires=Thu, 01 Jan 1970/);
    await agent.get(landed.headers.location as string).expect(200);
  });
});

describe('provider-initiated SSO redirect abuse', () => {
  test('a path longer than 512 characters is not remembered; the redirect still happens', async () => {
    const response = await request(h.sso.app)
      .get(`/support?${'a'.repeat(2000)}`)
      .set('Cookie', `sso_installation=${ACME.installationId}`);
    expect(response.status).toBe(302);
    expect(cookieLine(response, 'sso_return_to')).toBeUndefined();
  });

  test('a browser keeps one return-to record: the second redirect reuses its id', async () => {
    const first = await request(h.sso.app)
      .get('/projects/prj_a')
      .set('Cookie', `sso_installation=${ACME.installationId}`);
    const id = cookieLine(first, 'sso_return_to')!.split(';')[0]!.split('=')[1]!;
    const second = await request(h.sso.app)
      .get('/projects/prj_b')
      .set('Cookie', `sso_installation=${ACME.installationId}; sso_return_to=${id}`);
    expect(cookieLine(second, 'sso_return_to')!.split(';')[0]).toBe(`sso_return_to=${id}`);
  });

  test('redirects to provider-initiated SSO are rate limited per IP (429 page with Retry-After)', async () => {
    const limited = await startHarness({ RATE_LIMIT_CALLBACK_MAX: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1)
        statuses.push(
          (
            await request(limited.sso.app)
              .get('/projects/prj_a')
              .set('Cookie', `sso_installation=${ACME.installationId}`)
          ).status,
        );
      expect(statuses).toEqual([302, 302, 302, 429]);
      // Signed-in users and requests that would not redirect are not counted.
      const agent = limited.agent();
      await limited.login(agent).expect(302);
      for (let i = 0; i < 5; i += 1) await agent.get('/').expect(200);
    } finally {
      await limited.close();
    }
  });
});

describe('session lifetimes, enforced on the server', () => {
  test('idle: the store forgets a session unused for longer than the idle lifetime; each use extends it', async () => {
    // Idle 2 s, a use every 800 ms: 2.4 s of use in all (past the idle lifetime), with 1.2 s of slack
    // per gap for a loaded machine (a 1 s lifetime and 600 ms gaps left 400 ms, and timers fire late).
    const idle = await startHarness({
      SESSION_IDLE_TIMEOUT_SECONDS: '2',
      SESSION_ABSOLUTE_TIMEOUT_SECONDS: '60',
    });
    try {
      const login = await idle.login(idle.agent()).expect(302);
      const cookie = cookieLine(login, 'sso_session')!.split(';')[0]!;
      // Sent by hand, as a stolen cookie would be: the browser's own expiry is not what protects us.
      for (let i = 0; i < 3; i += 1) {
        await new Promise((r) => setTimeout(r, 800));
        await request(idle.sso.app).get('/api/session').set('Cookie', cookie).expect(200);
      }
      await new Promise((r) => setTimeout(r, 2600));
      await request(idle.sso.app).get('/api/session').set('Cookie', cookie).expect(401);
    } finally {
      await idle.close();
    }
  });

  test('absolute: a session older than the absolute lifetime is dead even when active', async () => {
    const agent = h.agent();
    await h.login(agent).expect(302);
    for (let i = 0; i < 6; i += 1) {
      clock += 590_000;
      await agent.get('/api/session').expect(200);
    }
    clock += 590_000; // 3540 + 590 s > 3600 s
    await agent.get('/api/session').expect(401);
    expect(h.logs.records()).toContainEqual(
      expect.objectContaining({ event: 'session_expired', lifetime: 'absolute' }),
    );
  });

  test('a request in flight during sign-out does not bring the session back when it ends', async () => {
    const agent = h.agent();
    const login = await h.login(agent).expect(302);
    const cookie = cookieLine(login, 'sso_session')!.split(';')[0]!;
    const token = await csrfToken(agent);
    // A slow request holding the session: a callback whose exchange Vercel answers late.
    h.emulator.controls.setFault('token', { kind: 'delay', ms: 800 }, { times: 1 });
    const before = h.emulator.controls.stats().tokenRequests;
    const inFlight = request(h.sso.app)
      .get('/callback?mode=sso&code=not-a-real-code&state=x')
      .set('Cookie', cookie)
      .then((r) => r);
    // Sign out while the emulator holds the exchange: the request is in flight with the session.
    await eventually(
      'the callback to reach the token endpoint',
      () => h.emulator.controls.stats().tokenRequests > before,
      10_000,
      10,
    );
    await agent.post('/signout').type('form').send({ _csrf: token }).expect(303);
    expect((await inFlight).status).toBe(400);
    await request(h.sso.app).get('/api/session').set('Cookie', cookie).expect(401);
    await request(h.sso.app).get('/').set('Cookie', cookie).expect(401);
  });
});

describe('operational routes', () => {
  test('GET /healthz answers 200', async () => {
    await request(h.sso.app).get('/healthz').expect(200, { status: 'ok' });
  });

  test('unknown routes get a 404 page; wrong methods never a 500', async () => {
    const page = await request(h.sso.app).get('/nope');
    expect(page.status).toBe(404);
    expect(page.text).toContain('Page not found');
    for (const method of ['post', 'put', 'delete', 'patch'] as const) {
      const response = await request(h.sso.app)[method]('/callback');
      expect([404, 405]).toContain(response.status);
    }
  });

  test('every response carries a request id; a client cannot choose it without a trusted proxy', async () => {
    const response = await request(h.sso.app)
      .get('/healthz')
      .set('X-Request-Id', 'lb-req-12345678');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('TRUST_PROXY alone does not let a client choose the request id', async () => {
    const proxied = await startHarness({ TRUST_PROXY: 'loopback' });
    try {
      const response = await request(proxied.sso.app)
        .get('/healthz')
        .set('X-Request-Id', 'lb-req-12345678');
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await proxied.close();
    }
  });

  test('with TRUST_REQUEST_ID a well-formed X-Request-Id is kept (page and logs), a malformed one replaced', async () => {
    const proxied = await startHarness({ TRUST_PROXY: 'loopback', TRUST_REQUEST_ID: 'true' });
    try {
      const kept = await request(proxied.sso.app)
        .get('/nope')
        .set('X-Request-Id', 'lb-req-12345678');
      expect(kept.headers['x-request-id']).toBe('lb-req-12345678');
      expect(kept.text).toContain('lb-req-12345678');
      expect(
        proxied.logs
          .records()
          .some((r) => (r.req as { id?: string } | undefined)?.id === 'lb-req-12345678'),
      ).toBe(true);
      for (const hostile of ['bad id <script>', 'short', 'x'.repeat(65), 'lb req;12345678']) {
        const replaced = await request(proxied.sso.app)
          .get('/healthz')
          .set('X-Request-Id', hostile);
        expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      }
    } finally {
      await proxied.close();
    }
  });

  test.each(['j:{"a":1}', 'j:1', 'j:[]', 'j%3A%7B%7D', '%FF', 's:', 's%3A.'])(
    'a malformed session cookie (%s) is ignored, never a 500',
    async (value) => {
      const api = await request(h.sso.app)
        .get('/api/session')
        .set('Cookie', `sso_session=${value}`);
      expect(api.status).toBe(401);
      const callback = await request(h.sso.app)
        .get(h.callbackPath())
        .set('Cookie', `sso_session=${value}`);
      expect(callback.status).toBe(302);
    },
  );
});
