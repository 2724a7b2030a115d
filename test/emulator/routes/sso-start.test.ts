import request from 'supertest';
import {
  IDS,
  postToken,
  startEmulator,
  TEST_INTEGRATION,
  tokenBody,
  type Started,
} from '../helpers';
import { decodeJwt } from 'jose';

let s: Started;
beforeAll(async () => {
  s = await startEmulator();
});
afterAll(() => s.close());

const base = (installationId: string = IDS.globex) =>
  `/sso/integrations/${TEST_INTEGRATION.slug}/${installationId}`;

describe('provider-initiated SSO', () => {
  it('signed-in member: 302 to the Redirect Login URL with the context forwarded', async () => {
    const res = await request(s.url)
      .get(base())
      .query({
        resource_id: 'store_globexPg00000001',
        url: 'https://provider.example.test/resources/1',
        junk: 'x',
      })
      .set('Cookie', 'emu_user=person_alice');
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.location!);
    expect(loc.searchParams.get('mode')).toBe('sso');
    expect(loc.searchParams.get('resource_id')).toBe('store_globexPg00000001');
    expect(loc.searchParams.get('url')).toBe('https://provider.example.test/resources/1');
    expect(loc.searchParams.has('junk')).toBe(false);
    const tok = await postToken(
      s.url,
      tokenBody(loc.searchParams.get('code')!, loc.searchParams.get('state')!),
    );
    expect(decodeJwt(tok.body.id_token)).toMatchObject({
      installation_id: IDS.globex,
      user_id: IDS.aliceGlobex,
      user_role: 'USER',
    });
  });

  it('no cookie: chooser page listing the installation users with ?as= links keeping the query', async () => {
    const res = await request(s.url).get(base()).query({ resource_id: 'store_1' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    for (const userId of [IDS.carolGlobex, IDS.aliceGlobex, IDS.malloryGlobex]) {
      expect(res.text).toContain(`data-testid="as-${IDS.globex}-${userId}"`);
      expect(res.text).toContain(`${base()}?resource_id=store_1&amp;as=${userId}`);
    }
    expect(res.text).not.toContain(IDS.bobAcme);
    expect(res.text).not.toContain('<script>alert');
  });

  it('cookie of a non-member: chooser page', async () => {
    const res = await request(s.url).get(base()).set('Cookie', 'emu_user=person_bob');
    expect(res.status).toBe(200);
    expect(res.text).toContain(`as-${IDS.globex}-${IDS.carolGlobex}`);
  });

  it('as=<userId>: signs in, sets emu_user and redirects without forwarding as', async () => {
    const res = await request(s.url)
      .get(base())
      .query({ resource_id: 'store_1', as: IDS.carolGlobex });
    expect(res.status).toBe(302);
    expect(String(res.headers['set-cookie'])).toMatch(/emu_user=person_carol/);
    const loc = new URL(res.headers.location!);
    expect(loc.searchParams.get('resource_id')).toBe('store_1');
    expect(loc.searchParams.has('as')).toBe(false);
    const tok = await postToken(
      s.url,
      tokenBody(loc.searchParams.get('code')!, loc.searchParams.get('state')!),
    );
    expect(decodeJwt(tok.body.id_token)).toMatchObject({
      user_id: IDS.carolGlobex,
      user_role: 'ADMIN',
    });
  });

  it('as= naming a non-member: 400 chooser', async () => {
    const res = await request(s.url).get(base()).query({ as: IDS.bobAcme });
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-testid="chooser-error"');
  });

  it('unknown slug or installation: 404', async () => {
    expect((await request(s.url).get(`/sso/integrations/other/${IDS.globex}`)).status).toBe(404);
    expect((await request(s.url).get(base('icfg_unknown'))).status).toBe(404);
  });
});
