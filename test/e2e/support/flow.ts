import type { Page } from 'playwright-core';
import type { UserRole } from '../../../src/emulator';
import type { Stack } from './stack';

/** One "Open in Provider" link as the dashboard shows it. */
export interface OpenLink {
  testId: string;
  /** The href attribute (relative, `/open?…`). */
  href: string;
  installationId: string;
  userId: string;
  kind: string;
}

/** A seeded user of an installation, as Vercel would describe them in the id_token. */
export interface SeedUser {
  installationId: string;
  userId: string;
  name: string;
  role: UserRole;
}

/** The seeded user behind `installationId`/`userId`. */
export function seedUser(stack: Stack, installationId: string, userId: string): SeedUser {
  const installation = stack.emulator.seed.installations.find((i) => i.id === installationId);
  const member = installation?.members.find((m) => m.userId === userId);
  const person = member && stack.emulator.seed.people.find((p) => p.id === member.personId);
  if (!member || !person) throw new Error(`no seeded user ${installationId}/${userId}`);
  return { installationId, userId, name: person.name, role: member.role };
}

/** Every Open-in-Provider link on the emulator dashboard currently shown in `page`. */
export async function dashboardLinks(page: Page): Promise<OpenLink[]> {
  const raw = await page
    .locator('a[data-testid^="open-"]')
    .evaluateAll((anchors) =>
      anchors.map((a) => [a.getAttribute('data-testid') ?? '', a.getAttribute('href') ?? '']),
    );
  return raw.map(([testId = '', href = '']) => {
    const [, installationId = '', userId = '', ...kind] = testId.split('-');
    return { testId, href, installationId, userId, kind: kind.join('-') };
  });
}

/**
 * Opens the emulator dashboard in `page`, clicks the link `testId` and waits until the browser has
 * come back to the backend (the callback's redirect, or the page the callback rendered).
 * @returns the URL the browser landed on.
 */
export async function clickOpenLink(page: Page, stack: Stack, testId: string): Promise<URL> {
  await page.goto(`${stack.emulatorUrl}/`);
  await Promise.all([
    page.waitForURL((url) => url.origin === stack.backendUrl),
    page.getByTestId(testId).click(),
  ]);
  return new URL(page.url());
}

/** Where a link of `kind` must land (path and query), by the documented precedence of src/flow/deep-links.ts. */
export function expectedLanding(link: OpenLink): string {
  const context = new URL(link.href, 'http://emulator.invalid').searchParams;
  const resource = context.get('resource_id');
  switch (link.kind) {
    case 'plain':
      return '/';
    case 'resource':
      return `/resources/${resource}`;
    case 'project':
      return `/projects/${context.get('project_id')}?resource_id=${resource}`;
    case 'check':
      return `/checks/${context.get('check_id')}?project_id=${context.get('project_id')}&resource_id=${resource}`;
    case 'invoice':
      return `/invoices/${context.get('invoice_id')}`;
    case 'support':
    case 'path-support':
      return `/support?resource_id=${resource}`;
    case 'experimentation':
      return `/experimentation/${context.get('experimentation_item_id')}?resource_id=${resource}`;
    case 'url': {
      const url = new URL(context.get('url') ?? '');
      return `${url.pathname}${url.search}`;
    }
    default:
      return `/resources/${resource}/${link.kind.replace('path-', '')}`;
  }
}

/** The `data-testid="page-<kind>"` of the page a link of `kind` lands on. */
export function expectedPageTestId(kind: string): string {
  if (kind === 'plain') return 'page-home';
  if (kind === 'url') return 'page-resource';
  if (kind === 'path-support') return 'page-support';
  return `page-${kind.replace('path-', '')}`;
}

/** The name and role the page header shows (`data-testid="user-name"`, `"user-role"`). */
export async function signedInAs(page: Page): Promise<{ name: string; role: string }> {
  return {
    name: (await page.getByTestId('user-name').textContent())?.trim() ?? '',
    role: (await page.getByTestId('user-role').textContent())?.trim() ?? '',
  };
}

export { base64JsonIn, JWT_LIKE } from '../../support/patterns';
