import request from 'supertest';
import { startEmulator, type Started } from '../helpers';

let s: Started;
beforeAll(async () => {
  s = await startEmulator();
});
afterAll(() => s.close());

describe('seeded development API tokens', () => {
  test('the dashboard shows one per person; each authenticates as its owner; values are deterministic and fake-looking', async () => {
    const html = (await request(s.url).get('/').expect(200)).text;
    expect(html).toContain('Development API tokens');
    const shown = [...html.matchAll(/data-testid="dev-token">([^<]+)</g)].map((m) => m[1]!);
    expect(shown).toHaveLength(s.emu.seed.people.length);
    for (const value of shown) expect(value).toMatch(/^vercel_dev_token_[a-z0-9]+_[0-9a-f]{16}$/);
    expect(shown[0]).toMatch(/^vercel_dev_token_alice_/);
    expect(html).not.toContain(`<script>alert`);

    const ids = new Set<string>();
    for (const value of shown) {
      const res = await request(s.url)
        .get('/v5/user/tokens/current')
        .set('Authorization', `Bearer ${value}`)
        .expect(200);
      ids.add((res.body as { token: { id: string } }).token.id);
    }
    expect(ids.size).toBe(shown.length);

    const other = await startEmulator();
    try {
      const again = (await request(other.url).get('/').expect(200)).text;
      expect([...again.matchAll(/data-testid="dev-token">([^<]+)</g)].map((m) => m[1]!)).toEqual(
        shown,
      );
    } finally {
      await other.close();
    }
  });
});
