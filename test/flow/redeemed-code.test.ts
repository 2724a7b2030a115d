import { RedeemedCode } from '../../src/flow/redeemed-code';
import { MemoryOneTimeStore } from '../../src/stores/one-time-store';

const LONG_ID = 'a'.repeat(128);
const alice = { installationId: 'icfg_0123456789abcdefghijklmn', userId: 'user_alice' };
const mallory = { installationId: 'icfg_0123456789abcdefghijklmn', userId: 'user_mallory' };

describe('RedeemedCode', () => {
  let store: MemoryOneTimeStore;
  beforeEach(() => {
    store = new MemoryOneTimeStore();
  });
  afterEach(() => store.stop());

  test('a code is claimed once; the store key is a hash, never the code', async () => {
    const code = 'the-one-time-code-0123456789';
    const first = new RedeemedCode(store, code);
    expect(await first.claim()).toBe(true);
    expect(await new RedeemedCode(store, code).claim()).toBe(false);
    expect(first.key).toMatch(/^code:[A-Za-z0-9_-]{43}$/);
    expect(first.key).not.toContain(code);
  });

  test('a done record recognises a replay by the same identity only, and holds no ids', async () => {
    const record = new RedeemedCode(store, 'code-1');
    await record.claim();
    await record.markDone(alice);
    expect(await record.wasRedeemedBy(alice)).toBe(true);
    expect(await record.wasRedeemedBy(mallory)).toBe(false);
    const stored = (await store.get(record.key))!;
    expect(stored).toMatch(/^done:[A-Za-z0-9_-]{22}$/);
    expect(stored).not.toContain(alice.userId);
    expect(stored).not.toContain(alice.installationId);
  });

  test('the record has the same size whatever the ids’ length', () => {
    const short = RedeemedCode.doneRecord({ installationId: 'i', userId: 'u' });
    const long = RedeemedCode.doneRecord({ installationId: LONG_ID, userId: LONG_ID });
    expect(short).toHaveLength(27);
    expect(long).toHaveLength(27);
    expect(short).not.toBe(long);
  });

  test('a released claim can be claimed again (a retry of the same link)', async () => {
    const record = new RedeemedCode(store, 'code-2');
    expect(await record.claim()).toBe(true);
    await record.release();
    expect(await new RedeemedCode(store, 'code-2').claim()).toBe(true);
  });

  test('fromKey rebuilds a handle that reads the same record', async () => {
    const record = new RedeemedCode(store, 'code-3');
    await record.claim();
    await record.markDone(alice);
    expect(await RedeemedCode.fromKey(store, record.key).wasRedeemedBy(alice)).toBe(true);
  });
});
