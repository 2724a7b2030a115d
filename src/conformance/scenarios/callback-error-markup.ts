/**
 * `callback-error-markup`: Vercel answers `error=access_denied` with markup in
 * `error_description`: no session, and the markup is escaped if the page shows it.
 * @module
 */
import type { Scenario } from '../types';
import { expectRefused } from '../verdicts';

const MARKUP = '<script>alert("conformance")</script><img src=x onerror=alert(1)>';

export const scenario: Scenario = {
  id: 'callback-error-markup',
  group: 'callback',
  title: 'error=access_denied with markup in error_description',
  expected: 'no session; markup not echoed unescaped',
  why: 'Anyone can craft this link; echoing error_description raw is reflected XSS on the vendor’s origin.',
  source: 'RFC 6749 §4.1.2.1; ASVS 5.0 V1.2.1 (output encoding)',
  required: true,
  async run(kit) {
    const browser = kit.browser();
    const url = new URL(kit.redirectLoginUrl);
    url.searchParams.set('error', 'access_denied');
    url.searchParams.set('error_description', MARKUP);
    const visit = await browser.visit(url.href);
    const echoed = visit.hops.some(
      (hop) =>
        hop.body.includes('<script>alert("conformance")') ||
        hop.body.includes('<img src=x onerror'),
    );
    if (echoed)
      return { verdict: 'FAIL', seen: 'error_description markup echoed unescaped in the page' };
    return expectRefused(kit, browser, visit);
  },
};
