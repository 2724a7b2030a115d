/**
 * Issue 19: a session past its absolute lifetime is deleted and never comes back as a new stored
 * session with a new Set-Cookie, on the memory store as on Redis.
 */
import type session from 'express-session';
import { ACME, cookieLine, startHarness, type Harness } from '../../support/harness';

let clock = Date.now();
let h: Harness;
beforeAll(async () => {
  h = await startHarness(
    { SESSION_IDLE_TIMEOUT_SECONDS: '600', SESSION_ABSOLUTE_TIMEOUT_SECONDS: '3600' },
    { options: { now: () => clock } },
  );
});
afterAll(() => h.close());

function storedSessions(store: session.Store): Promise<number> {
  return new Promise((resolve, reject) =>
    store.length!((error, length) => (error ? reject(error) : resolve(length ?? 0))),
  );
}

test('memory store: an expired session is deleted, no new record, no Set-Cookie; a new login still works', async () => {
  expect(h.sso.stores.kind).toBe('memory');
  const agent = h.agent();
  const login = await h.login(agent, ACME.user).expect(302);
  expect(cookieLine(login, 'sso_session')).toBeDefined();
  expect(await storedSessions(h.sso.sessionStore)).toBe(1);

  clock += 3_601_000; // past the absolute lifetime
  for (const path of ['/api/session', '/', '/signed-out', '/healthz', '/api/session']) {
    const response = await agent.get(path);
    expect(response.status).not.toBe(500);
    expect(cookieLine(response, 'sso_session')).toBeUndefined();
    expect(await storedSessions(h.sso.sessionStore)).toBe(0);
  }
  expect(h.logs.records().filter((r) => r.event === 'session_expired')).toHaveLength(1);

  // Signing in again from the expired browser: a new session, stored and sent.
  clock = Date.now();
  const again = await h.login(agent, ACME.user).expect(302);
  expect(cookieLine(again, 'sso_session')).toBeDefined();
  expect(await storedSessions(h.sso.sessionStore)).toBe(1);
  await agent.get('/api/session').expect(200);
});
