import { demoBanner, demoOnLogin } from '../../src/dev/demo';
import { demoPassthrough } from '../../src/dev/local-environment';
import { createApp } from '../../src/server/app';
import {
  EXPIRE_SESSION_PATH,
  localReturnPath,
  SESSION_EXPIRED_PATH,
} from '../../src/server/demo-routes';
import { LoginTrails, maskCallbackParams, MAX_TRAILS } from '../../src/server/how-you-got-here';
import { createLogger } from '../../src/web/logger';
import { ACME, cookieLine, startHarness, type Harness } from '../support/harness';

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

  test('the return path stays on this site', () => {
    expect(localReturnPath('/projects/p?x=1')).toBe('/projects/p?x=1');
    for (const bad of [
      '//evil.example/',
      '/\\evil.example',
      'https://evil.example/',
      '/a\nb',
      `/${'a'.repeat(600)}`,
      undefined,
      ['/x'],
      `${EXPIRE_SESSION_PATH}?rd=/`,
    ]) {
      expect({ bad, path: localReturnPath(bad) }).toEqual({ bad, path: '/' });
    }
  });
});

describe('demo helpers', () => {
  test('maskCallbackParams masks code, state and tokens, and cuts long values', () => {
    const shown = maskCallbackParams({
      mode: 'sso',
      code: 'c0de-value',
      state: 'st4te',
      resource_id: 'r'.repeat(300),
      pr: ['1', '2'],
    });
    expect(shown).toEqual([
      { name: 'mode', value: 'sso', masked: false },
      { name: 'code', value: '•••• (10 characters)', masked: true },
      { name: 'state', value: '•••• (5 characters)', masked: true },
      { name: 'resource_id', value: `${'r'.repeat(200)}…`, masked: false },
      { name: 'pr', value: '1', masked: false },
      { name: 'pr', value: '2', masked: false },
    ]);
  });

  test('LoginTrails keeps at most MAX_TRAILS sign-ins, the oldest forgotten first, and records no refusal', async () => {
    const own = new LoginTrails();
    const onLogin = own.wrap(({ identity }) =>
      identity.userId === 'refused' ? { allow: false, reason: 'no' } : { allow: true },
    );
    const context = (userId: string) =>
      ({
        identity: { subject: 's', accountId: 'a', installationId: 'i', userId, role: 'USER' },
        deepLink: {},
        landing: { kind: 'home', location: '/', warnings: [] },
        req: { query: {} },
        res: {},
        requestId: 'r',
      }) as never;
    for (let n = 0; n <= MAX_TRAILS; n += 1) await onLogin(context(`u${n}`));
    expect(own.forIdentity({ installationId: 'i', userId: 'u0' })).toBeUndefined();
    expect(own.forIdentity({ installationId: 'i', userId: `u${MAX_TRAILS}` })?.decision).toBe(
      '{"allow":true}',
    );
    await expect(onLogin(context('refused'))).resolves.toEqual({ allow: false, reason: 'no' });
    expect(own.forIdentity({ installationId: 'i', userId: 'refused' })).toBeUndefined();
  });

  test('the demo forwards the session lifetimes and names it is given, nothing else', () => {
    expect(
      demoPassthrough({
        SESSION_IDLE_TIMEOUT_SECONDS: '60',
        SESSION_ABSOLUTE_TIMEOUT_SECONDS: '',
        INTEGRATION_CLIENT_SECRET: 'x',
        PRODUCT_NAME: 'Acme',
      }),
    ).toEqual({ SESSION_IDLE_TIMEOUT_SECONDS: '60', PRODUCT_NAME: 'Acme' });
  });

  test('the banner names both URLs, the idle timeout and how to show it again', () => {
    const text = demoBanner(
      {
        emulatorUrl: 'http://127.0.0.1:4000',
        backendUrl: 'http://localhost:3000',
        idleTimeoutSeconds: 1800,
      },
      1234,
    );
    expect(text).toContain('http://127.0.0.1:4000/');
    expect(text).toContain('http://localhost:3000/callback');
    expect(text).toContain('1800 s');
    expect(text).toContain('kill -USR2 1234');
  });
});
