/**
 * `PresignedTokens` (bench mode's id_token cache): how long a signature is reused, concurrency and
 * failures, and what makes it sign again. Injected clock; no timing assertions.
 */
import { PresignedTokens } from '../../../src/emulator/model/tokens';

describe('PresignedTokens', () => {
  const key = {
    installationId: 'icfg_a',
    userId: 'u1',
    issuer: 'http://issuer',
    clientId: 'oac_x',
    kid: 'k1',
    ttlSeconds: 300,
  };

  it('re-signs once the maximum age has passed', async () => {
    let now = 0;
    let n = 0;
    const cache = new PresignedTokens(30_000, () => now);
    const sign = async () => `token-${++n}`;
    expect(await cache.get(key, sign)).toBe('token-1');
    now = 29_999;
    expect(await cache.get(key, sign)).toBe('token-1');
    now = 30_000;
    expect(await cache.get(key, sign)).toBe('token-2');
  });

  it('shares one signature between concurrent exchanges and does not cache failures', async () => {
    const cache = new PresignedTokens();
    let calls = 0;
    const failing = async () => {
      calls += 1;
      throw new Error('sign failed');
    };
    const results = await Promise.allSettled([cache.get(key, failing), cache.get(key, failing)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toBe(1);
    await expect(cache.get(key, async () => 'ok')).resolves.toBe('ok');
    expect(cache.size).toBe(1);
  });

  it('re-signs when the issuer, client, key or lifetime changes', async () => {
    const cache = new PresignedTokens();
    let n = 0;
    const sign = async () => `token-${++n}`;
    await cache.get(key, sign);
    for (const change of [
      { issuer: 'http://other' },
      { clientId: 'oac_y' },
      { kid: 'k2' },
      { ttlSeconds: 60 },
    ]) {
      await cache.get({ ...key, ...change }, sign);
    }
    expect(n).toBe(5);
  });
});
