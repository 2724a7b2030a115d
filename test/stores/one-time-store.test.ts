import { MemoryOneTimeStore } from '../../src/stores/one-time-store';

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
