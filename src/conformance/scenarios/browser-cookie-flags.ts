/**
 * `browser-cookie-flags`: the cookies that carry the session are `HttpOnly`, and `Secure` when
 * the vendor is served over https. With a session-check URL the kit finds them exactly (drop one
 * cookie at a time and ask); without, every cookie the login set is checked and a miss is a WARN.
 * @module
 */
import type { Scenario } from '../types';
import { expectLanded } from '../verdicts';

export const scenario: Scenario = {
  id: 'browser-cookie-flags',
  group: 'browser',
  title: 'Session cookies are HttpOnly (and Secure on https)',
  expected: 'every session cookie HttpOnly; Secure when https',
  why: 'A session cookie readable by scripts turns any XSS into account takeover; without Secure it leaks over plain http.',
  source: 'ASVS 5.0 V3.3.1, V3.3.4; RFC 6265 §4.1.2.5-6',
  required: true,
  async run(kit) {
    const browser = kit.browser();
    const { visit } = await kit.login(browser, kit.users.admin);
    const landed = await expectLanded(kit, browser, visit);
    if (landed.verdict !== 'PASS')
      return { verdict: 'WARN', seen: `the login did not work, cannot judge: ${landed.seen}` };
    const cookies = await browser.jar.getCookies(kit.redirectLoginUrl, { allPaths: true });
    if (cookies.length === 0)
      return { verdict: 'WARN', seen: 'no cookie kept after sign-in (session held elsewhere?)' };
    const https = kit.vendorOrigin.startsWith('https:');
    let sessionCookies = cookies;
    let how = 'all cookies set by the login (no session-check URL)';
    if (kit.sessionCheckUrl) {
      const needed = [];
      for (const cookie of cookies) {
        const without = await kit.session(browser, visit, cookie.key);
        if (without.signedIn === false) needed.push(cookie);
      }
      if (needed.length > 0) {
        sessionCookies = needed;
        how = 'cookies without which the session check fails';
      }
    }
    const bad = sessionCookies.flatMap((c) => [
      ...(c.httpOnly ? [] : [`"${c.key}" is not HttpOnly`]),
      ...(https && !c.secure ? [`"${c.key}" is not Secure`] : []),
    ]);
    const names = sessionCookies.map((c) => `"${c.key}"`).join(', ');
    if (bad.length === 0)
      return { verdict: 'PASS', seen: `${names} HttpOnly${https ? ', Secure' : ''} (${how})` };
    return { verdict: kit.sessionCheckUrl ? 'FAIL' : 'WARN', seen: `${bad.join('; ')} (${how})` };
  },
};
