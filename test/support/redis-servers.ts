import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';

/**
 * Real `redis-server` processes the tests start on spare loopback ports (>= 7000, picked at random),
 * for the Sentinel and Cluster tests. Every process is tracked and killed by {@link RedisProcesses.stopAll}.
 */

/** Why redis-server cannot run here, or undefined when it can. */
export function redisServerUnavailable(): string | undefined {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error) return `redis-server cannot be started (${probe.error.message})`;
  if (probe.status !== 0) return `redis-server --version exited with ${probe.status}`;
  return undefined;
}

/**
 * `describe` when redis-server can start; otherwise a skip with the reason printed, except under
 * `CI=true`, where it fails: the high-availability tests must run in CI.
 */
export function describeWithRedisServer(name: string, body: () => void): void {
  const reason = redisServerUnavailable();
  if (!reason) return describe(name, body);
  if (process.env.CI === 'true') {
    return describe(name, () => {
      test('redis-server can be started (required in CI)', () => {
        throw new Error(`${reason}; CI must run the Redis high-availability tests`);
      });
    });
  }
  process.stdout.write(`\n[vercel-marketplace-sso] ${name}: SKIPPED: ${reason}\n`);
  describe.skip(`${name} [SKIPPED: ${reason}]`, body);
}

/** A free loopback TCP port >= 7000 chosen at random (redis cluster uses port + 10000, kept <= 65535). */
export async function randomSparePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 7000 + Math.floor(Math.random() * 48000);
    if ((await isFree(port)) && (await isFree(port + 10000))) return port;
  }
  throw new Error('no spare port found');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** One running redis-server (or sentinel) process. */
export interface RedisProcess {
  port: number;
  child: ChildProcess;
  /** SIGKILL: the crash of a machine, no goodbye to replicas or sentinels. */
  kill(): Promise<void>;
}

/** Starts and tracks redis-server processes in one temporary directory. */
export class RedisProcesses {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'vms-redis-ha-'));
  private readonly running: RedisProcess[] = [];

  /**
   * Starts `redis-server` with `args` (plus port, loopback bind, no persistence) and resolves once
   * it answers PING (with `password` when given).
   */
  async server(args: string[] = [], password?: string): Promise<RedisProcess> {
    const port = await randomSparePort();
    const workDir = path.join(this.dir, String(port));
    const base = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      this.dir,
      '--dbfilename',
      `dump-${port}.rdb`,
    ];
    return this.launch(port, [...base, ...args], password, workDir);
  }

  /** Starts a sentinel monitoring `masterName` at `masterPort` (quorum 2, down after 1000 ms). */
  async sentinel(
    masterName: string,
    masterPort: number,
    masterPassword?: string,
  ): Promise<RedisProcess> {
    const port = await randomSparePort();
    const file = path.join(this.dir, `sentinel-${port}.conf`);
    writeFileSync(
      file,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${this.dir}`,
        `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 2`,
        `sentinel down-after-milliseconds ${masterName} 1000`,
        `sentinel failover-timeout ${masterName} 5000`,
        `sentinel parallel-syncs ${masterName} 1`,
        ...(masterPassword ? [`sentinel auth-pass ${masterName} ${masterPassword}`] : []),
        '',
      ].join('\n'),
    );
    return this.launch(port, [file, '--sentinel'], undefined, file);
  }

  private async launch(
    port: number,
    args: string[],
    password: string | undefined,
    label: string,
  ): Promise<RedisProcess> {
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    const entry: RedisProcess = {
      port,
      child,
      kill: () =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    };
    this.running.push(entry);
    for (let i = 0; i < 100; i += 1) {
      if (child.exitCode !== null) break;
      if (await answersPing(port, password)) return entry;
      await new Promise((r) => setTimeout(r, 50));
    }
    await entry.kill();
    throw new Error(`redis-server (${label}) did not answer on ${port}:\n${output}`);
  }

  /** Runs `redis-cli` with `args`; throws with its output when it fails. */
  cli(args: string[]): string {
    const result = spawnSync('redis-cli', args, { encoding: 'utf8', timeout: 30_000 });
    if (result.status !== 0)
      throw new Error(`redis-cli ${args.join(' ')} failed: ${result.stdout}${result.stderr}`);
    return result.stdout;
  }

  /** Kills every process started here and removes the directory. */
  async stopAll(): Promise<void> {
    await Promise.all(this.running.splice(0).map((p) => p.kill()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function answersPing(port: number, password?: string): Promise<boolean> {
  const client = createClient({
    socket: { host: '127.0.0.1', port, connectTimeout: 500, reconnectStrategy: false },
    ...(password ? { password } : {}),
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}
