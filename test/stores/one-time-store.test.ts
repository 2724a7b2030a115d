import { createClient } from 'redis';
import { MemoryOneTimeStore, RedisOneTimeStore } from '../../src/stores/one-time-store';
import type { RedisClient, RedisKeyCommands } from '../../src/stores/redis-client';
import { StoreTimeoutError, StoreUnavailableError } from '../../src/stores/timeout';
import { deleteKeys, describeWithRedis, TEST_REDIS_URL, uniquePrefix } from '../support/redis';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the in-process stores are bounded', () => {
  test('one-time records expire and the LRU never exceeds its bound', async () => {
    const store = new MemoryOneTimeStore(1000);
    for (let i = 0; i < 3000; i += 1) await store.claim(`k${i}`, 'v', 150);
    expect(store.size).toBeLessThanOrEqual(1000);
    await sleep(300);
    expect(store.size).toBe(0);
  });

  test('claim is once-only; take consumes', async () => {
    const store = new MemoryOneTimeStore();
    expect(await store.claim('a', '1', 1000)).toBe(true);
    expect(await store.claim('a', '2', 1000)).toBe(false);
    expect(await store.take('a')).toBe('1');
    expect(await store.take('a')).toBeUndefined();
  });
});

describe('MemoryOneTimeStore', () => {
  test('get reads without consuming; set overwrites; delete removes', async () => {
    const store = new MemoryOneTimeStore();
    await store.set('k', 'v1', 1000);
    expect(await store.get('k')).toBe('v1');
    expect(await store.get('k')).toBe('v1');
    await store.set('k', 'v2', 1000);
    expect(await store.take('k')).toBe('v2');
    await store.set('k', 'v3', 1000);
    await store.delete('k');
    expect(await store.get('k')).toBeUndefined();
    await expect(store.delete('absent')).resolves.toBeUndefined();
  });

  test('an expired record can be claimed again; a taken one too', async () => {
    const store = new MemoryOneTimeStore();
    expect(await store.claim('code', 'a', 20)).toBe(true);
    await sleep(60);
    expect(await store.get('code')).toBeUndefined();
    expect(await store.claim('code', 'b', 1000)).toBe(true);
    expect(await store.take('code')).toBe('b');
    expect(await store.claim('code', 'c', 1000)).toBe(true);
  });

  test('100 concurrent claims of one key: exactly one wins', async () => {
    const store = new MemoryOneTimeStore();
    const wins = await Promise.all(
      Array.from({ length: 100 }, (_, i) => store.claim('same', String(i), 1000)),
    );
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  test('keys are exact: unicode, empty and look-alike keys are distinct records', async () => {
    const store = new MemoryOneTimeStore();
    for (const key of ['', 'é', 'e\u0301', 'K', 'k'])
      expect({ key, won: await store.claim(key, key, 1000) }).toEqual({ key, won: true });
    expect(await store.take('e\u0301')).toBe('e\u0301');
    expect(await store.take('é')).toBe('é');
  });
});

/** A RedisKeyCommands double whose every command answers with `answer()`. */
function commands(answer: () => Promise<unknown>): RedisKeyCommands {
  const call = () => answer() as Promise<never>;
  return { set: call, get: call, getDel: call, del: call, expire: call };
}

describe('RedisOneTimeStore failures (a command double)', () => {
  test('a command that never answers fails with StoreTimeoutError naming the operation and bound', async () => {
    const store = new RedisOneTimeStore(
      commands(() => new Promise(() => undefined)),
      'p:',
      30,
    );
    await expect(store.claim('k', 'v', 1000)).rejects.toMatchObject({
      name: 'StoreTimeoutError',
      message: 'one-time claim did not finish within 30 ms',
    });
    await expect(store.take('k')).rejects.toBeInstanceOf(StoreTimeoutError);
  });

  test('a refused command is a StoreUnavailableError naming the operation and error class only', async () => {
    const store = new RedisOneTimeStore(
      commands(() => Promise.reject(new Error('connection to secret-host:6379 lost'))),
      'p:',
      1000,
    );
    for (const [operation, run] of [
      ['one-time claim', () => store.claim('k', 'v', 1)],
      ['one-time set', () => store.set('k', 'v', 1)],
      ['one-time get', () => store.get('k')],
      ['one-time take', () => store.take('k')],
      ['one-time delete', () => store.delete('k')],
    ] as const) {
      const error = await run().then(
        () => undefined,
        (e: unknown) => e as StoreUnavailableError,
      );
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error).toMatchObject({ operation, message: `${operation} failed: Error` });
    }
  });

  test('keys carry the prefix; a null answer is undefined; claim is true only for OK', async () => {
    const seen: string[] = [];
    const store = new RedisOneTimeStore(
      {
        set: async (key) => (seen.push(key), null),
        get: async (key) => (seen.push(key), null),
        getDel: async (key) => (seen.push(key), 'v'),
        del: async () => 1,
        expire: async () => 1,
      },
      'vms:once:',
      1000,
    );
    expect(await store.claim('code:1', 'v', 1000)).toBe(false);
    expect(await store.get('code:1')).toBeUndefined();
    expect(await store.take('code:1')).toBe('v');
    expect(seen).toEqual(['vms:once:code:1', 'vms:once:code:1', 'vms:once:code:1']);
  });
});

describeWithRedis('RedisOneTimeStore on Redis', () => {
  const prefix = uniquePrefix();
  let client: RedisClient;
  let store: RedisOneTimeStore;
  beforeAll(async () => {
    client = createClient({ url: TEST_REDIS_URL });
    await client.connect();
    store = new RedisOneTimeStore(client, prefix, 2000);
  });
  afterAll(async () => {
    await deleteKeys(prefix);
    await client.close();
  });

  test('claim once, take consumes, get does not, delete removes', async () => {
    expect(await store.claim('a', '1', 5000)).toBe(true);
    expect(await store.claim('a', '2', 5000)).toBe(false);
    expect(await store.get('a')).toBe('1');
    expect(await store.take('a')).toBe('1');
    expect(await store.take('a')).toBeUndefined();
    await store.set('b', 'x', 5000);
    await store.delete('b');
    expect(await store.get('b')).toBeUndefined();
  });

  test('the TTL is set in milliseconds on the prefixed key', async () => {
    await store.set('ttl', 'v', 4000);
    const pttl = await client.pTTL(`${prefix}ttl`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(4000);
  });

  test('50 concurrent claims of one key from two stores: exactly one wins', async () => {
    const other = new RedisOneTimeStore(client, prefix, 2000);
    const wins = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? store : other).claim('race', String(i), 5000)),
    );
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  test('unicode values and keys round-trip', async () => {
    await store.set('ключ', 'значение ✓', 5000);
    expect(await store.take('ключ')).toBe('значение ✓');
  });
});
