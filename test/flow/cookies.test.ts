/**
 * Issue 20 item 3: the auxiliary cookies' lifetimes are ms constants handed to Express, which
 * writes `Max-Age` in seconds. A slip of 1000 shows in the header a browser obeys. Their flags
 * (HttpOnly, SameSite=Lax, Path=/) are asserted with them.
 */
import request from 'supertest';
import { ACME, cookieLine, startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

function attributes(line: string | undefined): string[] {
  expect(line).toBeDefined();
  return line!.split(';').map((part) => part.trim());
}

test('the installation hint lives 30 days (Max-Age=2592000), HttpOnly, SameSite=Lax, Path=/', async () => {
  const login = await h.login(h.agent()).expect(302);
  expect(attributes(cookieLine(login, 'sso_installation'))).toEqual(
    expect.arrayContaining(['Max-Age=2592000', 'Path=/', 'HttpOnly', 'SameSite=Lax']),
  );
});

test('the return-to cookie of a provider-initiated SSO lives 10 minutes (Max-Age=600)', async () => {
  const redirect = await request(h.sso.app)
    .get('/projects/prj_cookie')
    .set('Cookie', `sso_installation=${ACME.installationId}`)
    .expect(302);
  expect(attributes(cookieLine(redirect, 'sso_return_to'))).toEqual(
    expect.arrayContaining(['Max-Age=600', 'Path=/', 'HttpOnly', 'SameSite=Lax']),
  );
});

test('the account-switch offer lives 5 minutes (Max-Age=300)', async () => {
  const planted = cookieLine(await h.login(h.agent(), ACME.user), 'sso_session')!.split(';')[0]!;
  const redirect = await request(h.sso.app)
    .get(h.callbackPath(ACME.admin))
    .set('Cookie', planted)
    .expect(303);
  expect(attributes(cookieLine(redirect, 'sso_switch'))).toEqual(
    expect.arrayContaining(['Max-Age=300', 'Path=/', 'HttpOnly', 'SameSite=Lax']),
  );
});
