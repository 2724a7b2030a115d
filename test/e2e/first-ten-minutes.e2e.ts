/**
 * A vendor's first ten minutes (issue 17), in a real browser against the demo's wiring (demo mode on):
 * the "How you got here" panel, a next step on every dead-end page, the signed-in header on
 * 400/403/404, a reload of the switch prompt and of the admin action's result, and "Expire my
 * provider session" through provider-initiated SSO. Every page a test visits is checked at 390 px
 * for horizontal overflow and saved at 1280 and 390 px under artifacts/screenshots/.
 */
import type { Browser, Page } from 'playwright-core';
import { BrowserProblems, Contexts, screenshot } from './support/browser';
import { launchChromium } from './support/chromium';
import { clickOpenLink, seedUser, signedInAs } from './support/flow';
import { startStack, type Stack } from './support/stack';

const ACME = 'icfg_acme0000000000000001';
const ALICE = 'a11ce000000000000000000000000000000000000000000000000000000000a1'; // ADMIN of Acme
const BOB = 'b0b00000000000000000000000000000000000000000000000000000000000a2'; // USER of Acme
const GLOBEX = 'icfg_globex00000000000001';
const MALLORY = '3a11030000000000000000000000000000000000000000000000000000000b03'; // USER of Globex, HTML in her name
const PROJECT = 'prj_acmeWeb000000000001';
const RESOURCE = 'store_acmePostgres0001';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

let browser: Browser;
let stack: Stack;
const problems = new BrowserProblems();
const contexts = new Contexts(() => browser, problems);
/** Pages whose 390 px layout overflowed, with their width: must stay empty. */
const overflowing: Array<{ name: string; scrollWidth: number }> = [];

beforeAll(async () => {
  [browser, stack] = await Promise.all([launchChromium(), startStack({}, { demo: true })]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

afterEach(async () => {
  await contexts.closeAll();
  expect(problems.take()).toEqual([]);
  expect(overflowing.splice(0)).toEqual([]);
});

/**
 * Checks the page at 390 px (`document.documentElement.scrollWidth <= 390`) and saves it as
 * `<name>-390.png` and `<name>-1280.png`; leaves the page at 1280 px.
 */
async function atBothWidths(page: Page, name: string): Promise<void> {
  await page.setViewportSize(PHONE);
  const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
  if (scrollWidth > PHONE.width) overflowing.push({ name, scrollWidth });
  await screenshot(page, `${name}-390`, true);
  await page.setViewportSize(DESKTOP);
  await screenshot(page, `${name}-1280`, true);
}

async function newPage(): Promise<Page> {
  const page = await contexts.page();
  await page.setViewportSize(DESKTOP);
  return page;
}

describe("a vendor's first ten minutes (demo mode)", () => {
  test('the emulator dashboard opens with what it is and the sign-in links; the hostile name is labelled', async () => {
    const page = await newPage();
    await page.goto(`${stack.emulatorUrl}/`);
    await expect(page.getByTestId('emulator-intro').isVisible()).resolves.toBe(true);
    const order = await page.evaluate<{ intro: number; link: number; tokens: number }>(`(() => {
      const top = (selector) => document.querySelector(selector).getBoundingClientRect().top;
      return { intro: top('[data-testid="emulator-intro"]'), link: top('a[data-testid^="open-"]'), tokens: top('[data-testid="dev-tokens"]') };
    })()`);
    expect(order.intro).toBeLessThan(order.link);
    expect(order.link).toBeLessThan(order.tokens);
    await expect(
      page.getByTestId(`user-${GLOBEX}-${MALLORY}`).getByTestId('user-note').textContent(),
    ).resolves.toContain('Escaping test');
    await atBothWidths(page, 'emulator-dashboard');
  });

  test('"How you got here" shows what Vercel sent (code and state masked), the rule, the claims and onLogin\'s answer', async () => {
    const page = await newPage();
    const callback = page.waitForRequest((request) =>
      request.url().startsWith(`${stack.backendUrl}/callback?`),
    );
    await clickOpenLink(page, stack, `open-${ACME}-${ALICE}-resource`);
    const sent = new URL((await callback).url()).searchParams;
    expect(page.url()).toBe(`${stack.backendUrl}/resources/${RESOURCE}`);

    const panel = page.getByTestId('how-you-got-here');
    const params = await panel.getByTestId('hygh-params').textContent();
    expect(params).toContain('resource_id');
    expect(params).toContain(RESOURCE);
    expect(params).toMatch(/code\s*•••• \(\d+ characters\)/);
    const html = await page.content();
    for (const secret of ['code', 'state'] as const) expect(html).not.toContain(sent.get(secret)!);
    await expect(panel.getByTestId('hygh-rule').textContent()).resolves.toBe('resource');
    await expect(panel.getByTestId('hygh-landing').textContent()).resolves.toBe(
      `/resources/${RESOURCE}`,
    );
    await expect(panel.getByTestId('hygh-claims').textContent()).resolves.toContain(ALICE);
    await expect(panel.getByTestId('hygh-decision').textContent()).resolves.toContain(
      '"accountRef":"demo-org-',
    );
    await atBothWidths(page, 'provider-resource');

    // Back to the emulator, one click.
    await Promise.all([
      page.waitForURL(`${stack.emulatorUrl}/`),
      panel.getByTestId('back-to-emulator').click(),
    ]);

    await clickOpenLink(page, stack, `open-${ACME}-${ALICE}-plain`);
    await expect(page.getByTestId('three-ways').isVisible()).resolves.toBe(true);
    await atBothWidths(page, 'provider-home');
    // The README's pictures (docs/images, refreshed by hand from these): the viewport only, to stay small.
    await page.setViewportSize({ width: 1100, height: 900 });
    await screenshot(page, 'readme-provider-home');
    await page.goto(`${stack.backendUrl}/resources/${RESOURCE}`);
    await page.setViewportSize(PHONE);
    await page.getByTestId('how-you-got-here').scrollIntoViewIfNeeded();
    await screenshot(page, 'readme-how-you-got-here-phone');
    await page.setViewportSize(DESKTOP);
  });

  test('the hostile name stays text and the layout holds at 390 px', async () => {
    const page = await newPage();
    await clickOpenLink(page, stack, `open-${GLOBEX}-${MALLORY}-check`);
    expect((await signedInAs(page)).name).toBe(seedUser(stack, GLOBEX, MALLORY).name);
    await atBothWidths(page, 'provider-check-mallory');
  });

  test('every dead-end page has a working next step', async () => {
    // Not signed in, no installation hint: informational (not error red), a link to the Vercel dashboard.
    const anonymous = await newPage();
    problems.expectHttpError(401, (url) => url.startsWith(stack.backendUrl));
    await anonymous.goto(`${stack.backendUrl}/projects/${PROJECT}`);
    const notSignedIn = anonymous.locator('[data-testid="error-page"][data-status="401"]');
    await expect(notSignedIn.getAttribute('class')).resolves.toContain('info');
    await atBothWidths(anonymous, 'not-signed-in');
    await Promise.all([
      anonymous.waitForURL(`${stack.emulatorUrl}/`),
      anonymous.getByTestId('next-step').click(),
    ]);

    // Signed out: the same next step.
    const page = await newPage();
    const callback = page.waitForRequest((request) =>
      request.url().startsWith(`${stack.backendUrl}/callback?`),
    );
    await clickOpenLink(page, stack, `open-${ACME}-${ALICE}-plain`);
    const callbackUrl = (await callback).url();
    await Promise.all([
      page.waitForURL(`${stack.backendUrl}/signed-out`),
      page.getByTestId('sign-out').click(),
    ]);
    await atBothWidths(page, 'signed-out');
    await Promise.all([
      page.waitForURL(`${stack.emulatorUrl}/`),
      page.getByTestId('next-step').click(),
    ]);

    // An error (a used sign-in link), signed out: back to the Vercel dashboard to start again.
    problems.expectHttpError(400, (url) => url === callbackUrl);
    await page.goto(callbackUrl);
    await expect(
      page.locator('[data-testid="error-page"][data-status="400"]').count(),
    ).resolves.toBe(1);
    await atBothWidths(page, 'error-used-link');
    await Promise.all([
      page.waitForURL(`${stack.emulatorUrl}/`),
      page.getByTestId('next-step').click(),
    ]);
  });

  test('400, 403 and 404 keep the signed-in user in the header, and lead back to the dashboard', async () => {
    const page = await newPage();
    const bob = seedUser(stack, ACME, BOB);
    await clickOpenLink(page, stack, `open-${ACME}-${BOB}-resource`);
    // A malformed sign-in link (no code, no state): 400 invalid_callback.
    const callbackUrl = `${stack.backendUrl}/callback?mode=sso`;

    problems.expectHttpError(404, (url) => url.startsWith(stack.backendUrl));
    await page.goto(`${stack.backendUrl}/no/such/page`);
    expect(await signedInAs(page)).toEqual({ name: bob.name, role: 'USER' });
    await atBothWidths(page, 'not-found-signed-in');
    await Promise.all([
      page.waitForURL(`${stack.backendUrl}/`),
      page.getByTestId('next-step').click(),
    ]);
    expect(await signedInAs(page)).toEqual({ name: bob.name, role: 'USER' });

    problems.expectHttpError(400, (url) => url === callbackUrl);
    await page.goto(callbackUrl);
    await expect(
      page.locator('[data-testid="error-page"][data-status="400"]').count(),
    ).resolves.toBe(1);
    expect(await signedInAs(page)).toEqual({ name: bob.name, role: 'USER' });

    // The admin action's button is disabled for a USER; a form sent anyway gets the 403 page.
    await page.goto(`${stack.backendUrl}/resources/${RESOURCE}`);
    problems.expectHttpError(403, (url) => url.startsWith(stack.backendUrl));
    await page.evaluate(`document.querySelector('[data-testid="rotate-secret"]').disabled = false`);
    await Promise.all([
      page.waitForURL(`${stack.backendUrl}/resources/${RESOURCE}/rotate-secret`),
      page.getByTestId('rotate-secret').click(),
    ]);
    await expect(
      page.locator('[data-testid="error-page"][data-status="403"]').count(),
    ).resolves.toBe(1);
    expect(await signedInAs(page)).toEqual({ name: bob.name, role: 'USER' });
    await expect(page.locator('[data-testid="error-page"]').textContent()).resolves.toMatch(
      /USER.*Owner/s,
    );
    await atBothWidths(page, 'forbidden-signed-in');
    await Promise.all([
      page.waitForURL(`${stack.backendUrl}/`),
      page.getByTestId('next-step').click(),
    ]);
  });

  test('reloading the switch-account prompt shows it again; "Stay signed in" keeps the user', async () => {
    const page = await newPage();
    const alice = seedUser(stack, ACME, ALICE);
    await clickOpenLink(page, stack, `open-${ACME}-${ALICE}-plain`);
    await clickOpenLink(page, stack, `open-${ACME}-${BOB}-resource`);
    expect(page.url()).toBe(`${stack.backendUrl}/switch-account`);
    await atBothWidths(page, 'switch-account');
    await page.reload();
    await expect(page.getByTestId('switch-account').count()).resolves.toBe(1);
    await expect(page.getByTestId('switch-next').textContent()).resolves.toBe(
      seedUser(stack, ACME, BOB).name,
    );
    // At 390 px the choices stack, "Stay signed in" first and as wide as "Continue".
    await page.setViewportSize(PHONE);
    const [stay, go] = await Promise.all([
      page.getByTestId('switch-cancel').boundingBox(),
      page.getByTestId('switch-confirm').boundingBox(),
    ]);
    expect(stay!.y).toBeLessThan(go!.y);
    expect(stay!.width).toBeGreaterThanOrEqual(go!.width);
    expect(go!.y - (stay!.y + stay!.height)).toBeGreaterThanOrEqual(8);
    await page.setViewportSize(DESKTOP);
    await Promise.all([
      page.waitForURL(`${stack.backendUrl}/`),
      page.getByTestId('switch-cancel').click(),
    ]);
    expect(await signedInAs(page)).toEqual({ name: alice.name, role: alice.role });
  });

  test('the admin action redirects to its page; a reload does not repeat it', async () => {
    const page = await newPage();
    await clickOpenLink(page, stack, `open-${ACME}-${ALICE}-resource`);
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(new URL(request.url()).pathname);
    });
    await Promise.all([
      page.waitForURL(`${stack.backendUrl}/resources/${RESOURCE}`),
      page.getByTestId('rotate-secret').click(),
    ]);
    await expect(page.getByTestId('notice').count()).resolves.toBe(1);
    await atBothWidths(page, 'admin-action-done');
    const reload = await page.reload();
    expect(reload?.request().method()).toBe('GET');
    await expect(page.getByTestId('notice').count()).resolves.toBe(0);
    expect(posts).toEqual([`/resources/${RESOURCE}/rotate-secret`]);
  });

  test('"Expire my provider session" goes through provider-initiated SSO and back to the same page', async () => {
    const page = await newPage();
    const alice = seedUser(stack, ACME, ALICE);
    await clickOpenLink(page, stack, `open-${ACME}-${ALICE}-project`);
    // The project link comes with its resource (VERCEL-SSO.md §5), kept beside the project page.
    const projectPage = `${stack.backendUrl}/projects/${PROJECT}?resource_id=${RESOURCE}`;
    expect(page.url()).toBe(projectPage);
    const starts: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(`${stack.emulatorUrl}/sso/integrations/`))
        starts.push(request.url());
    });
    // The page is already this URL: wait for the sign-in that the round trip ends with, then for the page.
    const signedInAgain = () =>
      page.waitForRequest((request) => request.url().startsWith(`${stack.backendUrl}/callback?`));
    await Promise.all([signedInAgain(), page.getByTestId('expire-session').click()]);
    await page.waitForURL(projectPage);
    expect(starts).toEqual([`${stack.emulatorUrl}/sso/integrations/acme-provider/${ACME}`]);
    expect(await signedInAs(page)).toEqual({ name: alice.name, role: alice.role });
    await expect(page.getByTestId('page-project').count()).resolves.toBe(1);

    // The same from the emulator dashboard: its link leads to the provider's confirmation page.
    await page.goto(`${stack.emulatorUrl}/`);
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/_demo/expire-session'),
      page.getByTestId('expire-provider-session').click(),
    ]);
    await atBothWidths(page, 'expire-session');
    await Promise.all([signedInAgain(), page.getByTestId('expire-session-confirm').click()]);
    await page.waitForURL(`${stack.backendUrl}/`);
    expect(starts).toHaveLength(2);
    expect(await signedInAs(page)).toEqual({ name: alice.name, role: alice.role });
  });
});
