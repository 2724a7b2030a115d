import request from 'supertest';
import { LINK_KINDS } from '../../../src/emulator';
import { IDS, startEmulator, TEST_INTEGRATION, type Started } from '../helpers';

let s: Started;
beforeAll(async () => {
  s = await startEmulator();
});
afterAll(() => s.close());

/** Extract href of the element carrying a data-testid (attributes are emitted as href, rel, data-testid). */
function hrefOf(html: string, testId: string): string {
  const m = new RegExp(`href="([^"]*)" rel="noopener" data-testid="${testId}"`).exec(html);
  if (!m) throw new Error(`no link ${testId}`);
  return m[1]!.replace(/&amp;/g, '&');
}

describe('dashboard', () => {
  it('has a link per installation × user × kind, with the right context', async () => {
    const res = await request(s.url).get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(res.text).not.toMatch(/<script/i);
    let count = 0;
    for (const inst of s.emu.seed.installations) {
      for (const member of inst.members) {
        for (const kind of LINK_KINDS) {
          expect(res.text).toContain(`data-testid="open-${inst.id}-${member.userId}-${kind}"`);
          count += 1;
        }
        expect(res.text).toContain(member.role);
      }
    }
    expect(count).toBe(5 * 13);
    expect(res.text).toContain('Acme Labs');
    expect(res.text).toContain('Globex Corporation');

    const ctx = (kind: string) =>
      new URL(hrefOf(res.text, `open-${IDS.acme}-${IDS.bobAcme}-${kind}`), s.url).searchParams;
    expect(Object.fromEntries(ctx('plain'))).toEqual({ installation: IDS.acme, user: IDS.bobAcme });
    expect(ctx('resource').get('resource_id')).toBe('store_acmePostgres0001');
    expect(ctx('resource').get('product_id')).toBe('iap_postgres');
    expect(ctx('project').get('project_id')).toBe('prj_acmeWeb000000000001');
    expect(ctx('check').get('check_id')).toBe('chk_acmeWebPerf000001');
    expect(ctx('check').get('project_id')).toBe('prj_acmeWeb000000000001');
    expect(ctx('invoice').get('invoice_id')).toBe('inv_acme2026010000001');
    expect(ctx('support').get('support')).toBe('true');
    expect(ctx('support').get('resource_id')).toBe('store_acmePostgres0001');
    for (const p of ['billing', 'usage', 'onboarding', 'secrets', 'support']) {
      expect(ctx(`path-${p}`).get('path')).toBe(p);
      expect(ctx(`path-${p}`).get('resource_id')).toBe('store_acmePostgres0001');
    }
    expect(ctx('experimentation').get('experimentation_item_id')).toBe('exp_acmeNewCheckout01');
    expect(ctx('url').get('url')).toBe(
      'https://provider.example.test/resources/store_acmePostgres0001',
    );
  });

  it('links work end to end: following one redirects with the context', async () => {
    const html = (await request(s.url).get('/')).text;
    const res = await request(s.url).get(
      hrefOf(html, `open-${IDS.globex}-${IDS.malloryGlobex}-path-billing`),
    );
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.location!);
    expect(loc.searchParams.get('path')).toBe('billing');
    expect(loc.searchParams.get('resource_id')).toBe('store_globexPg00000001');
  });

  it('escapes seeded and configured data', async () => {
    const res = await request(s.url).get('/');
    expect(res.text).not.toContain("<script>alert('x')</script>");
    expect(res.text).toContain(
      'Mallory &quot;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot; &amp; Co',
    );
    expect(res.text).not.toContain(TEST_INTEGRATION.name);
    expect(res.text).toContain('Acme &lt;Provider&gt;');
  });

  it('opens with what it is and the sign-in links, each labelled with where it lands; settings and tokens come after', async () => {
    const html = (await request(s.url).get('/').expect(200)).text;
    const intro = html.indexOf('data-testid="emulator-intro"');
    const firstLink = html.indexOf('data-testid="open-');
    const tokens = html.indexOf('data-testid="dev-tokens"');
    const settings = html.indexOf('data-testid="client-id"');
    expect(intro).toBeGreaterThan(0);
    expect(firstLink).toBeGreaterThan(intro);
    expect(tokens).toBeGreaterThan(firstLink);
    expect(settings).toBeGreaterThan(firstLink);
    expect(html).toMatch(
      new RegExp(
        `data-testid="open-${IDS.acme}-${IDS.aliceAcme}-invoice">[^<]*<small class="lands">→ the invoice</small>`,
      ),
    );
  });

  it('labels the person with HTML in her name as the escaping test, and nobody else', async () => {
    const html = (await request(s.url).get('/')).text;
    const notes = html.match(/data-testid="user-note"/g) ?? [];
    const malloryRows = s.emu.seed.installations
      .flatMap((i) => i.members)
      .filter((m) => m.personId === 'person_mallory');
    expect(malloryRows.length).toBeGreaterThan(0);
    expect(notes).toHaveLength(malloryRows.length);
    expect(html).toContain('Escaping test');
  });

  it('GET /dashboard (where providers send users back, as vercel.com/dashboard) redirects to the dashboard', async () => {
    const res = await request(s.url).get('/dashboard').expect(302);
    expect(res.headers.location).toBe('/');
  });

  it('offers "Expire my provider session" only when the integration names that page', async () => {
    expect((await request(s.url).get('/')).text).not.toContain(
      'data-testid="expire-provider-session"',
    );
    s.emu.integration.expireProviderSessionUrl = 'http://localhost:3000/_demo/expire-session';
    try {
      const html = (await request(s.url).get('/')).text;
      expect(html).toContain(
        'href="http://localhost:3000/_demo/expire-session" data-testid="expire-provider-session"',
      );
    } finally {
      delete s.emu.integration.expireProviderSessionUrl;
    }
  });

  it('serves SVG avatars with escaped initials', async () => {
    const svg = (path: string) =>
      request(s.url)
        .get(path)
        .expect(200)
        .buffer(true)
        .parse((r, cb) => {
          let data = '';
          r.setEncoding('utf8');
          r.on('data', (chunk: string) => (data += chunk));
          r.on('end', () => cb(null, data));
        });
    const res = await svg(`/avatars/${IDS.aliceAcme}.svg`);
    expect(res.headers['content-type']).toMatch(/image\/svg\+xml/);
    expect(res.body).toContain('>AA</text>');
    const mallory = await svg(`/avatars/${IDS.malloryGlobex}.svg`);
    expect(mallory.body).toContain('>MS</text>');
    const unknown = await svg('/avatars/%3Cscript%3E.svg');
    expect(unknown.body).toContain('>?</text>');
    expect(unknown.body).not.toContain('<script');
  });

  it('unknown routes: 404 HTML for pages, JSON for APIs', async () => {
    const page = await request(s.url).get('/no/such/page');
    expect(page.status).toBe(404);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const api = await request(s.url).get('/v1/nothing');
    expect(api.status).toBe(404);
    expect(api.body).toEqual({ error: { code: 'not_found', message: 'Not found' } });
  });
});
