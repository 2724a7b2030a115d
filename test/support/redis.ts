import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { createClient } from 'redis';

/** The Redis the tests use (CI: the machine's, at 127.0.0.1:6379). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** True when a Redis answers PING at {@link TEST_REDIS_URL} within 500 ms. */
export function redisReachable(url = TEST_REDIS_URL): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * Runs `body` as a describe block when Redis is reachable. Outside CI an unreachable Redis skips the
 * block with a clear message; in CI (`CI=true`) it fails: Redis tests must never be skipped there.
 */
export function describeWithRedis(name: string, body: () => void): void {
  const reachable = process.env.REDIS_REACHABLE === 'true';
  if (reachable) {
    describe(name, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      test('Redis is reachable (required in CI)', () => {
        throw new Error(`Redis is not reachable at ${TEST_REDIS_URL}; CI must run the Redis tests`);
      });
    });
    return;
  }
  describe.skip(`${name} [SKIPPED: no Redis at ${TEST_REDIS_URL}]`, body);
}

/** A unique key prefix for one test file's run. */
export function uniquePrefix(): string {
  return `vms-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

/** Deletes every key under `prefix` (SCAN + DEL). */
export async function deleteKeys(prefix: string, url = TEST_REDIS_URL): Promise<number> {
  const client = createClient({ url });
  await client.connect();
  let deleted = 0;
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) deleted += await client.del(keys);
    }
  } finally {
    await client.close();
  }
  return deleted;
}

/** Counts keys under `prefix`. */
export async function countKeys(prefix: string, url = TEST_REDIS_URL): Promise<number> {
  const client = createClient({ url });
  await client.connect();
  let count = 0;
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 }))
      count += keys.length;
  } finally {
    await client.close();
  }
  return count;
}
