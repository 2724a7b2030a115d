import { LoginTrails, maskCallbackParams, MAX_TRAILS } from '../../src/server/how-you-got-here';

test('maskCallbackParams masks code, state and tokens, and cuts long values', () => {
  const shown = maskCallbackParams({
    mode: 'sso',
    code: 'c0de-value',
    state: 'st4te',
    resource_id: 'r'.repeat(300),
    pr: ['1', '2'],
  });
  expect(shown).toEqual([
    { name: 'mode', value: 'sso', masked: false },
    { name: 'code', value: '•••• (10 characters)', masked: true },
    { name: 'state', value: '•••• (5 characters)', masked: true },
    { name: 'resource_id', value: `${'r'.repeat(200)}…`, masked: false },
    { name: 'pr', value: '1', masked: false },
    { name: 'pr', value: '2', masked: false },
  ]);
});

test('LoginTrails keeps at most MAX_TRAILS sign-ins, the oldest forgotten first, and records no refusal', async () => {
  const own = new LoginTrails();
  const onLogin = own.wrap(({ identity }) =>
    identity.userId === 'refused' ? { allow: false, reason: 'no' } : { allow: true },
  );
  const context = (userId: string) =>
    ({
      identity: { subject: 's', accountId: 'a', installationId: 'i', userId, role: 'USER' },
      deepLink: {},
      landing: { kind: 'home', location: '/', warnings: [] },
      req: { query: {} },
      res: {},
      requestId: 'r',
    }) as never;
  for (let n = 0; n <= MAX_TRAILS; n += 1) await onLogin(context(`u${n}`));
  expect(own.forIdentity({ installationId: 'i', userId: 'u0' })).toBeUndefined();
  expect(own.forIdentity({ installationId: 'i', userId: `u${MAX_TRAILS}` })?.decision).toBe(
    '{"allow":true}',
  );
  await expect(onLogin(context('refused'))).resolves.toEqual({ allow: false, reason: 'no' });
  expect(own.forIdentity({ installationId: 'i', userId: 'refused' })).toBeUndefined();
});
