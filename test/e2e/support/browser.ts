import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';

/** Where screenshots go (git-ignored). */
export const SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', '..', 'artifacts', 'screenshots');

/** Viewport of every context: small enough for the README screenshot. */
export const VIEWPORT = { width: 1000, height: 650 };

/** Something the browser reported that a test did not expect. */
export interface BrowserProblem {
  kind: 'console' | 'pageerror' | 'csp' | 'dialog';
  text: string;
  url: string;
}

/** An HTTP error status a test provokes on purpose (the page is what it checks). */
interface ExpectedHttpError {
  status: number;
  url: (url: string) => boolean;
}

/**
 * Reported by an init script in every frame of every page, before any page script runs.
 * Bindings and init scripts come from the DevTools protocol, so the pages' CSP does not apply to them.
 */
const CSP_LISTENER = `
document.addEventListener('securitypolicyviolation', (event) => {
  window.__e2eReportCsp({
    directive: event.effectiveDirective || event.violatedDirective,
    blockedURI: event.blockedURI,
    documentURI: event.documentURI,
    sample: event.sample,
  });
});
`;

const FAILED_TO_LOAD = /^Failed to load resource: the server responded with a status of (\d{3})\b/;

/**
 * Collects console errors, uncaught page errors, dialogs (an `alert` would be XSS) and CSP
 * violations from every page of every context it watches. `take()` returns them and starts afresh;
 * the e2e files assert it is empty after each test.
 */
export class BrowserProblems {
  private problems: BrowserProblem[] = [];
  private expected: ExpectedHttpError[] = [];

  /** Starts watching a context: its existing and future pages, and all their frames. */
  async watch(context: BrowserContext): Promise<void> {
    await context.exposeBinding(
      '__e2eReportCsp',
      (
        source,
        violation: { directive: string; blockedURI: string; documentURI: string; sample: string },
      ) => {
        this.problems.push({
          kind: 'csp',
          text: `CSP ${violation.directive} blocked ${violation.blockedURI || '(inline)'}${violation.sample ? ` sample ${JSON.stringify(violation.sample)}` : ''}`,
          url: violation.documentURI || source.page?.url() || '',
        });
      },
    );
    await context.addInitScript(CSP_LISTENER);
    for (const page of context.pages()) this.attach(page);
    context.on('page', (page) => this.attach(page));
  }

  /**
   * Chromium logs "Failed to load resource: … status of 4xx" for any error response, pages included.
   * A test that opens an error page on purpose declares it here: that status for a URL `url` accepts.
   * Cleared by `take()`.
   */
  expectHttpError(status: number, url: (url: string) => boolean): void {
    this.expected.push({ status, url });
  }

  /** The problems seen since the last call; clears them and the expected errors. */
  take(): BrowserProblem[] {
    const seen = this.problems;
    this.problems = [];
    this.expected = [];
    return seen;
  }

  /** The problems seen so far, without clearing them. */
  peek(): readonly BrowserProblem[] {
    return this.problems;
  }

  private attach(page: Page): void {
    page.on('console', (message) => this.onConsole(page, message));
    page.on('pageerror', (error) =>
      this.problems.push({
        kind: 'pageerror',
        text: `${error.name}: ${error.message}`,
        url: page.url(),
      }),
    );
    page.on('dialog', (dialog) => {
      this.problems.push({
        kind: 'dialog',
        text: `${dialog.type()}: ${dialog.message()}`,
        url: page.url(),
      });
      void dialog.dismiss().catch(() => undefined);
    });
  }

  private onConsole(page: Page, message: ConsoleMessage): void {
    const text = message.text();
    const isCsp = /Content.Security.Policy/i.test(text);
    if (message.type() !== 'error' && !isCsp) return;
    const url = message.location().url || page.url();
    const status = FAILED_TO_LOAD.exec(text)?.[1];
    if (
      status !== undefined &&
      this.expected.some((e) => String(e.status) === status && e.url(url))
    )
      return;
    this.problems.push({ kind: isCsp ? 'csp' : 'console', text, url });
  }
}

/** Fresh contexts for one test, all watched; `closeAll()` after the test. */
export class Contexts {
  private open: BrowserContext[] = [];

  constructor(
    private readonly browser: () => Browser,
    private readonly problems: BrowserProblems,
  ) {}

  /** A new, empty browser context (no cookies, no storage), watched for problems. */
  async create(): Promise<BrowserContext> {
    const context = await this.browser().newContext({ viewport: VIEWPORT });
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(15_000);
    this.open.push(context);
    await this.problems.watch(context);
    return context;
  }

  /** A page in a new context. */
  async page(): Promise<Page> {
    return (await this.create()).newPage();
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((context) => context.close().catch(() => undefined)));
  }
}

/** Saves a screenshot as `artifacts/screenshots/<name>.png`; returns its path. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}
