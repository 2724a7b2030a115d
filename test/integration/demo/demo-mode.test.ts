import { demoOnLogin } from '../../../src/dev/demo';
import { createApp } from '../../../src/server/app';
import { EXPIRE_SESSION_PATH, SESSION_EXPIRED_PATH } from '../../../src/server/demo-routes';
import { LoginTrails } from '../../../src/server/how-you-got-here';
import { createLogger } from '../../../src/web/logger';
import { ACME, cookieLine, startHarness, type Harness } from '../../support/harness';

const trails = new LoginTrails();
let h: Harness;
let plain: Harness;
beforeAll(async () => {
  [h, plain] = await Promise.all([
    startHarness(
      {},
      {
        options: { onLogin: trails.wrap(demoOnLogin) },
        demo: { trails, emulatorUrl: 'http://127.0.0.1:4999' },
      },
    ),
    startHarness(),
  ]);
});
afterAll(() => Promise.all([h.close(), plain.close()]));

const field = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];

describe('"How you got here" (demo mode)', () => {
  test('shows the parameters Vercel sent with code and state masked, the rule, the claims and the decision', async () => {
    const agent = h.agent();
    const callback = h.callbackPath(ACME.admin, { resource_id: ACME.resource });
    const sent = new URL(callback, 'http://x').searchParams;
    await agent.get(callback).expect(302);
    const page = await agent.get(`/resources/${ACME.resource}`).expect(200);
    expect(page.text).toContain('data-testid="how-you-got-here"');
    expect(page.text).not.toContain(sent.get('code')!);
    expect(page.text).not.toContain(sent.get('state')!);
    expect(page.text).toMatch(
      /<code>code<\/code><\/th><td><span class="masked">•••• \(\d+ characters\)/,
    );
    expect(page.text).toContain(`<code>${ACME.resource}</code>`);
    expect(page.text).toContain('data-testid="hygh-rule">resource<');
    expect(page.text).toContain(`data-testid="hygh-landing">/resources/${ACME.resource}<`);
    expect(page.text).toContain(
      '&quot;accountRef&quot;:&quot;demo-org-ac3e00000000000000000000000000000000000000000000000000000000a001&quot;',
    );
    expect(page.text).toContain(`href="http://127.0.0.1:4999/" data-testid="back-to-emulator"`);
  });

  test('is not shown without demo mode', async () => {
    const agent = plain.agent();
    await plain.login(agent).expect(302);
    const page = await agent.get('/').expect(200);
    expect(page.text).not.toContain('how-you-got-here');
    expect(page.text).not.toContain(EXPIRE_SESSION_PATH);
    await agent.get(EXPIRE_SESSION_PATH).expect(404);
  });

  test('createApp refuses demo mode in production', () => {
    const config = { ...h.config, env: 'production' as const };
    expect(() =>
      createApp({
        config,
        logger: createLogger('silent'),
        demo: { trails, emulatorUrl: 'http://127.0.0.1:4999' },
      }),
    ).toThrow(/production/);
  });
});

describe('"Expire my provider session" (demo mode)', () => {
  test('drops the session cookie, keeps the installation hint, and sends the browser on to provider-initiated SSO for the same page', async () => {
    const agent = h.agent();
    await h.login(agent).expect(302);
    const page = await agent.get(`/projects/prj_acmeWeb000000000001`).expect(200);
    expect(field(page.text, 'rd')).toBe('/projects/prj_acmeWeb000000000001');
    const expired = await agent
      .post(EXPIRE_SESSION_PATH)
      .type('form')
      .send({ _csrf: field(page.text, '_csrf'), rd: field(page.text, 'rd') })
      .expect(303);
    expect(expired.headers.location).toBe(
      `${SESSION_EXPIRED_PATH}?rd=%2Fprojects%2Fprj_acmeWeb000000000001`,
    );
    expect(cookieLine(expired, 'sso_session')).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(cookieLine(expired, 'sso_installation')).toBeUndefined();
    const between = await agent.get(expired.headers.location!).expect(200);
    expect(between.text).toContain(
      '<meta http-equiv="refresh" content="0;url=/projects/prj_acmeWeb000000000001">',
    );
    const next = await agent.get('/projects/prj_acmeWeb000000000001').expect(302);
    expect(next.headers.location).toBe(
      `${h.emulatorUrl}/sso/integrations/acme-provider/${ACME.installationId}`,
    );
  });

  test('without the CSRF token nothing happens', async () => {
    const agent = h.agent();
    await h.login(agent).expect(302);
    await agent.post(EXPIRE_SESSION_PATH).type('form').send({ rd: '/' }).expect(403);
    await agent.get('/api/session').expect(200);
  });
});
