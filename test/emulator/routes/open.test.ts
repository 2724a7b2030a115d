import request from 'supertest';
import {
  IDS,
  postToken,
  startEmulator,
  TEST_INTEGRATION,
  tokenBody,
  type Started,
} from '../helpers';

let s: Started;
beforeAll(async () => {
  s = await startEmulator();
});
afterAll(() => s.close());

describe('GET /open (Open in Provider click)', () => {
  it('302s to the Redirect Login URL with mode, code, state and the known context only', async () => {
    const res = await request(s.url).get('/open').query({
      installation: IDS.acme,
      user: IDS.bobAcme,
      resource_id: 'store_x&y',
      product_id: 'iap_p',
      evil: '1',
      pr: 'https://github.com/o/r/pull/1',
    });
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.location!);
    expect(`${loc.origin}${loc.pathname}`).toBe(TEST_INTEGRATION.redirectLoginUrl);
    expect(loc.searchParams.get('mode')).toBe('sso');
    expect(loc.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(loc.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(loc.searchParams.get('resource_id')).toBe('store_x&y');
    expect(loc.searchParams.get('product_id')).toBe('iap_p');
    expect(loc.searchParams.get('pr')).toBe('https://github.com/o/r/pull/1');
    expect(loc.searchParams.has('evil')).toBe(false);
    expect(loc.searchParams.has('installation')).toBe(false);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/emu_user=person_bob/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    // The minted code works exactly once, for Bob in Acme.
    const tok = await postToken(
      s.url,
      tokenBody(loc.searchParams.get('code')!, loc.searchParams.get('state')!),
    );
    expect(tok.status).toBe(200);
  });

  it('fresh state per click', async () => {
    const q = { installation: IDS.acme, user: IDS.aliceAcme };
    const a = new URL((await request(s.url).get('/open').query(q)).headers.location!);
    const b = new URL((await request(s.url).get('/open').query(q)).headers.location!);
    expect(a.searchParams.get('state')).not.toBe(b.searchParams.get('state'));
    expect(a.searchParams.get('code')).not.toBe(b.searchParams.get('code'));
  });

  it('keeps a query already on the Redirect Login URL and follows changes to it', async () => {
    const previous = s.emu.integration.redirectLoginUrl;
    s.emu.integration.redirectLoginUrl = 'http://localhost:3999/cb?tenant=a';
    try {
      const loc = new URL(
        (await request(s.url).get('/open').query({ installation: IDS.acme, user: IDS.aliceAcme }))
          .headers.location!,
      );
      expect(loc.origin).toBe('http://localhost:3999');
      expect(loc.searchParams.get('tenant')).toBe('a');
      expect(loc.searchParams.get('mode')).toBe('sso');
    } finally {
      s.emu.integration.redirectLoginUrl = previous;
    }
  });

  it('404 unknown installation, 400 non-member / missing params, as HTML', async () => {
    const unknown = await request(s.url)
      .get('/open')
      .query({ installation: 'icfg_nope', user: IDS.aliceAcme });
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/text\/html/);
    expect(
      (await request(s.url).get('/open').query({ installation: IDS.acme, user: IDS.carolGlobex }))
        .status,
    ).toBe(400);
    expect((await request(s.url).get('/open').query({ installation: IDS.acme })).status).toBe(400);
    expect(
      (
        await request(s.url).get(
          `/open?installation=${IDS.acme}&installation=${IDS.globex}&user=${IDS.aliceAcme}`,
        )
      ).status,
    ).toBe(400);
  });

  it('500 page (no stack) when the Redirect Login URL is invalid', async () => {
    const previous = s.emu.integration.redirectLoginUrl;
    s.emu.integration.redirectLoginUrl = 'javascript:alert(1)';
    try {
      const res = await request(s.url)
        .get('/open')
        .query({ installation: IDS.acme, user: IDS.aliceAcme });
      expect(res.status).toBe(500);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).not.toMatch(/at .*\.ts/);
    } finally {
      s.emu.integration.redirectLoginUrl = previous;
    }
  });
});

describe('controls.mintLogin', () => {
  it('returns code, state and redirect URL; forwards the given context; counts codes', () => {
    s.emu.controls.resetStats();
    const m = s.emu.controls.mintLogin({
      installationId: IDS.globex,
      userId: IDS.carolGlobex,
      context: { url: 'https://provider.example.test/x', extra: 'kept' },
    });
    const loc = new URL(m.redirectUrl);
    expect(loc.searchParams.get('code')).toBe(m.code);
    expect(loc.searchParams.get('state')).toBe(m.state);
    expect(loc.searchParams.get('url')).toBe('https://provider.example.test/x');
    expect(loc.searchParams.get('extra')).toBe('kept');
    expect(s.emu.controls.stats().codesIssued).toBe(1);
  });

  it('throws for unknown installation, non-member and reserved context keys', () => {
    expect(() =>
      s.emu.controls.mintLogin({ installationId: 'icfg_x', userId: IDS.aliceAcme }),
    ).toThrow(/Unknown installation/);
    expect(() =>
      s.emu.controls.mintLogin({ installationId: IDS.globex, userId: IDS.bobAcme }),
    ).toThrow(/not a member/);
    expect(() =>
      s.emu.controls.mintLogin({
        installationId: IDS.acme,
        userId: IDS.aliceAcme,
        context: { state: 'x' },
      }),
    ).toThrow(/state/);
  });
});
