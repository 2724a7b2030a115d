/**
 * Issue 20 item 3: the absolute session lifetime is configured in seconds and compared with a clock
 * in milliseconds. With SESSION_ABSOLUTE_TIMEOUT_SECONDS=120 a session is alive 100 s after login
 * and gone 121 s after it: a slip of 1000 either way flips one of the two. The clock is injected.
 */
import { ACME, startHarness, type Harness } from '../support/harness';

let clock = Date.now();
let h: Harness;
beforeAll(async () => {
  h = await startHarness(
    { SESSION_IDLE_TIMEOUT_SECONDS: '60', SESSION_ABSOLUTE_TIMEOUT_SECONDS: '120' },
    { options: { now: () => clock } },
  );
});
afterAll(() => h.close());

test('SESSION_ABSOLUTE_TIMEOUT_SECONDS=120: signed in at +100 s, signed out at +121 s', async () => {
  clock = Date.now();
  const agent = h.agent();
  await h.login(agent, ACME.user).expect(302);

  clock += 100_000;
  const alive = await agent.get('/api/session');
  expect(alive.status).toBe(200);
  expect(alive.body).toMatchObject({ user_id: ACME.user });

  clock += 21_000;
  const expired = await agent.get('/api/session');
  expect(expired.status).toBe(401);
  const line = h.logs.records().find((r) => r.event === 'session_expired');
  expect(line).toMatchObject({ lifetime: 'absolute', user_id: ACME.user });
});
