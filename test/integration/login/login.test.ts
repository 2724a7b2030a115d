import request from 'supertest';
import { ACME, cookieLine, setCookies, startHarness, type Harness } from '../../support/harness';
import { base64JsonIn } from '../../support/patterns';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.emulator.controls.clearFaults();
  h.emulator.controls.resetStats();
});

/** HTML escaping as Eta does it, to find a rendered value. */
function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

interface DashboardLink {
  testId: string;
  href: string;
}

/** Every "Open in Provider" link on the emulator dashboard. */
async function dashboardLinks(): Promise<DashboardLink[]> {
  const page = await request(h.emulator.app).get('/').expect(200);
  const links: DashboardLink[] = [];
  const pattern = /<a\b[^>]*>/g;
  for (const tag of page.text.match(pattern) ?? []) {
    const testId = /data-testid="(open-[^"]+)"/.exec(tag)?.[1];
    const href = /href="([^"]+)"/.exec(tag)?.[1];
    if (testId && href) links.push({ testId, href: href.replace(/&amp;/g, '&') });
  }
  return links;
}

/** Where each link kind must land, by the documented precedence of src/flow/deep-links.ts. */
function expectedLanding(kind: string, context: URLSearchParams): RegExp {
  const resource = context.get('resource_id');
  switch (kind) {
    case 'plain':
      return /^\/$/;
    case 'resource':
      return new RegExp(`^/resources/${resource}$`);
    case 'project':
      return new RegExp(`^/projects/${context.get('project_id')}\\?resource_id=${resource}$`);
    case 'check':
      return new RegExp(
        `^/checks/${context.get('check_id')}\\?project_id=${context.get('project_id')}&resource_id=${resource}$`,
      );
    case 'invoice':
      return new RegExp(`^/invoices/${context.get('invoice_id')}$`);
    case 'support':
    case 'path-support':
      return resource ? new RegExp(`^/support\\?resource_id=${resource}$`) : /^\/support$/;
    case 'experimentation':
      return new RegExp(
        `^/experimentation/${context.get('experimentation_item_id')}\\?resource_id=${resource}$`,
      );
    case 'url':
      return new RegExp(`^${new URL(context.get('url')!).pathname}$`);
    default: {
      const section = kind.replace('path-', '');
      return resource
        ? new RegExp(`^/resources/${resource}/${section}$`)
        : new RegExp(`^/${section}$`);
    }
  }
}

describe('Open in Provider, end to end through the emulator', () => {
  test('every link of every installation and user lands signed in on the matching page', async () => {
    const links = await dashboardLinks();
    const kinds = new Set(links.map((l) => l.testId.split('-').slice(3).join('-')));
    expect([...kinds].sort()).toEqual(
      [
        'plain',
        'resource',
        'project',
        'check',
        'invoice',
        'support',
        'path-billing',
        'path-usage',
        'path-onboarding',
        'path-secrets',
        'path-support',
        'experimentation',
        'url',
      ].sort(),
    );
    expect(links.length).toBeGreaterThanOrEqual(13 * 4);

    for (const link of links) {
      const [, installationId, userId, ...kindParts] = link.testId.split('-');
      const kind = kindParts.join('-');
      const open = await request(h.emulator.app).get(link.href).expect(302);
      const callback = new URL(open.headers.location as string);
      expect(callback.pathname).toBe('/callback');
      expect(callback.searchParams.get('mode')).toBe('sso');

      const agent = h.agent();
      const landed = await agent.get(`${callback.pathname}${callback.search}`);
      expect({ link: link.testId, status: landed.status }).toEqual({
        link: link.testId,
        status: 302,
      });
      expect({ link: link.testId, location: landed.headers.location }).toEqual({
        link: link.testId,
        location: expect.stringMatching(expectedLanding(kind, callback.searchParams)),
      });

      const page = await agent.get(landed.headers.location as string).expect(200);
      const member = h.emulator.seed.installations
        .find((i) => i.id === installationId)!
        .members.find((m) => m.userId === userId)!;
      const person = h.emulator.seed.people.find((p) => p.id === member.personId)!;
      expect(page.text).toContain(`data-testid="user-name">${escapeHtml(person.name)}<`);
      expect(page.text).toContain(`data-testid="user-role">${member.role}<`);
      if (member.role === 'USER' && kind !== 'plain')
        expect(page.text).toContain('data-testid="read-only"');

      const session = await agent.get('/api/session').expect(200);
      expect(session.body).toMatchObject({
        installation_id: installationId,
        user_id: userId,
        user_role: member.role,
        user_name: person.name,
      });
    }
  });
});

describe('the callback response', () => {
  test('302 with an HttpOnly SameSite=Lax session cookie, no token in any cookie, and the identity in /api/session', async () => {
    const agent = h.agent();
    const response = await h.login(agent, ACME.admin, { resource_id: ACME.resource });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(`/resources/${ACME.resource}`);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    const session = cookieLine(response, 'sso_session');
    expect(session).toBeDefined();
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Lax/);
    expect(session).not.toMatch(/; Secure/);
    expect(session).toMatch(/; Path=\//);
    expect(session).not.toMatch(/Max-Age|Expires/); // a browser-session cookie: lifetimes are enforced on the server
    for (const line of setCookies(response)) {
      expect(base64JsonIn(line)).toEqual([]); // no JWT (id_token), whole or in part, in any cookie
      expect(Buffer.byteLength(line)).toBeLessThan(4096);
    }

    const me = await agent.get('/api/session').expect(200);
    expect(me.body).toEqual({
      installation_id: ACME.installationId,
      account_id: 'ac3e00000000000000000000000000000000000000000000000000000000a001',
      user_id: ACME.admin,
      sub: `account:ac3e00000000000000000000000000000000000000000000000000000000a001:user:${ACME.admin}`,
      user_role: 'ADMIN',
      user_name: 'Alice Anders',
      user_email: 'alice@example.com',
      user_avatar_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/avatars\//),
      account_ref: null,
      login_at: expect.any(String),
    });
    expect(base64JsonIn(JSON.stringify(me.body))).toEqual([]);
    expect(JSON.stringify(me.body)).not.toMatch(/id_token|access_token/);
  });

  test('one exchange per login, and the server-side session record holds no token', async () => {
    const agent = h.agent();
    await h.login(agent).expect(302);
    expect(h.emulator.controls.stats().tokenRequests).toBe(1);
    const store = h.sso.sessionStore as unknown as {
      all(cb: (e: unknown, s: Record<string, unknown>) => void): void;
    };
    const sessions = await new Promise<Record<string, unknown>>((resolve, reject) =>
      store.all((e, s) => (e ? reject(e) : resolve(s))),
    );
    const dump = JSON.stringify(sessions);
    expect(dump).toContain(ACME.admin);
    expect(base64JsonIn(dump)).toEqual([]);
    expect(dump).not.toMatch(/id_token|access_token|Bearer/);
  });

  test('a session cookie planted before login is dead after it (no session fixation)', async () => {
    // The attacker plants their own signed-in session (Bob) in the victim's browser.
    const planted = cookieLine(await h.login(h.agent(), ACME.user), 'sso_session')!.split(';')[0]!;

    // The victim opens their own link: they are asked first, then get a fresh session id.
    const redirect = await request(h.sso.app)
      .get(h.callbackPath(ACME.admin))
      .set('Cookie', planted)
      .expect(303);
    expect(redirect.headers.location).toBe('/switch-account');
    expect(cookieLine(redirect, 'sso_session')?.split(';')[0] ?? planted).toBe(planted); // same session (a rolling refresh at most)
    const switchCookie = cookieLine(redirect, 'sso_switch')!.split(';')[0]!;
    const offer = await request(h.sso.app)
      .get('/switch-account')
      .set('Cookie', [planted, switchCookie])
      .expect(200);
    expect(offer.text).toContain('data-testid="switch-account"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(offer.text)![1]!;
    const switchId = /name="switch_id" value="([^"]+)"/.exec(offer.text)![1]!;
    const confirmed = await request(h.sso.app)
      .post('/switch-account')
      .set('Cookie', planted)
      .type('form')
      .send({ _csrf: csrf, switch_id: switchId })
      .expect(303);
    const fresh = cookieLine(confirmed, 'sso_session')!.split(';')[0]!;
    expect(fresh).not.toBe(planted);
    await request(h.sso.app).get('/api/session').set('Cookie', planted).expect(401);
    const newSession = await request(h.sso.app)
      .get('/api/session')
      .set('Cookie', fresh)
      .expect(200);
    expect(newSession.body.user_id).toBe(ACME.admin);
  });

  test('logging in again as the same user also gets a fresh session id', async () => {
    const agent = h.agent();
    const first = cookieLine(await h.login(agent).expect(302), 'sso_session')!.split(';')[0]!;
    const second = cookieLine(await h.login(agent).expect(302), 'sso_session')!.split(';')[0]!;
    expect(second).not.toBe(first);
    await request(h.sso.app).get('/api/session').set('Cookie', first).expect(401);
    await request(h.sso.app).get('/api/session').set('Cookie', second).expect(200);
  });

  test('a forged session cookie that names no stored session is replaced at login', async () => {
    const forged = 'sso_session=s%3Aattacker-chosen-id.invalidsignature';
    const response = await request(h.sso.app)
      .get(h.callbackPath(ACME.admin))
      .set('Cookie', forged)
      .expect(302);
    expect(cookieLine(response, 'sso_session')).not.toContain('attacker-chosen-id');
  });

  test('one log line per login outcome, with installation and user ids and the request id', async () => {
    h.logs.clear();
    await h.login(h.agent(), ACME.user, { project_id: 'prj_acmeWeb000000000001' }).expect(302);
    const outcomes = h.logs.logins();
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({
      outcome: 'success',
      installation_id: ACME.installationId,
      user_id: ACME.user,
      role: 'USER',
      deep_link: 'project',
    });
    expect(outcomes[0]!.req).toMatchObject({ id: expect.any(String) });
  });
});

describe('signed in as one user, a link for another (login CSRF defence)', () => {
  /** Signs `agent` in as Alice (ADMIN), then opens a link for Bob; returns the offer page. */
  async function offer(
    agent: ReturnType<Harness['agent']>,
    context: Record<string, string> = { resource_id: ACME.resource },
  ) {
    const login = await h.login(agent, ACME.admin).expect(302);
    sessionBefore = cookieLine(login, 'sso_session')!.split(';')[0]!;
    h.logs.clear();
    const redirect = await agent.get(h.callbackPath(ACME.user, context)).expect(303);
    expect(redirect.headers.location).toBe('/switch-account');
    return agent.get('/switch-account');
  }
  let sessionBefore = '';
  const field = (html: string, name: string) =>
    new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1];

  test('the session is not replaced silently: both identities are shown and nothing changes', async () => {
    const agent = h.agent();
    const page = await offer(agent);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('data-testid="switch-current">Alice Anders<');
    expect(page.text).toContain('data-testid="switch-next">Bob Brown<');
    expect(cookieLine(page, 'sso_session')?.split(';')[0] ?? sessionBefore).toBe(sessionBefore);
    expect(h.logs.logins()).toEqual([
      expect.objectContaining({
        outcome: 'switch_offered',
        user_id: ACME.user,
        current_user_id: ACME.admin,
      }),
    ]);
    const me = await agent.get('/api/session').expect(200);
    expect(me.body.user_id).toBe(ACME.admin);
  });

  test('reloading the prompt shows it again while the offer lives; after an answer it is gone', async () => {
    const agent = h.agent();
    const page = await offer(agent);
    const reload = await agent.get('/switch-account').expect(200);
    expect(reload.text).toContain('data-testid="switch-next">Bob Brown<');
    expect(field(reload.text, 'switch_id')).toBe(field(page.text, 'switch_id'));
    await agent
      .post('/switch-account/cancel')
      .type('form')
      .send({ _csrf: field(page.text, '_csrf'), switch_id: field(page.text, 'switch_id') })
      .expect(303);
    const after = await agent.get('/switch-account');
    expect(after.status).toBe(400);
    expect(after.text).toContain('no longer valid');
    const me = await agent.get('/api/session').expect(200);
    expect(me.body.user_id).toBe(ACME.admin);
  });

  test('a browser without the offering session does not see the prompt', async () => {
    const agent = h.agent();
    await offer(agent);
    const stolen = await request(h.sso.app).get('/switch-account');
    expect(stolen.status).toBe(400);
    expect(stolen.text).not.toContain('data-testid="switch-account"');
  });

  test('confirming (POST with CSRF) switches to the new user with a fresh session and lands on the deep link', async () => {
    const agent = h.agent();
    const page = await offer(agent);
    const response = await agent
      .post('/switch-account')
      .type('form')
      .send({ _csrf: field(page.text, '_csrf'), switch_id: field(page.text, 'switch_id') });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/resources/${ACME.resource}`);
    expect(cookieLine(response, 'sso_session')).toBeDefined();
    const me = await agent.get('/api/session').expect(200);
    expect(me.body).toMatchObject({ user_id: ACME.user, user_role: 'USER' });
    expect(h.logs.logins()).toContainEqual(
      expect.objectContaining({ outcome: 'success', user_id: ACME.user }),
    );
    // The offer is used up.
    const again = await agent
      .post('/switch-account')
      .type('form')
      .send({ _csrf: field(page.text, '_csrf'), switch_id: field(page.text, 'switch_id') });
    expect([400, 403]).toContain(again.status);
  });

  test('"Stay signed in" (POST with CSRF) drops the offer and keeps the current user', async () => {
    const agent = h.agent();
    const page = await offer(agent);
    const declined = await agent
      .post('/switch-account/cancel')
      .type('form')
      .send({ _csrf: field(page.text, '_csrf'), switch_id: field(page.text, 'switch_id') });
    expect(declined.status).toBe(303);
    expect(declined.headers.location).toBe('/');
    const later = await agent
      .post('/switch-account')
      .type('form')
      .send({ _csrf: field(page.text, '_csrf'), switch_id: field(page.text, 'switch_id') });
    expect(later.status).toBe(400);
    expect((await agent.get('/api/session').expect(200)).body.user_id).toBe(ACME.admin);
  });

  test('a double-click on "Continue" switches once; the old session stays dead', async () => {
    const agent = h.agent();
    const page = await offer(agent);
    const form = { _csrf: field(page.text, '_csrf'), switch_id: field(page.text, 'switch_id') };
    const [first, second] = await Promise.all([
      request(h.sso.app)
        .post('/switch-account')
        .set('Cookie', sessionBefore)
        .type('form')
        .send(form),
      request(h.sso.app)
        .post('/switch-account')
        .set('Cookie', sessionBefore)
        .type('form')
        .send(form),
    ]);
    expect([first.status, second.status].sort()).toEqual([303, 400]);
    await request(h.sso.app).get('/api/session').set('Cookie', sessionBefore).expect(401);
  });

  test('without the CSRF token, or from another browser, the switch is refused', async () => {
    const agent = h.agent();
    const page = await offer(agent);
    const switchId = field(page.text, 'switch_id');
    await agent.post('/switch-account').type('form').send({ switch_id: switchId }).expect(403);

    const other = h.agent();
    await h.login(other, ACME.user).expect(302);
    const otherCsrf = field((await other.get('/').expect(200)).text, '_csrf');
    const stolen = await other
      .post('/switch-account')
      .type('form')
      .send({ _csrf: otherCsrf, switch_id: switchId });
    expect(stolen.status).toBe(400);
    expect(stolen.text).toContain('no longer valid');
    await agent
      .get('/api/session')
      .expect(200)
      .expect((r) => expect(r.body.user_id).toBe(ACME.admin));
    // The stolen id did not cancel the offer: its own session can still confirm it.
    const mine = await agent
      .post('/switch-account')
      .type('form')
      .send({ _csrf: field(page.text, '_csrf'), switch_id: switchId });
    expect(mine.status).toBe(303);
  });
});

describe('code replay (refresh, back button)', () => {
  test('the same browser with the session of that login goes to the destination; no second session, no second exchange', async () => {
    const agent = h.agent();
    const path = h.callbackPath(ACME.admin, { invoice_id: 'inv_acme2026010000001' });
    const first = await agent.get(path).expect(302);
    const second = await agent.get(path).expect(302);
    expect(second.headers.location).toBe('/invoices/inv_acme2026010000001');
    // No new session: no Set-Cookie at all, and the first session is the one still signed in.
    expect(cookieLine(second, 'sso_session')).toBeUndefined();
    const first_cookie = cookieLine(first, 'sso_session')!.split(';')[0]!;
    await request(h.sso.app).get('/api/session').set('Cookie', first_cookie).expect(200);
    expect(h.emulator.controls.stats().tokenRequests).toBe(1);
  });

  test('another browser replaying the code gets the "no longer valid" page and no session', async () => {
    const path = h.callbackPath(ACME.admin);
    await h.agent().get(path).expect(302);
    h.logs.clear();
    const replay = await h.agent().get(path);
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('This sign-in link is no longer valid');
    expect(cookieLine(replay, 'sso_session')).toBeUndefined();
    expect(h.logs.logins()).toEqual([
      expect.objectContaining({ outcome: 'failure', reason: 'code_replayed' }),
    ]);
    expect(h.emulator.controls.stats().tokenRequests).toBe(1);
  });

  test('a signed-in user of another identity replaying someone else’s used code gets the "no longer valid" page', async () => {
    const path = h.callbackPath(ACME.admin);
    await h.agent().get(path).expect(302);
    const other = h.agent();
    await h.login(other, ACME.user).expect(302);
    const replay = await other.get(path).expect(400);
    expect(replay.text).toContain('no longer valid');
    const me = await other.get('/api/session').expect(200);
    expect(me.body.user_id).toBe(ACME.user);
  });
});

describe('secrets never reach the log', () => {
  test('a login and its use log no code, state, token, client secret, cookie or session id', async () => {
    h.logs.clear();
    const agent = h.agent();
    const path = h.callbackPath(ACME.admin, { resource_id: ACME.resource });
    const query = new URLSearchParams(path.split('?')[1]);
    const response = await agent.get(path).expect(302);
    const cookieValue = cookieLine(response, 'sso_session')!.split(';')[0]!.split('=')[1]!;
    const sessionId = decodeURIComponent(cookieValue).slice(2).split('.')[0]!;
    await agent.get(response.headers.location as string).expect(200);
    await agent.get('/api/session').expect(200);
    await agent.get(path).expect(302); // replay

    const text = h.logs.text();
    expect(h.logs.lines.length).toBeGreaterThan(5);
    for (const secret of [
      query.get('code')!,
      query.get('state')!,
      h.config.integration.clientSecret,
      cookieValue,
      decodeURIComponent(cookieValue),
      sessionId,
    ]) {
      expect(text.includes(secret)).toBe(false);
    }
    expect(base64JsonIn(text)).toEqual([]); // no id_token, nor its header or payload alone
    expect(text).toContain('/callback');
  });
});

describe('behind a TLS-terminating proxy (ngrok)', () => {
  test('with PUBLIC_URL https and trust proxy on, X-Forwarded-Proto: https gives a Secure __Host- cookie', async () => {
    const proxied = await startHarness({
      PUBLIC_URL: 'https://sso.example.com',
      TRUST_PROXY: 'true',
    });
    try {
      const response = await proxied
        .agent()
        .get(proxied.callbackPath())
        .set('X-Forwarded-Proto', 'https')
        .expect(302);
      const session = cookieLine(response, '__Host-sso_session');
      expect(session).toMatch(/; Path=\/; .*HttpOnly; Secure; SameSite=Lax/);
      expect(cookieLine(response, '__Host-sso_installation')).toMatch(/; Secure/);
      expect(response.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    } finally {
      await proxied.close();
    }
  });
});

describe('https PUBLIC_URL but the request is not seen as https', () => {
  test('the callback refuses with a 503 page and an error log instead of a login without its cookie; no code is spent', async () => {
    const misconfigured = await startHarness({
      PUBLIC_URL: 'https://sso.example.com',
      TRUST_PROXY: 'true',
    });
    try {
      const path = misconfigured.callbackPath();
      const response = await misconfigured.agent().get(path).set('X-Forwarded-Proto', 'http');
      expect(response.status).toBe(503);
      expect(response.text).toContain('must be reached over HTTPS');
      expect(misconfigured.logs.logins()).toEqual([
        expect.objectContaining({ outcome: 'failure', reason: 'insecure_request', level: 50 }),
      ]);
      expect(misconfigured.emulator.controls.stats().tokenRequests).toBe(0);
      // Once the proxy says https, the same link still works.
      await misconfigured.agent().get(path).set('X-Forwarded-Proto', 'https').expect(302);
    } finally {
      await misconfigured.close();
    }
  });
});
