/**
 * Issue 20: the one-time records behind the replay guard of redeemed codes, return-to links and
 * account switches. In Redis: a claim is SET NX with a PX expiry, so a second claim of the same
 * key is refused and every record expires (PTTL); in memory: the same answers.
 */
import { createClient } from 'redis';
import {
  MemoryOneTimeStore,
  RedisOneTimeStore,
  type OneTimeStore,
} from '../../src/stores/one-time-store';
import { deleteKeys, describeWithRedis, TEST_REDIS_URL, uniquePrefix } from '../support/redis';

type Client = ReturnType<typeof createClient>;

async function behavesAsOneTimeStore(store: OneTimeStore): Promise<void> {
  expect(await store.claim('code-1', 'pending', 60_000)).toBe(true);
  expect(await store.claim('code-1', 'attacker', 60_000)).toBe(false); // the replay is refused
  expect(await store.get('code-1')).toBe('pending');
  await store.set('code-1', 'done', 60_000);
  expect(await store.get('code-1')).toBe('done');
  expect(await store.take('code-1')).toBe('done');
  expect(await store.take('code-1')).toBeUndefined(); // taken once only
  await store.set('code-2', 'x', 60_000);
  await store.delete('code-2');
  expect(await store.get('code-2')).toBeUndefined();
  expect(await store.claim('code-2', 'again', 60_000)).toBe(true);
}

test('memory: a claim is once-only, take consumes, delete removes', async () => {
  await behavesAsOneTimeStore(new MemoryOneTimeStore());
});

describeWithRedis('Redis one-time records', () => {
  const prefix = uniquePrefix();
  let client: Client;
  beforeAll(async () => {
    client = createClient({ url: TEST_REDIS_URL });
    await client.connect();
  });
  afterAll(async () => {
    await client.close();
    await deleteKeys(prefix);
  });

  test('a claim is once-only, take consumes, delete removes', async () => {
    await behavesAsOneTimeStore(new RedisOneTimeStore(client, `${prefix}a:`, 2000));
  });

  test('claim and set write keys with a PX expiry (PTTL about the ttl)', async () => {
    const store = new RedisOneTimeStore(client, `${prefix}b:`, 2000);
    await store.claim('claimed', 'pending', 90_000);
    await store.set('written', 'v', 45_000);
    const claimed = await client.pTTL(`${prefix}b:claimed`);
    const written = await client.pTTL(`${prefix}b:written`);
    expect(claimed).toBeGreaterThan(85_000);
    expect(claimed).toBeLessThanOrEqual(90_000);
    expect(written).toBeGreaterThan(40_000);
    expect(written).toBeLessThanOrEqual(45_000);
  });
});
