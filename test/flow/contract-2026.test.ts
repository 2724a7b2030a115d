/**
 * Issue 13 ("Vercel's contract as it is in 2026"): the flow-level items, through the emulator.
 * Each `describe` names its item; each test asserts the status, the page and the log line.
 */
import request from 'supertest';
import { ACME, CLIENT_SECRET, cookieLine, startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ DEEP_LINK_ALLOWED_ORIGINS: 'https://docs.example.com' });
});
afterAll(() => h.close());
beforeEach(() => {
  h.emulator.controls.clearFaults();
  h.emulator.controls.setNextTokenOverride(null);
  h.emulator.controls.resetStats();
  h.logs.clear();
});

/** Secret values seen in a test; none may appear in any log line. */
const secrets = new Set<string>([CLIENT_SECRET]);
afterEach(() => {
  const text = h.logs.text();
  for (const secret of secrets) expect(text.includes(secret)).toBe(false);
  secrets.clear();
  secrets.add(CLIENT_SECRET);
});

/** A fresh code's callback path, remembering its code and state as secrets. */
function freshCallback(context: Record<string, string> = {}, userId = ACME.admin): string {
  const path = h.callbackPath(userId, context);
  const query = new URLSearchParams(path.split('?')[1]);
  secrets.add(query.get('code')!);
  secrets.add(query.get('state')!);
  return path;
}

/** The login failure lines logged so far. */
function failures(): Array<Record<string, unknown>> {
  return h.logs.logins().filter((l) => l.outcome === 'failure');
}

describe('issue 13 item 2: RFC 9207 iss on the callback', () => {
  test('an iss that is not the configured issuer: 400 "not valid" page, one invalid_callback line, no exchange, no session', async () => {
    const response = await request(h.sso.app).get(`${freshCallback()}&iss=${encodeURIComponent('https://evil.example')}`);
    expect(response.status).toBe(400);
    expect(response.text).toContain('This sign-in link is not valid');
    expect(cookieLine(response, 'sso_session')).toBeUndefined();
    expect(failures()).toEqual([expect.objectContaining({ reason: 'invalid_callback', detail: 'iss does not match the issuer' })]);
    expect(h.emulator.controls.stats().tokenRequests).toBe(0);
  });

  test('iss with a trailing slash is not the issuer (exact comparison), also on an error callback', async () => {
    const issuer = h.config.vercel.issuer;
    await request(h.sso.app).get(`${freshCallback()}&iss=${encodeURIComponent(`${issuer}/`)}`).expect(400);
    await request(h.sso.app).get(`/callback?error=access_denied&iss=${encodeURIComponent(`${issuer}x`)}`).expect(400);
    expect(failures().map((l) => l.detail)).toEqual(['iss does not match the issuer', 'iss does not match the issuer']);
  });

  test('iss equal to the configured issuer, or absent (what Vercel sends today): the login completes', async () => {
    const withIss = await h.agent().get(`${freshCallback({ resource_id: ACME.resource })}&iss=${encodeURIComponent(h.config.vercel.issuer)}`);
    expect(withIss.status).toBe(302);
    expect(withIss.headers.location).toBe(`/resources/${ACME.resource}`);
    const without = await h.agent().get(freshCallback());
    expect(without.status).toBe(302);
    expect(h.emulator.controls.stats().tokenRequests).toBe(2);
  });
});

describe('issue 13 item 8: unknown extra parameters never cause a 400', () => {
  test.each([
    ['repeated unknown parameters', () => '&foo=1&foo=2&foo=3'],
    ['array and nested unknown parameters', () => '&resource_id[]=r1&a[b]=c&x[y][z]=1'],
    ['an unknown parameter 10 kB long', () => `&utm_content=${'x'.repeat(10_000)}`],
    ['1,500 unknown parameters placed before the ones we read', () => ''],
    ['empty, name-only and odd names', () => '&=&&novalue&%00=1&__proto__=x&constructor=y&hasOwnProperty=z'],
  ])('%s: the login completes and lands on the deep link', async (name, extra) => {
    let path = freshCallback({ resource_id: ACME.resource });
    if (name.startsWith('1,500')) {
      const [pathname, query] = path.split('?');
      path = `${pathname}?${Array.from({ length: 1500 }, (_, i) => `u${i}=1`).join('&')}&${query}`;
    } else path += extra();
    const response = await h.agent().get(path);
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(`/resources/${ACME.resource}`);
    expect(h.logs.logins()).toEqual([expect.objectContaining({ outcome: 'success' })]);
  });

  test('the parameters we read stay strict: a repeated code is still 400', async () => {
    const response = await request(h.sso.app).get(`${freshCallback()}&code=again`);
    expect(response.status).toBe(400);
    expect(failures()).toEqual([expect.objectContaining({ reason: 'invalid_callback', detail: 'parameter code is repeated or not a string' })]);
  });
});
