/**
 * Issue 13 ("Vercel's contract as it is in 2026"): the flow-level items, through the emulator.
 * Each `describe` names its item; each test asserts the status, the page and the log line.
 */
import request from 'supertest';
import { ACME, CLIENT_SECRET, cookieLine, startHarness, type Harness } from '../../support/harness';

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
    const response = await request(h.sso.app).get(
      `${freshCallback()}&iss=${encodeURIComponent('https://evil.example')}`,
    );
    expect(response.status).toBe(400);
    expect(response.text).toContain('This sign-in link is not valid');
    expect(cookieLine(response, 'sso_session')).toBeUndefined();
    expect(failures()).toEqual([
      expect.objectContaining({
        reason: 'invalid_callback',
        detail: 'iss does not match the issuer',
      }),
    ]);
    expect(h.emulator.controls.stats().tokenRequests).toBe(0);
  });

  test('iss with a trailing slash is not the issuer (exact comparison), also on an error callback', async () => {
    const issuer = h.config.vercel.issuer;
    await request(h.sso.app)
      .get(`${freshCallback()}&iss=${encodeURIComponent(`${issuer}/`)}`)
      .expect(400);
    await request(h.sso.app)
      .get(`/callback?error=access_denied&iss=${encodeURIComponent(`${issuer}x`)}`)
      .expect(400);
    expect(failures().map((l) => l.detail)).toEqual([
      'iss does not match the issuer',
      'iss does not match the issuer',
    ]);
  });

  test('iss equal to the configured issuer, or absent (what Vercel sends today): the login completes', async () => {
    const withIss = await h
      .agent()
      .get(
        `${freshCallback({ resource_id: ACME.resource })}&iss=${encodeURIComponent(h.config.vercel.issuer)}`,
      );
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
    [
      'empty, name-only and odd names',
      () => '&=&&novalue&%00=1&__proto__=x&constructor=y&hasOwnProperty=z',
    ],
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
    expect(failures()).toEqual([
      expect.objectContaining({
        reason: 'invalid_callback',
        detail: 'parameter code is repeated or not a string',
      }),
    ]);
  });
});

describe('issue 13 item 6: provider-minted ids with any printable character', () => {
  test('experimentation_item_id=flag:abc lands on the experimentation page of flag:abc, escaped and encoded', async () => {
    const agent = h.agent();
    const response = await agent.get(freshCallback({ experimentation_item_id: 'flag:abc' }));
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/experimentation/flag%3Aabc');
    expect(h.logs.logins()).toEqual([
      expect.objectContaining({ outcome: 'success', deep_link: 'experimentation' }),
    ]);
    const page = await agent.get(response.headers.location as string).expect(200);
    expect(page.text).toContain('data-testid="page-title">Experimentation item flag:abc<');
  });

  test.each([
    [
      'resource_id',
      'db.main@eu|primary',
      '/resources/db.main%40eu%7Cprimary',
      'Resource db.main@eu|primary',
    ],
    [
      'resource_id',
      'ストア:東京',
      `/resources/${encodeURIComponent('ストア:東京')}`,
      'Resource ストア:東京',
    ],
    [
      'invoice_id',
      'inv:2026/01#3',
      `/invoices/${encodeURIComponent('inv:2026/01#3')}`,
      'Invoice inv:2026/01#3',
    ],
    [
      'resource_id',
      '<b>x</b>&"',
      `/resources/${encodeURIComponent('<b>x</b>&"')}`,
      'Resource &lt;b&gt;x&lt;/b&gt;&amp;&quot;',
    ],
  ])(
    '%s=%j: percent-encoded into one path segment, shown escaped',
    async (name, id, location, title) => {
      const agent = h.agent();
      const response = await agent.get(freshCallback({ [name]: id }));
      expect(response.status).toBe(302);
      expect(response.headers.location).toBe(location);
      const page = await agent.get(location).expect(200);
      expect(page.text).toContain(`data-testid="page-title">${title}<`);
    },
  );

  test('a control character or an id over 256 characters falls back to home, with a warning naming only the parameter', async () => {
    const response = await h
      .agent()
      .get(freshCallback({ resource_id: 'a\u0007b', invoice_id: 'x'.repeat(257) }));
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/');
    const warning = h.logs.records().find((r) => r.event === 'deep_link');
    expect(warning).toMatchObject({
      warnings: ['ignored malformed resource_id', 'ignored malformed invoice_id'],
    });
  });
});

describe('issue 13 item 7: resource_id kept beside the item it came with; sso: urls', () => {
  test.each([
    [
      { experimentation_item_id: 'flag:abc' },
      '/experimentation/flag%3Aabc?resource_id=store%3Aone',
      'Experimentation item flag:abc',
    ],
    [
      { project_id: 'prj_acmeWeb000000000001' },
      '/projects/prj_acmeWeb000000000001?resource_id=store%3Aone',
      'Project prj_acmeWeb000000000001',
    ],
    [
      { project_id: 'prj_1', check_id: 'chk_1' },
      '/checks/chk_1?project_id=prj_1&resource_id=store%3Aone',
      'Check chk_1',
    ],
    [{ invoice_id: 'inv_1' }, '/invoices/inv_1?resource_id=store%3Aone', 'Invoice inv_1'],
  ])(
    '%j with resource_id=store:one lands on %s, which shows both',
    async (context, location, title) => {
      const agent = h.agent();
      const response = await agent.get(freshCallback({ resource_id: 'store:one', ...context }));
      expect(response.status).toBe(302);
      expect(response.headers.location).toBe(location);
      const page = await agent.get(location).expect(200);
      expect(page.text).toContain(`data-testid="page-title">${title}<`);
      expect(page.text).toContain('data-testid="page-resource">store:one<');
    },
  );

  test('url=sso:https://… on an allowed origin lands there; on another origin it falls back home', async () => {
    const allowed = await h
      .agent()
      .get(freshCallback({ url: 'sso:https://docs.example.com/guide?x=1' }));
    expect(allowed.status).toBe(302);
    expect(allowed.headers.location).toBe('https://docs.example.com/guide?x=1');
    const own = await h
      .agent()
      .get(freshCallback({ url: `sso:${h.config.publicUrl.origin}/resources/a` }));
    expect(own.headers.location).toBe('/resources/a');
    h.logs.clear();
    const foreign = await h.agent().get(freshCallback({ url: 'sso:https://evil.example/' }));
    expect(foreign.headers.location).toBe('/');
    expect(h.logs.records().find((r) => r.event === 'deep_link')).toMatchObject({
      warnings: ['ignored url: not on an allowed origin'],
    });
  });
});

describe('issue 13 item 3: the backend signs in with both id_token shapes', () => {
  test.each(['current', 'legacy'] as const)(
    '%s shape: 302 and the 64-hex ids in the session',
    async (shape) => {
      h.emulator.controls.setIdTokenShape(shape);
      try {
        const agent = h.agent();
        await agent.get(freshCallback()).expect(302);
        const me = await agent.get('/api/session').expect(200);
        expect(me.body).toMatchObject({
          user_id: ACME.admin,
          account_id: expect.stringMatching(/^[0-9a-f]{64}$/),
        });
        expect(ACME.admin).toMatch(/^[0-9a-f]{64}$/);
      } finally {
        h.emulator.controls.setIdTokenShape('current');
      }
    },
  );
});

describe('issue 13 item 4: exchange answers that are not the user’s fault', () => {
  test('429 with Retry-After: 503 "temporarily unavailable" with Vercel’s Retry-After, the claim released: the same link works on retry', async () => {
    h.emulator.controls.setFault(
      'token',
      { kind: 'rate_limited', retryAfterSeconds: 7 },
      { times: 1 },
    );
    const path = freshCallback({ resource_id: ACME.resource });
    const limited = await h.agent().get(path);
    expect(limited.status).toBe(503);
    expect(limited.headers['retry-after']).toBe('7');
    expect(limited.text).toContain('Sign-in is temporarily unavailable');
    expect(cookieLine(limited, 'sso_session')).toBeUndefined();
    expect(failures()).toEqual([
      expect.objectContaining({
        reason: 'exchange_rate_limited',
        upstream_status: 429,
        retry_after_seconds: 7,
        level: 40,
      }),
    ]);
    expect((failures()[0]!.req as { id: string }).id).toBe(limited.headers['x-request-id']);

    const retry = await h.agent().get(path);
    expect(retry.status).toBe(302);
    expect(retry.headers.location).toBe(`/resources/${ACME.resource}`);
  });

  test('429 without Retry-After: 503 with Retry-After 5', async () => {
    h.emulator.controls.setFault('token', { kind: 'status', status: 429 }, { times: 1 });
    const limited = await h.agent().get(freshCallback());
    expect(limited.status).toBe(503);
    expect(limited.headers['retry-after']).toBe('5');
  });

  test.each([
    [
      '401 from a fault',
      () => h.emulator.controls.setFault('token', { kind: 'status', status: 401 }, { times: 1 }),
      401,
    ],
    [
      '403 invalid_client: the emulator holds another client secret',
      () => void (h.emulator.integration.clientSecret = 'rotated-secret-0123456789'),
      403,
    ],
  ])(
    '%s: 502 "sign-in is misconfigured", an error line naming INTEGRATION_CLIENT_ID/SECRET, the claim released',
    async (_name, arrange, status) => {
      arrange();
      const path = freshCallback();
      try {
        const refused = await h.agent().get(path);
        expect(refused.status).toBe(502);
        expect(refused.text).toContain('Sign-in is misconfigured');
        expect(refused.text).not.toContain('INTEGRATION_CLIENT');
        expect(cookieLine(refused, 'sso_session')).toBeUndefined();
        expect(failures()).toEqual([
          expect.objectContaining({
            reason: 'client_misconfigured',
            upstream_status: status,
            level: 50,
          }),
        ]);
        expect(failures()[0]!.msg).toMatch(
          /check INTEGRATION_CLIENT_ID and INTEGRATION_CLIENT_SECRET/,
        );
      } finally {
        h.emulator.integration.clientSecret = CLIENT_SECRET;
      }
      // Once the credentials are right, the same link still works: Vercel never used the code.
      await h.agent().get(path).expect(302);
    },
  );
});
