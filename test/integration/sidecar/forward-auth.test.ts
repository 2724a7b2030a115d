/**
 * GET /_sso/auth and GET /.well-known/jwks.json of the reference service in sidecar mode (no proxy
 * in front: the test plays the proxy), with the emulator as Vercel and Redis as the session store.
 */
import { createClient } from 'redis';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { eventually } from '../../support/eventually';
import { ACME } from '../../support/harness';
import { deleteKeys, describeWithRedis, TEST_REDIS_URL, uniquePrefix } from '../../support/redis';
import {
  Browser,
  freePort,
  startSidecarStack,
  type SidecarStack,
} from '../../support/sidecar-stack';

const ACCOUNT_REF = 'org_Zürich 7/π';

describeWithRedis('sidecar forward-auth', () => {
  let stack: SidecarStack;
  let base: string;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    stack = await startSidecarStack(
      base,
      {
        PORT: String(port),
        REDIS_URL: TEST_REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        ASSERTION_AUDIENCE: 'https://upstream.example',
      },
      { onLogin: () => ({ allow: true, accountRef: ACCOUNT_REF }) },
    );
  });

  afterAll(async () => {
    await stack?.close();
    await deleteKeys(prefix);
  });

  async function signIn(userId: string): Promise<Browser> {
    const browser = new Browser();
    const { redirectUrl } = stack.emulator.controls.mintLogin({
      installationId: ACME.installationId,
      userId,
      context: {},
    });
    expect((await browser.request(redirectUrl)).status).toBe(302);
    return browser;
  }

  it('answers 401 without a session, naming where to sign in and come back', async () => {
    const browser = new Browser();
    const response = await browser.request(`${base}/_sso/auth`, {
      headers: { 'X-Forwarded-Uri': '/reports?a=1&b=2' },
    });
    expect(response.status).toBe(401);
    const location = `/_sso/start?rd=${encodeURIComponent('/reports?a=1&b=2')}`;
    expect(response.headers.get('x-sso-sign-in')).toBe(location);
    expect(response.headers.get('x-vercel-user-id')).toBeNull();
    // Caddy and Traefik pass the answer to the browser: ?redirect=1 makes it a redirect for pages only.
    const page = await browser.request(`${base}/_sso/auth?redirect=1`, {
      headers: { 'X-Forwarded-Uri': '/reports?a=1&b=2' },
    });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe(location);
    const api = await new Browser('application/json').request(`${base}/_sso/auth?redirect=1`);
    expect(api.status).toBe(401);
  });

  it('answers 200 with the identity headers and an assertion that verifies against the JWKS', async () => {
    const browser = await signIn(ACME.admin);
    const response = await browser.request(`${base}/_sso/auth`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-vercel-installation-id')).toBe(ACME.installationId);
    expect(response.headers.get('x-vercel-user-id')).toBe(ACME.admin);
    expect(response.headers.get('x-vercel-user-role')).toBe('ADMIN');
    expect(response.headers.get('x-vercel-account-id')).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeURIComponent(response.headers.get('x-vercel-user-name')!)).toBe('Alice Anders');
    expect(decodeURIComponent(response.headers.get('x-vercel-user-email')!)).toBe(
      'alice@example.com',
    );
    expect(response.headers.get('x-vercel-account-ref')).toBe(encodeURIComponent(ACCOUNT_REF));
    expect(response.headers.get('cache-control')).toBe('no-store');

    const assertion = response.headers.get('x-vercel-sso-assertion')!;
    const jwks = createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(assertion, jwks, {
      issuer: base,
      audience: 'https://upstream.example',
      algorithms: ['ES256'],
    });
    expect(protectedHeader.kid).toBeTruthy();
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(60);
    expect(payload).toMatchObject({
      sub: expect.stringContaining(':user:'),
      installation_id: ACME.installationId,
      user_id: ACME.admin,
      user_role: 'ADMIN',
      user_email: 'alice@example.com',
      account_ref: ACCOUNT_REF,
    });
    const keys = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as {
      keys: Array<Record<string, unknown>>;
    };
    expect(keys.keys.map((k) => k.kid)).toContain(decodeProtectedHeader(assertion).kid);
    expect(keys.keys.every((k) => k.d === undefined)).toBe(true);
  });

  it('refuses a USER with ?role=ADMIN (403) and a malformed role (400)', async () => {
    const user = await signIn(ACME.user);
    expect((await user.request(`${base}/_sso/auth`)).status).toBe(200);
    expect((await user.request(`${base}/_sso/auth?role=USER`)).status).toBe(200);
    expect((await user.request(`${base}/_sso/auth?role=ADMIN`)).status).toBe(403);
    expect((await user.request(`${base}/_sso/auth?role=root`)).status).toBe(400);
    const admin = await signIn(ACME.admin);
    expect((await admin.request(`${base}/_sso/auth?role=ADMIN`)).status).toBe(200);
  });

  it('never writes the session store on a check, and logs checks at debug only', async () => {
    const browser = await signIn(ACME.admin);
    const monitor = createClient({ url: TEST_REDIS_URL });
    await monitor.connect();
    const commands: string[] = [];
    await monitor.monitor((line: string) => {
      if (line.includes(prefix)) commands.push(line);
    });
    try {
      stack.logs.clear();
      for (let i = 0; i < 20; i += 1)
        expect((await browser.request(`${base}/_sso/auth`)).status).toBe(200);
      // MONITOR lines arrive after the answers: wait for the 20 reads (a fixed 200 ms raced on a
      // loaded CI), then 200 ms more for any write that would follow them.
      await eventually('MONITOR to report the 20 checks', () => commands.length >= 20, 10_000, 20);
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await monitor.close(); // a client in MONITOR mode left open would keep jest alive
    }
    const writes = commands.filter((line) => !/"(get|GET|mget|MGET)"/.test(line));
    expect(commands.length).toBeGreaterThanOrEqual(20);
    expect(writes).toEqual([]);
    const loud = stack.logs.records().filter((r) => (r.level as number) > 20);
    expect(loud).toEqual([]);
  });

  it('after sign-out the check answers 401', async () => {
    const browser = await signIn(ACME.admin);
    const page = await browser.request(`${base}/_sso/signout`);
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const out = await browser.request(`${base}/_sso/signout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `_csrf=${encodeURIComponent(token)}`,
    });
    expect(out.status).toBe(303);
    expect((await browser.request(`${base}/_sso/auth`)).status).toBe(401);
  });

  it('keeps the start redirect to same-origin or allow-listed targets', async () => {
    const browser = await signIn(ACME.admin);
    const local = await browser.request(`${base}/_sso/start?rd=${encodeURIComponent('/a?b=1')}`);
    expect(local.headers.get('location')).toBe('/a?b=1');
    const same = await browser.request(`${base}/_sso/start?rd=${encodeURIComponent(`${base}/c`)}`);
    expect(same.headers.get('location')).toBe('/c');
    const evil = await browser.request(
      `${base}/_sso/start?rd=${encodeURIComponent('https://evil.example/steal')}`,
    );
    expect(evil.headers.get('location')).toBe('/');
  });
});
