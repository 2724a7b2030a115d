import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClient } from 'redis';
import request from 'supertest';
import { ACME, startHarness, type Harness } from '../../support/harness';
import { eventually } from '../../support/eventually';
import {
  describeWithRedisServer,
  RedisProcesses,
  type RedisProcess,
} from '../../support/redis-servers';
import { uniquePrefix } from '../../support/redis';

// Sessions, one-time records and rate limits through node-redis's Sentinel and Cluster clients,
// against real redis-server processes started here on random spare loopback ports.

const MASTER_NAME = 'vmsmaster';
const PASSWORD = 'ha-test-password-0123';

/** Where the measured failover time is written (git-ignored), besides the console. */
const ARTIFACT = path.resolve(__dirname, '..', '..', '..', 'artifacts', 'redis-failover.json');

describeWithRedisServer('Redis Sentinel: master + replica + 3 sentinels', () => {
  const redis = new RedisProcesses();
  const prefix = uniquePrefix();
  let master: RedisProcess;
  let replica: RedisProcess;
  let sentinels: RedisProcess[];
  let h: Harness;

  beforeAll(async () => {
    master = await redis.server(['--requirepass', PASSWORD, '--masterauth', PASSWORD], PASSWORD);
    replica = await redis.server(
      [
        '--requirepass',
        PASSWORD,
        '--masterauth',
        PASSWORD,
        '--replicaof',
        '127.0.0.1',
        String(master.port),
      ],
      PASSWORD,
    );
    sentinels = [];
    for (let i = 0; i < 3; i += 1)
      sentinels.push(await redis.sentinel(MASTER_NAME, master.port, PASSWORD));
    // A failover needs the sentinels to know the replica, and the replica to be in sync.
    await eventually('the sentinels to discover the replica', () =>
      sentinels.every((s) =>
        redis
          .cli(['-p', String(s.port), 'SENTINEL', 'REPLICAS', MASTER_NAME])
          .includes(String(replica.port)),
      ),
    );
    await eventually('the replica to sync', () =>
      redis
        .cli([
          '-p',
          String(replica.port),
          '-a',
          PASSWORD,
          '--no-auth-warning',
          'INFO',
          'replication',
        ])
        .includes('master_link_status:up'),
    );
    h = await startHarness({
      REDIS_SENTINEL_NODES: sentinels.map((s) => `redis://127.0.0.1:${s.port}`).join(','),
      REDIS_SENTINEL_MASTER_NAME: MASTER_NAME,
      REDIS_SENTINEL_MASTER_PASSWORD: PASSWORD,
      REDIS_KEY_PREFIX: prefix,
      REDIS_COMMAND_TIMEOUT_MS: '500',
    });
    await eventually('the stores to be ready', () => h.sso.stores.ping());
  }, 60_000);

  afterAll(async () => {
    try {
      await h?.close(); // also fails the file if any response was a 500
    } finally {
      await redis.stopAll();
    }
  });

  test('a session survives the master being killed, and logins resume after the failover (time reported)', async () => {
    const agent = h.agent();
    expect((await h.login(agent)).status).toBe(302);
    expect((await agent.get('/api/session')).body).toMatchObject({ user_id: ACME.admin });
    // The session must be on the replica before the crash (Redis replication is asynchronous).
    await waitForReplication(master.port);

    await master.kill();
    const killedAt = Date.now();
    let attempts = 0;
    const failedStatuses = new Set<number>();
    let resumedAt = 0;
    await eventually(
      'a login to succeed after the failover',
      async () => {
        attempts += 1;
        const response = await h.login(h.agent());
        if (response.status === 302) {
          resumedAt = Date.now();
          return true;
        }
        failedStatuses.add(response.status);
        return false;
      },
      60_000,
      100,
    );
    const failoverMs = resumedAt - killedAt;
    const promoted = redis.cli([
      '-p',
      String(sentinels[0]!.port),
      'SENTINEL',
      'GET-MASTER-ADDR-BY-NAME',
      MASTER_NAME,
    ]);
    report({
      topology: 'sentinel',
      failover_ms: failoverMs,
      login_attempts: attempts,
      statuses_while_failing: [...failedStatuses],
      down_after_ms: 1000,
    });

    expect(promoted).toContain(String(replica.port));
    // While there was no master, logins were refused with 503, never a 500 (h.close checks for 500s).
    expect([...failedStatuses].every((status) => status === 503)).toBe(true);
    // The session written before the crash is still there, served by the promoted replica.
    expect((await agent.get('/api/session')).body).toMatchObject({ user_id: ACME.admin });
    expect((await request(h.sso.app).get('/readyz')).status).toBe(200);
  }, 90_000);
});

describeWithRedisServer('Redis Cluster: 3 masters', () => {
  const redis = new RedisProcesses();
  const prefix = uniquePrefix();
  let nodes: RedisProcess[];
  let h: Harness;

  beforeAll(async () => {
    nodes = [];
    for (let i = 0; i < 3; i += 1) {
      nodes.push(
        await redis.server([
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${Date.now()}-${i}.conf`,
          '--cluster-node-timeout',
          '2000',
        ]),
      );
    }
    redis.cli([
      '--cluster',
      'create',
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await eventually('the cluster to be ok', () =>
      nodes.every((n) =>
        redis.cli(['-p', String(n.port), 'CLUSTER', 'INFO']).includes('cluster_state:ok'),
      ),
    );
    h = await startHarness({
      REDIS_CLUSTER_NODES: nodes.map((n) => `redis://127.0.0.1:${n.port}`).join(','),
      REDIS_KEY_PREFIX: prefix,
      RATE_LIMIT_CALLBACK_MAX: '8',
    });
    await eventually('the stores to be ready', () => h.sso.stores.ping());
  }, 60_000);

  afterAll(async () => {
    try {
      await h?.close(); // also fails the file if any response was a 500
    } finally {
      await redis.stopAll();
    }
  });

  test('logins, the replay guard and the rate limit work across the three masters, and keys spread over them', async () => {
    const agents = [h.agent(), h.agent(), h.agent(), h.agent()];
    for (const agent of agents) expect((await h.login(agent)).status).toBe(302);
    for (const agent of agents)
      expect((await agent.get('/api/session')).body).toMatchObject({ user_id: ACME.admin });

    // The code is claimed once across the cluster: the same callback again is a replay, not a second login.
    const path = h.callbackPath();
    expect((await h.agent().get(path)).status).toBe(302);
    const replay = await h.agent().get(path);
    expect(replay.status).not.toBe(302);
    expect(replay.status).toBeLessThan(500);

    // 6 callbacks so far from this IP; the limit is 8 per window: the 9th is refused.
    const more = [];
    for (let i = 0; i < 3; i += 1) more.push((await h.agent().get('/callback?mode=sso')).status);
    expect(more[2]).toBe(429);
    expect(more.slice(0, 2).every((status) => status !== 429)).toBe(true);

    // Sessions, code records and counters landed on more than one master (slots by key, no hash tag).
    const perNode = await Promise.all(nodes.map((n) => countKeys(n.port, prefix)));
    expect(perNode.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(4 + 2 + 1);
    expect(perNode.filter((count) => count > 0).length).toBeGreaterThan(1);
    process.stdout.write(`[redis-cluster] keys per master: ${perNode.join(', ')}\n`);

    expect((await request(h.sso.app).get('/readyz')).status).toBe(200);
  }, 60_000);
});

async function waitForReplication(masterPort: number): Promise<void> {
  const client = createClient({
    socket: { host: '127.0.0.1', port: masterPort },
    password: PASSWORD,
  });
  await client.connect();
  try {
    const acknowledged = await client.sendCommand(['WAIT', '1', '5000']);
    if (Number(acknowledged) < 1) throw new Error('the replica did not acknowledge the writes');
  } finally {
    client.destroy();
  }
}

async function countKeys(port: number, prefix: string): Promise<number> {
  const client = createClient({ socket: { host: '127.0.0.1', port } });
  await client.connect();
  let count = 0;
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 }))
      count += keys.length;
  } finally {
    client.destroy();
  }
  return count;
}

function report(measurement: Record<string, unknown>): void {
  process.stdout.write(`[redis-failover] ${JSON.stringify(measurement)}\n`);
  mkdirSync(path.dirname(ARTIFACT), { recursive: true });
  writeFileSync(
    ARTIFACT,
    `${JSON.stringify({ ...measurement, measured_at: new Date().toISOString() }, null, 2)}\n`,
  );
}
