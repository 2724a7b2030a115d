/**
 * The library inside a vendor's own Express app (issue 10): mounted under a base path beside the
 * vendor's routes, its own express-session and its own 404; `onLogin`, `landing`, `render`, JSON
 * answers; nothing app-wide changed. Everything goes through the public face and the emulator.
 */
import express, { type Express } from 'express';
import session from 'express-session';
import { createClient } from 'redis';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createEmulator, type Emulator } from '../../../src/emulator';
import {
  createVercelSso,
  type PageContext,
  type VercelSso,
  type VercelSsoOptions,
} from '../../../src/index';
import { createLogger } from '../../../src/web/logger';
import {
  ACME,
  CLIENT_ID,
  CLIENT_SECRET,
  cookieLine,
  SESSION_SECRET,
  SLUG,
} from '../../support/harness';
import { LogCapture } from '../../support/log-capture';
import { deleteKeys, describeWithRedis, TEST_REDIS_URL, uniquePrefix } from '../../support/redis';

let emulator: Emulator;
let emulatorUrl: string;
let closeEmulator: () => Promise<void>;
const built: VercelSso[] = [];

beforeAll(async () => {
  emulator = await createEmulator({
    integration: {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      slug: SLUG,
      name: 'Acme Provider',
      redirectLoginUrl: 'http://localhost:3000/vercel/callback',
    },
  });
  const server = await emulator.listen(0, '127.0.0.1');
  emulatorUrl = server.url;
  closeEmulator = server.close;
});
afterAll(async () => {
  await Promise.all(built.map((sso) => sso.close()));
  await closeEmulator();
});

interface VendorApp {
  app: Express;
  sso: VercelSso;
  logs: LogCapture;
}

/** A vendor's app: its own session (optional), public page, guarded pages and 404, with SSO under /vercel. */
function vendorApp(
  options: Partial<VercelSsoOptions> = {},
  { hostSession = true } = {},
): VendorApp {
  const logs = new LogCapture();
  const sso = createVercelSso({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    publicUrl: 'http://localhost:3000',
    sessionSecret: SESSION_SECRET,
    integrationSlug: SLUG,
    vercel: { apiUrl: emulatorUrl, issuer: emulatorUrl, ssoUrl: emulatorUrl },
    http: { jwksCooldownMs: 0 },
    logger: createLogger('debug', logs),
    productName: 'Vendor Cloud',
    ...options,
  });
  built.push(sso);
  const app = express();
  app.set('query parser', 'extended'); // the vendor's choice; the callback must not depend on it
  if (hostSession)
    app.use(
      session({
        name: 'vendor.sid',
        secret: 'vendor-secret-0123456789abcdef0123',
        resave: false,
        saveUninitialized: true,
      }),
    );
  app.get('/', (_req, res) => res.send('vendor home'));
  app.get('/public', (_req, res) => res.send('vendor public'));
  if (hostSession) {
    app.get('/visit', (req, res) => {
      const data = req.session as session.Session & { visits?: number; org?: string };
      data.visits = (data.visits ?? 0) + 1;
      res.json({ visits: data.visits, org: data.org ?? null });
    });
    // A vendor who keeps an `identity` of their own in their session: never read as ours.
    app.get('/plant', (req, res) => {
      Object.assign(req.session, {
        identity: {
          installationId: ACME.installationId,
          userId: ACME.admin,
          role: 'ADMIN',
          loginAt: Date.now(),
        },
      });
      res.send('planted');
    });
  }
  app.use('/vercel', sso.router);
  app.get('/dashboard', sso.requireUser(), (req, res) =>
    res.json({ identity: sso.identity(req), csrf: sso.csrfToken(req) }),
  );
  app.get('/whoami', sso.optionalUser(), (req, res) =>
    res.json({ identity: sso.identity(req) ?? null }),
  );
  app.post('/admin', sso.requireUser({ role: 'ADMIN' }), (_req, res) => res.send('admin ok'));
  app.post(
    '/admin-form',
    express.urlencoded({ extended: false }),
    sso.requireUser({ role: 'ADMIN', csrf: true }),
    (_req, res) => res.send('form ok'),
  );
  app.use((_req, res) => res.status(404).send('vendor 404'));
  return { app, sso, logs };
}

function link(
  userId: string = ACME.admin,
  context: Record<string, string> = {},
  installationId = ACME.installationId,
): string {
  const url = new URL(emulator.controls.mintLogin({ installationId, userId, context }).redirectUrl);
  return `${url.pathname}${url.search}`;
}

function signIn(
  agent: TestAgent,
  userId: string = ACME.admin,
  context: Record<string, string> = {},
): request.Test {
  return agent.get(link(userId, context));
}

describe('mounted under /vercel in a vendor app', () => {
  test('the Redirect Login URL is publicUrl + mount path + callback path, and it lands on the host app', async () => {
    const { app } = vendorApp();
    const agent = request.agent(app);
    const response = await signIn(agent);
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/');
    expect(cookieLine(response, 'sso_session')).toMatch(/HttpOnly/);
    const me = await agent.get('/dashboard').expect(200);
    expect(me.body.identity).toMatchObject({
      installationId: ACME.installationId,
      userId: ACME.admin,
      role: 'ADMIN',
    });
  });

  test('the vendor’s own routes and 404 answer, including unknown paths under the mount', async () => {
    const { app } = vendorApp();
    await request(app).get('/public').expect(200, 'vendor public');
    await request(app).get('/nowhere').expect(404, 'vendor 404');
    await request(app).get('/vercel/nowhere').expect(404, 'vendor 404');
    await request(app).post('/vercel/callback').expect(404, 'vendor 404');
  });

  test('nothing app-wide is changed: trust proxy, query parser, view engine, x-powered-by stay the vendor’s', () => {
    const { app } = vendorApp();
    expect(app.get('trust proxy')).toBe(false);
    expect(app.get('query parser')).toBe('extended');
    expect(app.get('view engine')).toBeUndefined();
    expect(app.get('x-powered-by')).toBe(true);
  });

  test('security headers are set on the library’s pages only, not on the vendor’s', async () => {
    const { app } = vendorApp();
    const page = await request(app).get('/vercel/signed-out').expect(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    const vendor = await request(app).get('/public');
    expect(vendor.headers['content-security-policy']).toBeUndefined();
  });

  test('deep links land on host-app paths, not under the mount path', async () => {
    const { app } = vendorApp();
    const response = await signIn(request.agent(app), ACME.admin, { invoice_id: 'inv_123' });
    expect(response.headers.location).toBe('/invoices/inv_123');
  });

  test('requireUser({ role: "ADMIN" }) refuses a USER with 403 and lets an ADMIN through', async () => {
    const { app } = vendorApp();
    const user = request.agent(app);
    await signIn(user, ACME.user).expect(302);
    const refused = await user.post('/admin').expect(403);
    expect(refused.text).toContain('Administrators only');
    const admin = request.agent(app);
    await signIn(admin).expect(302);
    await admin.post('/admin').expect(200, 'admin ok');
  });

  test('requireUser({ csrf: true }) refuses a POST without the session’s CSRF token', async () => {
    const { app } = vendorApp();
    const agent = request.agent(app);
    await signIn(agent).expect(302);
    const { csrf } = (await agent.get('/dashboard').expect(200)).body as { csrf: string };
    await agent.post('/admin-form').type('form').send({}).expect(403);
    await agent.post('/admin-form').type('form').send({ _csrf: csrf }).expect(200, 'form ok');
  });

  test('signed out, a guarded page answers 401 (JSON when asked) or sends a known installation through provider-initiated SSO', async () => {
    const { app } = vendorApp();
    const json = await request(app).get('/dashboard').set('Accept', 'application/json').expect(401);
    expect(json.body).toMatchObject({ error: { code: 'no_session' } });
    const html = await request(app).get('/dashboard').expect(401);
    expect(html.text).toContain('You are not signed in');
    const hinted = await request(app)
      .get('/dashboard?tab=1')
      .set('Cookie', `sso_installation=${ACME.installationId}`)
      .expect(302);
    expect(hinted.headers.location).toBe(
      `${emulatorUrl}/sso/integrations/${SLUG}/${ACME.installationId}`,
    );
  });

  test('sign-out under the mount: CSRF-protected, 303 to the mount’s signed-out page with its own stylesheet', async () => {
    const { app } = vendorApp();
    const agent = request.agent(app);
    await signIn(agent).expect(302);
    const { csrf } = (await agent.get('/dashboard').expect(200)).body as { csrf: string };
    await agent.post('/vercel/signout').type('form').send({}).expect(403);
    const out = await agent.post('/vercel/signout').type('form').send({ _csrf: csrf }).expect(303);
    expect(out.headers.location).toBe('/vercel/signed-out');
    const page = await agent.get('/vercel/signed-out').expect(200);
    expect(page.text).toContain('href="/vercel/sso-assets/app.css"');
    await agent.get('/vercel/sso-assets/app.css').expect(200).expect('Content-Type', /css/);
    await agent.get('/dashboard').expect(401);
  });
});

describe('the host app’s own express-session', () => {
  test('keeps its data across sign-in and sign-out, in its own cookie; ours is separate', async () => {
    const { app, sso } = vendorApp();
    const agent = request.agent(app);
    const first = (await agent.get('/visit').expect(200)).body as { visits: number };
    const login = await signIn(agent).expect(302);
    expect(cookieLine(login, 'vendor.sid')).toBeUndefined(); // the vendor's cookie is not rewritten by our login
    const second = (await agent.get('/visit').expect(200)).body as { visits: number };
    expect(second.visits).toBe(first.visits + 1);
    const csrf = ((await agent.get('/dashboard')).body as { csrf: string }).csrf;
    await agent.post('/vercel/signout').type('form').send({ _csrf: csrf }).expect(303);
    const third = (await agent.get('/visit').expect(200)).body as { visits: number };
    expect(third.visits).toBe(second.visits + 1);
    expect(sso.identity({} as express.Request)).toBeUndefined();
  });

  test('the vendor’s session data is never read as an identity', async () => {
    const { app } = vendorApp();
    const agent = request.agent(app);
    await agent.get('/plant').expect(200, 'planted');
    await agent.get('/dashboard').expect(401);
    expect(
      ((await agent.get('/whoami').expect(200)).body as { identity: unknown }).identity,
    ).toBeNull();
  });

  test('a planted session cookie of ours dies at login (fixation), with a host session too', async () => {
    const { app } = vendorApp();
    const agent = request.agent(app);
    const planted = 'sso_session=s%3Aattacker-chosen-id.invalidsignature';
    const login = await agent.get(link()).set('Cookie', planted).expect(302);
    const issued = cookieLine(login, 'sso_session')!;
    expect(issued).not.toContain('attacker-chosen-id');
  });

  test('works the same without any host session middleware', async () => {
    const { app } = vendorApp({}, { hostSession: false });
    const agent = request.agent(app);
    await signIn(agent).expect(302);
    await agent.get('/dashboard').expect(200);
  });
});

describe('onLogin', () => {
  test('receives the whole deep-link context, the host request and response; its accountRef and redirectTo are used', async () => {
    const seen: Array<Record<string, unknown>> = [];
    const { app } = vendorApp({
      onLogin: ({ identity, deepLink, landing, req, requestId }) => {
        seen.push({
          deepLink,
          landing: landing.location,
          hostSession: typeof (req as express.Request & { session?: unknown }).session,
          requestId,
          user: identity.userId,
        });
        (req.session as session.Session & { org?: string }).org = `org-${identity.installationId}`;
        return {
          allow: true,
          accountRef: 'acct_42',
          redirectTo: `/orgs/${encodeURIComponent(identity.installationId)}`,
        };
      },
    });
    const agent = request.agent(app);
    const context = {
      resource_id: 'store_1',
      product_id: 'prod_1',
      project_id: 'prj_1',
      check_id: 'chk_1',
      invoice_id: 'inv_1',
      experimentation_item_id: 'flag_1',
      path: 'billing',
      pr: 'https://github.com/a/b/pull/1',
      support: 'true',
    };
    const response = await signIn(agent, ACME.admin, context).expect(302);
    expect(response.headers.location).toBe(`/orgs/${ACME.installationId}`);
    expect(seen[0]).toMatchObject({
      deepLink: expect.objectContaining(context),
      landing: '/invoices/inv_1?resource_id=store_1',
      hostSession: 'object',
      user: ACME.admin,
    });
    expect(seen[0]!.requestId).toBe(response.headers['x-request-id']);
    expect(
      ((await agent.get('/dashboard')).body as { identity: { accountRef: string } }).identity
        .accountRef,
    ).toBe('acct_42');
    expect(((await agent.get('/visit')).body as { org: string }).org).toBe(
      `org-${ACME.installationId}`,
    );
  });

  test('a redirectTo off the allowed origins is ignored (the deep link’s page is used)', async () => {
    const { app, logs } = vendorApp({
      onLogin: () => ({ allow: true, redirectTo: 'https://evil.example/phish' }),
    });
    const response = await signIn(request.agent(app), ACME.admin, {
      resource_id: 'store_1',
    }).expect(302);
    expect(response.headers.location).toBe('/resources/store_1');
    expect(logs.text()).toContain('onLogin redirectTo ignored');
  });

  test('a refusal is a 403 page with the reason (escaped) and no session; a throw is a 503 and no session', async () => {
    const refuse = vendorApp({ onLogin: () => ({ allow: false, reason: 'Trial <b>expired</b>' }) });
    const refused = await signIn(request.agent(refuse.app)).expect(403);
    expect(refused.text).toContain('Trial &lt;b&gt;expired&lt;/b&gt;');
    expect(cookieLine(refused, 'sso_session')).toBeUndefined();
    const broken = vendorApp({
      onLogin: () => {
        throw new Error('db down');
      },
    });
    const failed = await signIn(request.agent(broken.app)).expect(503);
    expect(cookieLine(failed, 'sso_session')).toBeUndefined();
    expect(broken.logs.logins()).toEqual([
      expect.objectContaining({ reason: 'account_hook_failed' }),
    ]);
  });
});

describe('landing, render and JSON', () => {
  test('landing() replaces the default map; an unusable answer falls back to it', async () => {
    const { app } = vendorApp({
      landing: (deepLink) =>
        deepLink.invoice_id
          ? `/billing/invoices/${encodeURIComponent(deepLink.invoice_id)}`
          : deepLink.resource_id
            ? '//evil.example'
            : undefined,
    });
    expect(
      (await signIn(request.agent(app), ACME.admin, { invoice_id: 'inv_9' })).headers.location,
    ).toBe('/billing/invoices/inv_9');
    expect(
      (await signIn(request.agent(app), ACME.admin, { resource_id: 'store_1' })).headers.location,
    ).toBe('/resources/store_1');
    expect((await signIn(request.agent(app))).headers.location).toBe('/');
  });

  test('render() draws every page the router sends, with the failure code and status', async () => {
    const pages: PageContext[] = [];
    const { app } = vendorApp({
      render: (page, _req, res) => {
        pages.push(page);
        res.send(`custom ${page.kind} ${page.code ?? ''}`);
      },
    });
    const bad = await request(app).get('/vercel/callback?mode=sso').expect(400);
    expect(bad.text).toBe('custom error invalid_callback');
    await request(app).get('/vercel/signed-out').expect(200, 'custom signed-out ');
    expect(pages[0]).toMatchObject({
      kind: 'error',
      status: 400,
      code: 'invalid_callback',
      productName: 'Vendor Cloud',
      title: 'This sign-in link is not valid',
    });
  });

  test('productName and supportUrl appear on the router’s error pages', async () => {
    const { app } = vendorApp({ supportUrl: 'https://support.example.com/help' });
    const page = await request(app).get('/vercel/callback?mode=sso').expect(400);
    expect(page.text).toContain('Vendor Cloud');
    expect(page.text).toContain('href="https://support.example.com/help"');
  });

  test('a failing callback answers JSON to Accept: application/json, with the request id', async () => {
    const { app } = vendorApp();
    const response = await request(app)
      .get('/vercel/callback?mode=sso')
      .set('Accept', 'application/json')
      .expect(400);
    expect(response.body).toEqual({
      error: { code: 'invalid_callback', message: expect.any(String) },
      request_id: response.headers['x-request-id'],
    });
  });

  test('without pino-http in the host app, our lines and pages still carry a request id', async () => {
    const { app, logs } = vendorApp();
    const response = await request(app).get('/vercel/callback?mode=sso').expect(400);
    const id = response.headers['x-request-id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.text).toContain(id);
    expect(logs.logins()[0]).toMatchObject({ reason: 'invalid_callback', req: { id } });
  });
});

describe('hostile host apps and options (review findings)', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(() => process.off('unhandledRejection', onUnhandled));
  afterEach(async () => {
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
  });

  test('a host that puts its own identity in res.locals: our pages ignore it, nothing crashes', async () => {
    const { app } = vendorApp();
    const outer = express();
    outer.use((_req, res, next) => {
      res.locals.identity = { name: 'guest' }; // the host's own name clash, no role
      next();
    });
    outer.use(app);
    const page = await request(outer).get('/dashboard').expect(401);
    expect(page.text).toContain('You are not signed in');
    expect(page.text).not.toContain('guest');
  });

  test('a render() that throws or rejects answers a plain 500 and never crashes the process', async () => {
    const throwing = vendorApp({
      render: () => {
        throw new Error('template missing');
      },
    });
    const sync = await request(throwing.app).get('/dashboard').expect(500);
    expect(sync.text).toMatch(/Something went wrong\. Request id: [0-9a-f-]{36}/);
    const rejecting = vendorApp({
      // eslint-disable-next-line @typescript-eslint/no-misused-promises -- a rejecting render() is the case under test
      render: async () => {
        throw new Error('async template missing');
      },
    });
    await request(rejecting.app).get('/dashboard').expect(500);
    expect(rejecting.logs.text()).toContain('could not render the sign-in page');
  });

  test('sso.identity() and sso.csrfToken() never read the host’s own session, even where our session was not loaded', async () => {
    const { app: inner, sso } = vendorApp();
    const seen: Array<[unknown, unknown]> = [];
    const app = express();
    app.use(
      session({
        name: 'vendor.sid',
        secret: 'vendor-secret-0123456789abcdef0123',
        resave: false,
        saveUninitialized: true,
      }),
    );
    app.get('/peek', (req, res) => {
      Object.assign(req.session, {
        identity: { installationId: 'icfg_evil', userId: 'u', role: 'ADMIN', loginAt: Date.now() },
      });
      seen.push([sso.identity(req), sso.csrfToken(req)]);
      res.send('ok');
    });
    app.use(inner);
    const agent = request.agent(app);
    await agent.get('/peek').expect(200);
    await agent.get('/peek').expect(200);
    expect(seen).toEqual([
      [undefined, undefined],
      [undefined, undefined],
    ]);
    // An unknown asset under the mount falls through to the vendor (no page of ours with the host's session in it).
    await agent.get('/vercel/sso-assets/nope.css').expect(404, 'vendor 404');
  });

  test('sign-out with a host session: our cookie is cleared and never set again with the host’s attributes', async () => {
    const { app: inner } = vendorApp({}, { hostSession: false });
    const app = express();
    app.use(
      session({
        name: 'vendor.sid',
        secret: 'vendor-secret-0123456789abcdef0123',
        resave: false,
        saveUninitialized: true,
        cookie: { maxAge: 86_400_000 },
      }),
    );
    app.use(inner);
    const agent = request.agent(app);
    await agent.get(link()).expect(302);
    const csrf = ((await agent.get('/dashboard').expect(200)).body as { csrf: string }).csrf;
    const out = await agent.post('/vercel/signout').type('form').send({ _csrf: csrf }).expect(303);
    const ours = (out.headers['set-cookie'] as unknown as string[]).filter((line) =>
      line.startsWith('sso_session='),
    );
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatch(/Expires=Thu, 01 Jan 1970/);
    await agent.get('/dashboard').expect(401);
  });

  test('sign-out with a cookie-session-like host session (a plain object) completes', async () => {
    const { app: inner } = vendorApp({}, { hostSession: false });
    const app = express();
    app.use((req, _res, next) => {
      (req as unknown as { session: object }).session = { cart: 3 }; // what cookie-session puts there: no touch(), no save()
      next();
    });
    app.use(inner);
    const agent = request.agent(app);
    await agent.get(link()).expect(302);
    const csrf = ((await agent.get('/dashboard').expect(200)).body as { csrf: string }).csrf;
    await agent.post('/vercel/signout').type('form').send({ _csrf: csrf }).expect(303);
    await agent.get('/dashboard').expect(401);
  });

  test('requireUser({ csrf: true }) never consumes the host’s body: without a parser before it only X-CSRF-Token works', async () => {
    const { app: inner, sso } = vendorApp();
    const app = express();
    app.post(
      '/extended',
      sso.requireUser({ csrf: true }),
      express.urlencoded({ extended: true }),
      (req, res) => res.json(req.body),
    );
    app.use(inner);
    const agent = request.agent(app);
    await agent.get(link()).expect(302);
    const csrf = ((await agent.get('/dashboard').expect(200)).body as { csrf: string }).csrf;
    await agent.post('/extended').type('form').send(`_csrf=${csrf}&user[name]=bob`).expect(403);
    const ok = await agent
      .post('/extended')
      .set('X-CSRF-Token', csrf)
      .type('form')
      .send('user[name]=bob')
      .expect(200);
    expect(ok.body).toEqual({ user: { name: 'bob' } }); // the host's own extended parser still got the body
  });

  test('pages sent by requireUser carry the security headers (no framing of a sign-out form)', async () => {
    const { app } = vendorApp();
    const agent = request.agent(app);
    await agent.get(link(ACME.user)).expect(302);
    const refused = await agent.post('/admin').expect(403);
    expect(refused.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(refused.headers['x-content-type-options']).toBe('nosniff');
  });

  test('pages requireUser sends from the host’s routes point at the router’s mount path (stylesheet, sign-out)', async () => {
    const { app } = vendorApp();
    const agent = request.agent(app);
    await agent.get('/vercel/signed-out').expect(200); // any request through the router teaches it its mount path
    const signedOut = await agent.get('/dashboard').expect(401);
    expect(signedOut.text).toContain('href="/vercel/sso-assets/app.css"');
    await agent.get(link(ACME.user)).expect(302);
    const refused = await agent.post('/admin').expect(403);
    expect(refused.text).toContain('action="/vercel/signout"');
    // Or told up front, before any request has passed through the router:
    const told = vendorApp({ mountPath: '/vercel' });
    expect((await request(told.app).get('/dashboard').expect(401)).text).toContain(
      'href="/vercel/sso-assets/app.css"',
    );
  });

  test('an API call (Accept: application/json) with an installation hint gets 401 JSON, not a redirect to Vercel', async () => {
    const { app } = vendorApp();
    const response = await request(app)
      .get('/dashboard')
      .set('Accept', 'application/json')
      .set('Cookie', `sso_installation=${ACME.installationId}`)
      .expect(401);
    expect(response.body).toMatchObject({ error: { code: 'no_session' } });
  });

  test('role: "USER" admits an ADMIN (ADMIN may do what USER may); role: "ADMIN" refuses a USER', async () => {
    const { app: inner, sso } = vendorApp();
    const app = express();
    app.get('/read', sso.requireUser({ role: 'USER' }), (_req, res) => res.send('read ok'));
    app.use(inner);
    const admin = request.agent(app);
    await admin.get(link()).expect(302);
    await admin.get('/read').expect(200, 'read ok');
  });

  test('a landing() that throws falls back to the default page, never a 500', async () => {
    const { app, logs } = vendorApp({
      landing: () => {
        throw new Error('bug in vendor code');
      },
    });
    const response = await signIn(request.agent(app), ACME.admin, {
      resource_id: 'store_1',
    }).expect(302);
    expect(response.headers.location).toBe('/resources/store_1');
    expect(logs.text()).toContain('ignored landing(): it threw');
  });

  test.each([
    ['rateLimit.windowSeconds', { rateLimit: { windowSeconds: 3_000_000 } }],
    ['http.tokenExchangeTimeoutMs', { http: { tokenExchangeTimeoutMs: 5_000_000_000 } }],
    ['session.absoluteTimeoutSeconds', { session: { absoluteTimeoutSeconds: 10_000_000 } }],
  ])('%s beyond what Node timers can hold is refused at construction', (field, override) => {
    expect(() => vendorApp(override as Partial<VercelSsoOptions>)).toThrow(
      new RegExp(field.replace('.', '\\.')),
    );
  });
});

describeWithRedis('stores from a Redis client the vendor already has', () => {
  test('two app instances sharing the vendor’s client share sessions; close() leaves the client open', async () => {
    const prefix = uniquePrefix();
    const client = createClient({ url: TEST_REDIS_URL });
    await client.connect();
    try {
      const a = vendorApp({ redis: { client, keyPrefix: prefix } });
      const b = vendorApp({ redis: { client, keyPrefix: prefix } });
      const login = await signIn(request.agent(a.app)).expect(302);
      const cookie = cookieLine(login, 'sso_session')!.split(';')[0]!;
      await request(b.app).get('/dashboard').set('Cookie', cookie).expect(200);
      await a.sso.close();
      expect(client.isOpen).toBe(true);
      expect(await client.ping()).toBe('PONG');
    } finally {
      await deleteKeys(prefix);
      await client.close();
    }
  });
});
