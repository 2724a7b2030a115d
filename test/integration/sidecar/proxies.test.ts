/**
 * The sidecar behind REAL nginx (auth_request) and Caddy (forward_auth), started on loopback ports
 * with the example configs from examples/sidecar, in front of the example upstream apps (Node with
 * jose behind nginx, Python with PyJWT behind Caddy), which verify the assertion against the JWKS.
 * Skipped with a printed reason when nginx or caddy is not installed, never under CI=true.
 */
import { ACME } from '../../support/harness';
import {
  Browser,
  freePort,
  installed,
  PYTHON,
  startCaddy,
  startNginx,
  startSidecarStack,
  startUpstream,
  type Child,
  type SidecarStack,
} from '../../support/sidecar-stack';

interface UpstreamAnswer {
  verified: boolean;
  path: string;
  user: { user_id: string; user_role: string; installation_id: string; sub: string };
  received: { 'x-vercel-user-id': string | null };
}

const proxies = [
  { name: 'nginx', command: 'nginx', upstream: 'node' as const, start: startNginx },
  { name: 'caddy', command: 'caddy', upstream: 'python' as const, start: startCaddy },
];

for (const proxy of proxies) {
  const available = installed(proxy.command) && (proxy.upstream !== 'python' || installed(PYTHON));
  if (!available && process.env.CI !== 'true') {
    console.warn(
      `Skipping the ${proxy.name} sidecar tests: ${proxy.command} is not installed (apt-get install -y nginx caddy python3-jwt). CI installs it and never skips.`,
    );
  }
  const maybe = available || process.env.CI === 'true' ? describe : describe.skip;

  maybe(`sidecar behind ${proxy.name} (${proxy.upstream} upstream verifying the assertion)`, () => {
    let stack: SidecarStack;
    let upstream: Child;
    let front: Child;
    let origin: string;

    beforeAll(async () => {
      const [frontPort, upstreamPort] = [await freePort(), await freePort()];
      origin = `http://127.0.0.1:${frontPort}`;
      const upstreamOrigin = `http://127.0.0.1:${upstreamPort}`;
      stack = await startSidecarStack(origin, { ASSERTION_AUDIENCE: upstreamOrigin });
      upstream = await startUpstream(proxy.upstream, upstreamPort, {
        SSO_ORIGIN: origin,
        AUDIENCE: upstreamOrigin,
        JWKS_URL: `${origin}/.well-known/jwks.json`,
      });
      front = await proxy.start(
        frontPort,
        stack.sidecarUrl.replace('http://', ''),
        `127.0.0.1:${upstreamPort}`,
      );
    }, 30_000);

    afterAll(async () => {
      await front?.stop();
      await upstream?.stop();
      await stack?.close();
    });

    /** Signs `browser` in as `userId` through the emulator and the proxy; returns where it landed. */
    async function signIn(browser: Browser, userId: string): Promise<string> {
      const { redirectUrl } = stack.emulator.controls.mintLogin({
        installationId: ACME.installationId,
        userId,
        context: {},
      });
      expect(redirectUrl.startsWith(`${origin}/_sso/callback?`)).toBe(true);
      const { response, visited } = await browser.follow(redirectUrl);
      expect(response.status).toBe(200);
      return visited[visited.length - 1]!;
    }

    it('hands the upstream a verified identity, and a client-forged X-Vercel-User-Id never reaches it', async () => {
      const browser = new Browser();
      await signIn(browser, ACME.admin);
      const response = await browser.request(`${origin}/projects/1?tab=usage`, {
        headers: {
          'X-Vercel-User-Id': 'forged-user',
          'X-Vercel-SSO-Assertion': 'forged.assertion.value',
        },
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as UpstreamAnswer;
      expect(body.verified).toBe(true);
      expect(body.path).toBe('/projects/1?tab=usage');
      expect(body.user).toMatchObject({
        user_id: ACME.admin,
        installation_id: ACME.installationId,
        user_role: 'ADMIN',
      });
      expect(body.received['x-vercel-user-id']).toBe(ACME.admin);
      // The upstream rejects a request that bypasses the check (no assertion).
      expect((await fetch(`${stack.config.sidecar!.audience}/x`)).status).toBe(401);
    });

    it('sends a signed-out browser to sign in and back to the page it wanted; an API call gets 401', async () => {
      const browser = new Browser();
      const first = await browser.follow(`${origin}/reports/q?a=1&b=two`);
      // No session and no installation known yet: the start page says to open the integration from Vercel.
      expect(first.visited[1]).toBe(
        `${origin}/_sso/start?rd=${encodeURIComponent('/reports/q?a=1&b=two')}`,
      );
      expect(first.response.status).toBe(401);
      expect(await first.response.text()).toMatch(
        /Open the integration from your Vercel dashboard/,
      );
      // Opening it from Vercel now lands on the remembered page.
      const landed = await signIn(browser, ACME.admin);
      expect(landed).toBe(`${origin}/reports/q?a=1&b=two`);

      const api = await new Browser('application/json').request(`${origin}/api/things`);
      expect(api.status).toBe(401);
      expect(api.headers.get('location')).toBeNull();
    });

    it('after sign-out the proxy refuses; with the installation known, sign-in goes through Vercel and back', async () => {
      const browser = new Browser();
      await signIn(browser, ACME.admin);
      const page = await browser.request(`${origin}/_sso/signout`);
      expect(page.status).toBe(200);
      const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
      expect(token).toBeDefined();
      const signedOut = await browser.request(`${origin}/_sso/signout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `_csrf=${encodeURIComponent(token!)}`,
      });
      expect(signedOut.status).toBe(303);
      expect(
        (await browser.request(`${origin}/anything`, { headers: { accept: 'application/json' } }))
          .status,
      ).toBe(401);

      // Provider-initiated SSO (VERCEL-SSO.md §3): a restarted browser (session cookie gone, installation
      // hint kept) goes through Vercel, which asks who is signing in, then back to the page it wanted.
      await signIn(browser, ACME.admin);
      browser.drop('sso_session');
      const out = await browser.follow(`${origin}/settings?x=1`);
      const chooser = out.visited[out.visited.length - 1]!;
      expect(chooser.startsWith(stack.emulatorUrl)).toBe(true);
      const back = await browser.follow(
        `${chooser}${chooser.includes('?') ? '&' : '?'}as=${ACME.admin}`,
      );
      expect(back.visited[back.visited.length - 1]).toBe(`${origin}/settings?x=1`);
      expect(((await back.response.json()) as UpstreamAnswer).verified).toBe(true);
    });

    it('refuses a USER on the role=ADMIN location and lets an ADMIN in', async () => {
      const user = new Browser();
      await signIn(user, ACME.user);
      expect((await user.request(`${origin}/admin/billing`)).status).toBe(403);
      const own = await user.request(`${origin}/dashboard`);
      expect(own.status).toBe(200);
      expect(((await own.json()) as UpstreamAnswer).user.user_role).toBe('USER');

      const admin = new Browser();
      await signIn(admin, ACME.admin);
      const allowed = await admin.request(`${origin}/admin/billing`);
      expect(allowed.status).toBe(200);
      expect(((await allowed.json()) as UpstreamAnswer).user.user_role).toBe('ADMIN');
    });

    it('logs no line above debug for the checks the proxy made', () => {
      const checks = stack.logs.records().filter((r) => JSON.stringify(r).includes('/_sso/auth'));
      expect(checks.filter((r) => (r.level as number) > 20)).toEqual([]);
    });
  });
}
