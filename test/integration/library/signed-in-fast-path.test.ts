/**
 * The signed-in fast path of requireUser()/optionalUser() (issue 16 item 5): a valid session is read
 * once from the store (cookie signature, record, absolute lifetime, throttled touch) without running
 * express-session on the request; every other case takes the full path and answers as before.
 */
import express from 'express';
import request from 'supertest';
import { createEmulator, type Emulator } from '../../../src/emulator';
import { parseVercelSsoOptions } from '../../../src/config';
import { createStores } from '../../../src/stores';
import { assembleVercelSso, type VercelSso } from '../../../src/web/vercel-sso';
import { createLogger } from '../../../src/web/logger';
import { ACME, CLIENT_ID, CLIENT_SECRET, SESSION_SECRET, SLUG } from '../../support/harness';
import { LogCapture } from '../../support/log-capture';

let emulator: Emulator;
let emulatorUrl: string;
let closeEmulator: () => Promise<void>;
const built: VercelSso[] = [];
let settingsCookieName = '';

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

/** A vendor app whose session store counts reads and writes. */
function countingApp(now: () => number = Date.now) {
  const settings = parseVercelSsoOptions({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    publicUrl: 'http://localhost:3000',
    sessionSecret: SESSION_SECRET,
    integrationSlug: SLUG,
    vercel: { apiUrl: emulatorUrl, issuer: emulatorUrl, ssoUrl: emulatorUrl },
    http: { jwksCooldownMs: 0 },
    logger: createLogger('debug', new LogCapture()),
    now,
  });
  settingsCookieName = settings.session.cookieName;
  const stores = createStores(settings, createLogger('silent'));
  const counts = { get: 0, set: 0, failReads: false };
  const store = stores.sessionStore;
  const get = store.get.bind(store);
  const set = store.set.bind(store);
  store.get = (sid, callback) => {
    counts.get += 1;
    if (counts.failReads) {
      callback(new Error('store down'));
      return;
    }
    get(sid, callback);
  };
  store.set = (sid, data, callback) => {
    counts.set += 1;
    set(sid, data, callback);
  };
  const sso = assembleVercelSso(settings, { stores });
  built.push(sso);
  const app = express();
  app.use('/vercel', sso.router);
  app.get('/dashboard', sso.requireUser(), (req, res) =>
    res.json({ identity: sso.identity(req), csrf: sso.csrfToken(req) }),
  );
  app.get('/whoami', sso.optionalUser(), (req, res) =>
    res.json({ user: sso.identity(req)?.userId ?? null, csrf: sso.csrfToken(req) ?? null }),
  );
  app.get('/admin', sso.requireUser({ role: 'ADMIN' }), (_req, res) => res.send('admin ok'));
  return { app, counts };
}

async function signedInAgent(app: express.Express, userId: string = ACME.admin) {
  const agent = request.agent(app);
  const url = new URL(
    emulator.controls.mintLogin({ installationId: ACME.installationId, userId }).redirectUrl,
  );
  const login = await agent.get(`${url.pathname}${url.search}`);
  expect(login.status).toBe(302);
  return agent;
}

test('a signed-in request reads the session once, writes nothing and sets no cookie', async () => {
  const { app, counts } = countingApp();
  const agent = await signedInAgent(app);
  counts.get = 0;
  counts.set = 0;
  const first = await agent.get('/dashboard').set('Accept', 'application/json');
  expect(first.status).toBe(200);
  expect(first.headers['set-cookie']).toBeUndefined();
  expect(first.headers['cache-control']).toBe('no-store');
  const body = first.body as { identity: { userId: string }; csrf: string };
  expect(body.identity.userId).toBe(ACME.admin);
  expect(body.csrf).toMatch(/\S{16,}/);
  expect(counts).toMatchObject({ get: 1, set: 0 });

  const again = await agent.get('/whoami');
  expect(again.body).toEqual({ user: ACME.admin, csrf: body.csrf });
  expect(again.headers['set-cookie']).toBeUndefined();
  expect(counts).toMatchObject({ get: 2, set: 0 });
});

test('a refused role, no session and a forged cookie answer as on the full path', async () => {
  const { app } = countingApp();
  const user = await signedInAgent(app, ACME.user);
  const refused = await user.get('/admin');
  expect(refused.status).toBe(403);
  expect(refused.text).toContain('Sign out'); // the full path's page, with the user in the header

  const anonymous = await request(app).get('/whoami');
  expect(anonymous.body).toEqual({ user: null, csrf: null });
  const forged = await request(app)
    .get('/dashboard')
    .set('Accept', 'application/json')
    .set('Cookie', `${settingsCookieName}=s:abc.def`);
  expect(forged.status).toBe(401);
});

test('a session past its absolute lifetime is refused on the next request', async () => {
  let clock = Date.now();
  const { app } = countingApp(() => clock);
  const agent = await signedInAgent(app);
  expect((await agent.get('/dashboard').set('Accept', 'application/json')).status).toBe(200);
  clock += 8 * 60 * 60 * 1000 + 1000; // past the default absolute lifetime (8 h)
  expect((await agent.get('/dashboard').set('Accept', 'application/json')).status).toBe(401);
});

test('a store that fails answers 503 after one read (no second try through the full path)', async () => {
  const { app, counts } = countingApp();
  const agent = await signedInAgent(app);
  counts.get = 0;
  counts.failReads = true;
  const response = await agent.get('/dashboard').set('Accept', 'application/json');
  expect(response.status).toBe(503);
  expect(counts.get).toBe(1);
  const optional = await agent.get('/whoami');
  expect(optional.status).toBe(503);
  expect(counts.get).toBe(2);
});
