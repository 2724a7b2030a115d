/**
 * A real browser clicks through the whole flow (issue #5): headless Chromium (playwright-core) against
 * the Vercel emulator on 127.0.0.1 and the backend on localhost, two sites as in production. Every
 * test gets fresh browser contexts; every page of every context is watched, and a test fails on any
 * console error, uncaught page error, dialog or CSP violation (afterEach).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { BrowserProblems, Contexts, screenshot } from './support/browser';
import { launchChromium } from './support/chromium';
import {
  clickOpenLink,
  dashboardLinks,
  expectedLanding,
  expectedPageTestId,
  base64JsonIn,
  JWT_LIKE,
  seedUser,
  signedInAs,
  type OpenLink,
} from './support/flow';
import { SLUG, startStack, type Stack } from './support/stack';

const ACME = 'icfg_acme0000000000000001';
const ALICE = 'a11ce000000000000000000000000000000000000000000000000000000000a1'; // ADMIN of Acme
const BOB = 'b0b00000000000000000000000000000000000000000000000000000000000a2'; // USER of Acme
const GLOBEX = 'icfg_globex00000000000001';
const CAROL = 'ca4010000000000000000000000000000000000000000000000000000000b001'; // ADMIN of Globex
const PROJECT = 'prj_acmeWeb000000000001';
const RESOURCE = 'store_acmePostgres0001';

let browser: Browser;
let stack: Stack;
const problems = new BrowserProblems();
const contexts = new Contexts(() => browser, problems);

beforeAll(async () => {
  [browser, stack] = await Promise.all([launchChromium(), startStack()]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

afterEach(async () => {
  await contexts.closeAll();
  // 7. Fails on any console error, page error, dialog or CSP violation seen during the test.
  expect(problems.take()).toEqual([]);
});

/** Expects the page to show `user` signed in. */
async function expectSignedIn(page: Page, user: { name: string; role: string }): Promise<void> {
  expect(await signedInAs(page)).toEqual({ name: user.name, role: user.role });
}

describe('browser end to end', () => {
  test('1. every Open-in-Provider link on the emulator dashboard lands on its page, signed in with the right name and role', async () => {
    const dashboard = await contexts.page();
    await dashboard.goto(`${stack.emulatorUrl}/`);
    await screenshot(dashboard, 'emulator-dashboard', true);
    const links = await dashboardLinks(dashboard);
    const kinds = new Set(links.map((l) => l.kind));
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
    const users = new Map<string, OpenLink[]>();
    for (const link of links)
      users.set(`${link.installationId}/${link.userId}`, [
        ...(users.get(`${link.installationId}/${link.userId}`) ?? []),
        link,
      ]);
    const roles = [...users.values()].map(
      (userLinks) => seedUser(stack, userLinks[0]!.installationId, userLinks[0]!.userId).role,
    );
    expect(roles).toEqual(expect.arrayContaining(['ADMIN', 'USER']));

    const visited: string[] = [];
    // One context per user (a browser signed in as one user who opens another user's link is asked
    // first, test 6); the users run side by side, each clicking their links one after the other.
    const clickAll = async (userLinks: OpenLink[]): Promise<void> => {
      const page = await contexts.page();
      const user = seedUser(stack, userLinks[0]!.installationId, userLinks[0]!.userId);
      for (const link of userLinks) {
        const landed = await clickOpenLink(page, stack, link.testId);
        expect({ link: link.testId, landed: `${landed.pathname}${landed.search}` }).toEqual({
          link: link.testId,
          landed: expectedLanding(link),
        });
        await expect(page.getByTestId(expectedPageTestId(link.kind)).count()).resolves.toBe(1);
        expect({ link: link.testId, ...(await signedInAs(page)) }).toEqual({
          link: link.testId,
          name: user.name,
          role: user.role,
        });
        if (user.role === 'USER' && link.kind !== 'plain')
          await expect(page.getByTestId('read-only').count()).resolves.toBe(1);
        if (user.installationId === ACME && user.userId === ALICE && link.kind === 'plain')
          await screenshot(page, 'provider-home');
        if (user.installationId === ACME && user.userId === ALICE && link.kind === 'check')
          await screenshot(page, 'deep-link-check');
        visited.push(link.testId);
      }
    };
    await Promise.all([...users.values()].map(clickAll));
    expect(visited.sort()).toEqual(links.map((l) => l.testId).sort());
  });

  test('2. the browser stores an HttpOnly SameSite=Lax session cookie, and no token in any cookie or web storage of either origin', async () => {
    const context = await contexts.create();
    const page = await context.newPage();
    await clickOpenLink(page, stack, `open-${ACME}-${ALICE}-resource`);
    await expectSignedIn(page, seedUser(stack, ACME, ALICE));

    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === stack.config.session.cookieName);
    expect(session).toMatchObject({
      domain: 'localhost',
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
      secure: false,
    });
    for (const cookie of cookies) {
      expect({ cookie: cookie.name, httpOnly: cookie.httpOnly, sameSite: cookie.sameSite }).toEqual(
        { cookie: cookie.name, httpOnly: true, sameSite: 'Lax' },
      );
      // No token in any cookie, whole, in part or inside base64 JSON.
      expect({
        cookie: cookie.name,
        base64Json: base64JsonIn(decodeURIComponent(cookie.value)),
      }).toEqual({ cookie: cookie.name, base64Json: [] });
    }
    expect(cookies.map((c) => `${c.domain} ${c.name}`).sort()).toEqual(
      [
        '127.0.0.1 emu_user',
        'localhost sso_installation',
        `localhost ${stack.config.session.cookieName}`,
      ].sort(),
    );

    const storage =
      'JSON.stringify({ cookie: document.cookie, local: Object.entries(localStorage), session: Object.entries(sessionStorage) })';
    const backendStorage = JSON.parse(await page.evaluate<string>(storage)) as unknown;
    expect(backendStorage).toEqual({ cookie: '', local: [], session: [] });
    expect(await page.content()).not.toMatch(JWT_LIKE);
    await page.goto(`${stack.emulatorUrl}/`);
    const emulatorStorage = JSON.parse(await page.evaluate<string>(storage)) as unknown;
    expect(emulatorStorage).toEqual({ cookie: '', local: [], session: [] });
  });

  test('3. after signing out, Back does not bring a signed-in page back', async () => {
    const context = await contexts.create();
    const page = await context.newPage();
    const landed = await clickOpenLink(page, stack, `open-${ACME}-${ALICE}-resource`);
    await expectSignedIn(page, seedUser(stack, ACME, ALICE));

    await Promise.all([
      page.waitForURL(`${stack.backendUrl}/signed-out`),
      page.getByTestId('sign-out').click(),
    ]);
    await expect(page.getByTestId('signed-out').count()).resolves.toBe(1);
    await expect(page.getByTestId('user-name').count()).resolves.toBe(0);

    // The signed-in page is no-store: Back fetches it again, without a session now (the 401 page).
    problems.expectHttpError(401, (url) => url === landed.href);
    const back = await page.goBack();
    expect(page.url()).toBe(landed.href);
    expect(back?.status()).toBe(401);
    await expect(page.getByTestId('user-name').count()).resolves.toBe(0);
    await expect(
      page.locator('[data-testid="error-page"][data-status="401"]').count(),
    ).resolves.toBe(1);
    expect((await context.request.get(`${stack.backendUrl}/api/session`)).status()).toBe(401);
  });

  test('an error page: a replayed sign-in link opened in another browser is refused, without a session', async () => {
    const first = await contexts.page();
    const callback = first.waitForRequest((request) =>
      request.url().startsWith(`${stack.backendUrl}/callback?`),
    );
    await clickOpenLink(first, stack, `open-${ACME}-${ALICE}-plain`);
    const callbackUrl = (await callback).url();

    const other = await contexts.page();
    problems.expectHttpError(400, (url) => url === callbackUrl);
    const response = await other.goto(callbackUrl);
    expect(response?.status()).toBe(400);
    await expect(
      other.locator('[data-testid="error-page"][data-status="400"]').count(),
    ).resolves.toBe(1);
    await expect(other.getByTestId('user-name').count()).resolves.toBe(0);
    await screenshot(other, 'error-replayed-link');
  });

  test('5. two Open-in-Provider links of the same user opened in two tabs at once both end signed in', async () => {
    const context = await contexts.create();
    const dashboard = await context.newPage();
    await dashboard.goto(`${stack.emulatorUrl}/`);
    const tabs: Page[] = [];
    for (const kind of ['resource', 'project']) {
      const [tab] = await Promise.all([
        context.waitForEvent('page'),
        dashboard
          .getByTestId(`open-${ACME}-${ALICE}-${kind}`)
          .click({ modifiers: ['ControlOrMeta'] }),
      ]);
      tabs.push(tab);
    }
    const [resourceTab, projectTab] = tabs as [Page, Page];
    await Promise.all([
      resourceTab.waitForURL(`${stack.backendUrl}/resources/${RESOURCE}`),
      projectTab.waitForURL(`${stack.backendUrl}/projects/${PROJECT}?resource_id=${RESOURCE}`),
    ]);
    const alice = seedUser(stack, ACME, ALICE);
    for (const tab of [resourceTab, projectTab]) await expectSignedIn(tab, alice);
    // Both tabs share the cookie jar: whichever session won, both still work after a reload.
    for (const tab of [resourceTab, projectTab]) {
      await tab.reload();
      await expectSignedIn(tab, alice);
    }
  });

  test("6. a signed-in user opening another user's link is asked first, stays themselves unless they confirm", async () => {
    const page = await contexts.page();
    const alice = seedUser(stack, ACME, ALICE);
    const bob = seedUser(stack, ACME, BOB);
    await clickOpenLink(page, stack, `open-${ACME}-${ALICE}-plain`);
    await expectSignedIn(page, alice);

    await clickOpenLink(page, stack, `open-${ACME}-${BOB}-resource`);
    await expect(page.getByTestId('switch-account').count()).resolves.toBe(1);
    expect(await page.getByTestId('switch-current').textContent()).toBe(alice.name);
    expect(await page.getByTestId('switch-next').textContent()).toBe(bob.name);
    await expectSignedIn(page, alice);
    await screenshot(page, 'switch-account');

    // Not confirming: still Alice, everywhere.
    await Promise.all([
      page.waitForURL(`${stack.backendUrl}/`),
      page.getByTestId('switch-cancel').click(),
    ]);
    await expectSignedIn(page, alice);
    await page.goto(`${stack.backendUrl}/resources/${RESOURCE}`);
    await expectSignedIn(page, alice);

    // Confirming: Bob, on the page his link pointed at.
    await clickOpenLink(page, stack, `open-${ACME}-${BOB}-resource`);
    await expect(page.getByTestId('switch-account').count()).resolves.toBe(1);
    await Promise.all([
      page.waitForURL(`${stack.backendUrl}/resources/${RESOURCE}`),
      page.getByTestId('switch-confirm').click(),
    ]);
    await expectSignedIn(page, bob);
    await expect(page.getByTestId('read-only').count()).resolves.toBe(1);
  });

  test('7. the watcher catches what the suite fails on: a CSP violation and an uncaught page error', async () => {
    const page = await contexts.page();
    await clickOpenLink(page, stack, `open-${ACME}-${ALICE}-plain`);
    expect(problems.peek()).toEqual([]);
    // img-src allows 'self', data:, https: and the Vercel origins: a plain-http image elsewhere is a violation.
    await page.evaluate(
      `document.body.appendChild(Object.assign(document.createElement('img'), { src: 'http://blocked.invalid/pixel.png' }))`,
    );
    await page.evaluate(`setTimeout(() => { throw new Error('deliberate e2e page error'); })`);
    const deadline = Date.now() + 5000;
    while (
      !(['csp', 'pageerror'] as const).every((kind) =>
        problems.peek().some((p) => p.kind === kind),
      ) &&
      Date.now() < deadline
    )
      await page.waitForTimeout(50);
    const seen = problems.take();
    expect(seen).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'csp', text: expect.stringContaining('img-src') }),
        expect.objectContaining({
          kind: 'pageerror',
          text: expect.stringContaining('deliberate e2e page error'),
        }),
      ]),
    );
  });
});

describe('browser end to end, short session lifetimes (idle 2 s, absolute 4 s)', () => {
  let short: Stack;
  beforeAll(async () => {
    short = await startStack({
      SESSION_IDLE_TIMEOUT_SECONDS: '2',
      SESSION_ABSOLUTE_TIMEOUT_SECONDS: '4',
    });
  });
  afterAll(() => short?.close());

  /** Records the provider-initiated SSO requests the page makes to the emulator. */
  function ssoStarts(page: Page): string[] {
    const seen: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(`${short.emulatorUrl}/sso/integrations/`))
        seen.push(request.url());
    });
    return seen;
  }

  test('4. after the idle lifetime, a deep page goes through provider-initiated SSO (the emulator knows the user) and comes back to it signed in', async () => {
    const context = await contexts.create();
    const page = await context.newPage();
    const alice = seedUser(short, ACME, ALICE);
    await clickOpenLink(page, short, `open-${ACME}-${ALICE}-plain`);
    await expectSignedIn(page, alice);

    await page.waitForTimeout(2500);
    expect((await context.request.get(`${short.backendUrl}/api/session`)).status()).toBe(401);
    const starts = ssoStarts(page);
    await page.goto(`${short.backendUrl}/projects/${PROJECT}`);
    expect(page.url()).toBe(`${short.backendUrl}/projects/${PROJECT}`);
    expect(starts).toEqual([`${short.emulatorUrl}/sso/integrations/acme-provider/${ACME}`]);
    await expect(page.getByTestId('page-project').count()).resolves.toBe(1);
    await expectSignedIn(page, alice);
  });

  test("4. after the absolute lifetime, a deep page goes through the emulator's account chooser and comes back to it signed in", async () => {
    const context = await contexts.create();
    const page = await context.newPage();
    const bob = seedUser(short, ACME, BOB);
    await clickOpenLink(page, short, `open-${ACME}-${BOB}-plain`);
    await expectSignedIn(page, bob);
    const loginAt = Date.now();
    // Forget the emulator's signed-in user so that it has to ask.
    await context.clearCookies({ domain: '127.0.0.1' });

    // Stay active (each request renews the idle lifetime) until the absolute lifetime ends the session.
    let lastSignedInAt = loginAt;
    for (;;) {
      const status = (await context.request.get(`${short.backendUrl}/api/session`)).status();
      if (status !== 200) {
        expect(status).toBe(401);
        break;
      }
      lastSignedInAt = Date.now();
      if (Date.now() - loginAt > 8000)
        throw new Error('the session outlived its absolute lifetime');
      await page.waitForTimeout(500);
    }
    expect(lastSignedInAt - loginAt).toBeGreaterThan(2000); // kept past the idle lifetime by activity

    const starts = ssoStarts(page);
    await page.goto(`${short.backendUrl}/projects/${PROJECT}`);
    expect(new URL(page.url()).origin).toBe(short.emulatorUrl);
    await Promise.all([
      page.waitForURL(`${short.backendUrl}/projects/${PROJECT}`),
      page.getByTestId(`as-${ACME}-${BOB}`).click(),
    ]);
    expect(starts).toHaveLength(2); // the redirect to the chooser, and the chosen account
    await expect(page.getByTestId('page-project').count()).resolves.toBe(1);
    await expectSignedIn(page, bob);
  });
});

describe('issue 13 item 9: a redirect after a POST to an allow-listed origin is not blocked by the CSP', () => {
  let docs: Server;
  let docsOrigin: string;
  let withDocs: Stack;
  beforeAll(async () => {
    // A second allow-listed origin (another port on 127.0.0.1): the provider's docs site.
    docs = createServer((_req, res) => {
      res
        .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
        .end('<!doctype html><title>Docs</title><h1 data-testid="docs-page">Provider docs</h1>');
    });
    await new Promise<void>((resolve) => docs.listen(0, '127.0.0.1', resolve));
    docsOrigin = `http://127.0.0.1:${(docs.address() as AddressInfo).port}`;
    withDocs = await startStack({ DEEP_LINK_ALLOWED_ORIGINS: docsOrigin });
  });
  afterAll(async () => {
    await withDocs?.close();
    await new Promise((resolve) => docs?.close(resolve));
  });

  test('9. confirming a switch whose link names url= on the allow-listed docs origin lands there, with no CSP violation', async () => {
    const page = await contexts.page();
    await clickOpenLink(page, withDocs, `open-${ACME}-${ALICE}-plain`);
    await expectSignedIn(page, seedUser(withDocs, ACME, ALICE));

    // Bob's link (a notification's `sso:` link) points at the docs origin: the switch page asks first.
    const { redirectUrl } = withDocs.emulator.controls.mintLogin({
      installationId: ACME,
      userId: BOB,
      context: { url: `sso:${docsOrigin}/guide?from=vercel` },
    });
    await page.goto(redirectUrl);
    await expect(page.getByTestId('switch-account').count()).resolves.toBe(1);
    const csp =
      (await page.request.get(`${withDocs.backendUrl}/signed-out`)).headers()[
        'content-security-policy'
      ] ?? '';
    expect(csp).toContain(`form-action 'self' ${docsOrigin}`);

    await Promise.all([
      page.waitForURL(`${docsOrigin}/guide?from=vercel`),
      page.getByTestId('switch-confirm').click(),
    ]);
    await expect(page.getByTestId('docs-page').count()).resolves.toBe(1);
    // afterEach: the CSP-violation watcher saw nothing (a blocked form-action would be reported there).
  });
});

describe('browser end to end, Vercel removes the installation (issue 12)', () => {
  let own: Stack;
  beforeAll(async () => {
    own = await startStack();
  });
  afterAll(() => own?.close());

  test('8. clicking "Uninstall" on the emulator dashboard signs the provider page out; another team\'s user stays signed in', async () => {
    const aliceContext = await contexts.create();
    const provider = await aliceContext.newPage();
    await clickOpenLink(provider, own, `open-${ACME}-${ALICE}-project`);
    await expectSignedIn(provider, seedUser(own, ACME, ALICE));
    const carolContext = await contexts.create();
    const carolPage = await carolContext.newPage();
    await clickOpenLink(carolPage, own, `open-${GLOBEX}-${CAROL}-plain`);
    await expectSignedIn(carolPage, seedUser(own, GLOBEX, CAROL));

    // The team admin removes the integration in (emulated) Vercel, in another tab.
    const vercel = await aliceContext.newPage();
    await vercel.goto(`${own.emulatorUrl}/`);
    await Promise.all([
      vercel.waitForURL(`${own.emulatorUrl}/installations/${ACME}/uninstall`),
      vercel.getByTestId(`uninstall-${ACME}`).click(),
    ]);
    const message = (await vercel.getByTestId('message').textContent()) ?? '';
    expect(message).toContain(`DELETE ${own.backendUrl}/v1/installations/${ACME} answered 200`);
    expect(message).toContain(`the webhook ${own.backendUrl}/webhooks/vercel answered 200`);

    // Back on the provider tab: reloading finds no session. Provider-initiated SSO sends the browser to
    // Vercel, which no longer signs anyone in to this installation.
    problems.expectHttpError(404, (url) => url.startsWith(`${own.emulatorUrl}/sso/integrations/`));
    await provider.reload();
    expect(provider.url()).toBe(`${own.emulatorUrl}/sso/integrations/${SLUG}/${ACME}`);
    expect(new URL(provider.url()).origin).toBe(own.emulatorUrl);
    expect(await provider.getByTestId('message').textContent()).toContain('no longer installed');
    await expect(provider.getByTestId('user-name').count()).resolves.toBe(0);
    expect((await aliceContext.request.get(`${own.backendUrl}/api/session`)).status()).toBe(401);

    await carolPage.reload();
    await expectSignedIn(carolPage, seedUser(own, GLOBEX, CAROL));
    await screenshot(vercel, 'emulator-uninstalled', true);
  });
});
