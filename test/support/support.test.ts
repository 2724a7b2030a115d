/** The test helpers' own guarantees: a poll's deadline holds, and the no-token check sees a token. */
import { createHash } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import { eventually } from './eventually';
import { base64JsonIn, JWT_LIKE } from './patterns';

describe('eventually', () => {
  test('throws at its deadline even when the check never settles', async () => {
    const started = Date.now();
    await expect(eventually('nothing', () => new Promise<boolean>(() => {}), 300)).rejects.toThrow(
      'timed out waiting for nothing',
    );
    expect(Date.now() - started).toBeLessThan(5000); // a hang would run to the test's timeout
  });

  test('resolves once the check holds; a throwing check counts as not yet', async () => {
    let calls = 0;
    await eventually(
      'the third call',
      () => {
        calls += 1;
        if (calls === 1) throw new Error('not ready');
        return calls >= 3;
      },
      5000,
      1,
    );
    expect(calls).toBe(3);
  });
});

describe('base64JsonIn (no-token checks)', () => {
  let token: string;
  beforeAll(async () => {
    const { privateKey } = await generateKeyPair('RS256');
    token = await new SignJWT({ sub: 'account:a:user:u', installation_id: 'icfg_x' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer('https://marketplace.vercel.com')
      .setAudience('oac_x')
      .setExpirationTime('1h')
      .sign(privateKey);
  });

  test('finds a token whole, a lone header or payload, and a token inside base64 JSON', () => {
    const [header, payload] = token.split('.') as [string, string];
    const cases = {
      cookie: `sso=${encodeURIComponent(`j:${JSON.stringify({ id_token: token })}`)}; Path=/`,
      log: JSON.stringify({ msg: 'login', token }),
      header: JSON.stringify({ msg: 'bad token', header }),
      payload: JSON.stringify({ msg: 'bad token', payload }),
      session: `session=${Buffer.from(JSON.stringify({ id_token: token })).toString('base64url')}`,
    };
    for (const [name, text] of Object.entries(cases))
      expect({ name, found: base64JsonIn(text).length > 0 }).toEqual({ name, found: true });
    // JWT_LIKE alone misses the last three: why the no-token checks use base64JsonIn.
    expect([cases.header, cases.payload, cases.session].map((t) => JWT_LIKE.test(t))).toEqual([
      false,
      false,
      false,
    ]);
  });

  test('random base64url values that contain eyJ are not mistaken for a token', () => {
    // Fixed (hash-derived) values, so the outcome cannot change from run to run.
    const values = Array.from({ length: 20_000 }, (_, i) => {
      const random = createHash('sha256').update(`value-${i}`).digest('base64url');
      const at = i % 20;
      return `s:${random.slice(0, at)}eyJ${random.slice(at)}.${random}`;
    });
    expect(values.filter((v) => base64JsonIn(v).length > 0)).toEqual([]);
  });
});
