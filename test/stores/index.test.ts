/**
 * Issue 20: every Redis key the product writes carries an expiry of the configured length, read
 * back with PTTL. Each lifetime is configured in seconds (or is a fixed ms constant) and crosses a
 * s/ms boundary on its way to Redis: a slip of 1000 either way is far outside the asserted range.
 */
import { createClient } from 'redis';
import { REDEEMED_CODE_TTL_MS } from '../../src/flow/redeemed-code';
import { createStores } from '../../src/stores';
import { createLogger } from '../../src/web/logger';
import { startHarness, type Harness } from '../support/harness';
import { LogCapture } from '../support/log-capture';
import { deleteKeys, describeWithRedis, TEST_REDIS_URL, uniquePrefix } from '../support/redis';

type Client = ReturnType<typeof createClient>;

async function keysUnder(client: Client, pattern: string): Promise<string[]> {
  const found: string[] = [];
  for await (const keys of client.scanIterator({ MATCH: pattern, COUNT: 500 })) found.push(...keys);
  return found;
}

/** Asserts `ms` is within (expected - slackMs, expected]. */
function expectLifetime(ms: number, expectedMs: number, slackMs = 5000): void {
  expect(ms).toBeLessThanOrEqual(expectedMs);
  expect(ms).toBeGreaterThan(expectedMs - slackMs);
}

describeWithRedis('Redis keys expire after the configured lifetimes', () => {
  const prefix = uniquePrefix();
  let client: Client;
  let h: Harness;

  beforeAll(async () => {
    client = createClient({ url: TEST_REDIS_URL });
    await client.connect();
    h = await startHarness({
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      SESSION_IDLE_TIMEOUT_SECONDS: '120',
      SESSION_ABSOLUTE_TIMEOUT_SECONDS: '900',
      RATE_LIMIT_WINDOW_SECONDS: '45',
    });
    for (let i = 0; i < 50 && !(await h.sso.stores.ping()); i += 1)
      await new Promise((r) => setTimeout(r, 50));
    await h.login(h.agent()).expect(302);
  });

  afterAll(async () => {
    await h.close();
    await client.close();
    await deleteKeys(prefix);
  });

  test('the session key lives for the idle lifetime (SESSION_IDLE_TIMEOUT_SECONDS=120: about 120 000 ms)', async () => {
    const sessions = await keysUnder(client, `${prefix}sess:*`);
    expect(sessions).toHaveLength(1);
    expectLifetime(await client.pTTL(sessions[0]!), 120_000);
  });

  test('the session index lives for the absolute lifetime (900 s)', async () => {
    const index = await keysUnder(client, `${prefix}sidx:*`);
    expect(index.length).toBeGreaterThan(0);
    for (const key of index) expectLifetime(await client.pTTL(key), 900_000);
  });

  test('the redeemed-code record lives for REDEEMED_CODE_TTL_MS (10 min)', async () => {
    const records = await keysUnder(client, `${prefix}once:*`);
    expect(records.length).toBeGreaterThan(0);
    const lifetimes = await Promise.all(records.map((key) => client.pTTL(key)));
    expect(lifetimes.every((ms) => ms > 0)).toBe(true);
    expectLifetime(Math.max(...lifetimes), REDEEMED_CODE_TTL_MS);
  });

  test('the rate-limit counter lives for the window (RATE_LIMIT_WINDOW_SECONDS=45)', async () => {
    const counters = await keysUnder(client, `${prefix}rl:callback:*`);
    expect(counters).toHaveLength(1);
    expectLifetime(await client.pTTL(counters[0]!), 45_000);
  });
});

describeWithRedis('the Redis session TTL never runs past the absolute lifetime', () => {
  const prefix = uniquePrefix();
  let client: Client;
  afterAll(async () => {
    await client.close();
    await deleteKeys(prefix);
  });

  test('idle 120 s, absolute 300 s: a fresh login gets 120 s, a login 250 s ago 50 s, one 400 s ago 1 s', async () => {
    client = createClient({ url: TEST_REDIS_URL });
    await client.connect();
    const stores = createStores(
      {
        session: { idleTimeoutSeconds: 120, absoluteTimeoutSeconds: 300 },
        redis: { mode: 'single', url: TEST_REDIS_URL, keyPrefix: prefix, commandTimeoutMs: 2000 },
      } as Parameters<typeof createStores>[0],
      createLogger('silent', new LogCapture()),
    );
    try {
      for (let i = 0; i < 50 && !(await stores.ping()); i += 1)
        await new Promise((r) => setTimeout(r, 50));
      const save = (sid: string, loginSecondsAgo?: number) =>
        new Promise<void>((resolve, reject) =>
          stores.sessionStore.set(
            sid,
            {
              cookie: { originalMaxAge: null },
              ...(loginSecondsAgo === undefined
                ? {}
                : {
                    identity: {
                      loginAt: Date.now() - loginSecondsAgo * 1000,
                      installationId: 'icfg_ttl',
                      userId: 'u',
                    },
                  }),
            } as never,
            (error) => (error ? reject(error as Error) : resolve()),
          ),
        );
      await save('anonymous');
      await save('fresh', 0);
      await save('older', 250);
      await save('past', 400);
      const pttl = (sid: string) => client.pTTL(`${prefix}sess:${sid}`);
      expectLifetime(await pttl('anonymous'), 120_000);
      expectLifetime(await pttl('fresh'), 120_000);
      expectLifetime(await pttl('older'), 50_000);
      expectLifetime(await pttl('past'), 1000, 1000);
    } finally {
      await stores.close();
    }
  });
});

describe('the in-process session store: the idle lifetime is seconds', () => {
  afterEach(() => jest.useRealTimers());

  test('SESSION idle 2 s: a session is there after 1 s, gone after 3 s (fake clock)', async () => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    const stores = createStores(
      { session: { idleTimeoutSeconds: 2, absoluteTimeoutSeconds: 60 } } as Parameters<
        typeof createStores
      >[0],
      createLogger('silent', new LogCapture()),
    );
    try {
      const get = (sid: string) =>
        new Promise<unknown>((resolve, reject) =>
          stores.sessionStore.get(sid, (error, data) =>
            error ? reject(error as Error) : resolve(data ?? undefined),
          ),
        );
      await new Promise<void>((resolve) =>
        stores.sessionStore.set('s', { cookie: { originalMaxAge: null } }, () => resolve()),
      );
      jest.advanceTimersByTime(1000);
      expect(await get('s')).toBeDefined();
      jest.advanceTimersByTime(2000);
      expect(await get('s')).toBeUndefined();
    } finally {
      await stores.close();
    }
  });
});
