import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { loadConfig, type Config, type VercelSsoOptions } from '../../src/config';
import { createEmulator, type Emulator } from '../../src/emulator';
import { startServer, type RunningServer } from '../../src/server/start';
import { createLogger } from '../../src/web/logger';
import { stopProcess } from './backend-process';
import { CLIENT_ID, CLIENT_SECRET, SESSION_SECRET, SLUG } from './harness';
import { LogCapture } from './log-capture';

export const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples', 'sidecar');
/** Debian's interpreter: it sees python3-jwt (a pyenv or venv python may not). */
export const PYTHON = '/usr/bin/python3';

/** A free loopback TCP port (bound then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server: Server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until something accepts TCP connections on `port`. @throws after `timeoutMs`. */
export async function waitForPort(
  port: number,
  timeoutMs = 10_000,
  child?: ChildProcess,
  output?: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null)
      throw new Error(`process exited with ${child.exitCode}: ${output?.() ?? ''}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`nothing listens on ${port} after ${timeoutMs} ms: ${output?.() ?? ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A child process started by a test, stopped with {@link stop}. */
export interface Child {
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Spawns `command` and waits for `port` to accept connections. */
export async function startChild(
  command: string,
  args: string[],
  env: Record<string, string>,
  port: number,
  cwd?: string,
): Promise<Child> {
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(cwd ? { cwd } : {}),
  });
  let text = '';
  readline.createInterface({ input: child.stdout }).on('line', (line) => (text += `${line}\n`));
  readline.createInterface({ input: child.stderr }).on('line', (line) => (text += `${line}\n`));
  try {
    await waitForPort(port, 15_000, child, () => text);
  } catch (error) {
    await stopProcess(child); // a child that never listened must not outlive the test
    throw error;
  }
  return {
    process: child,
    output: () => text,
    stop: async () => {
      await stopProcess(child);
    },
  };
}

/** Whether `command` runs (`command -v`). */
export function installed(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

/** Starts the example upstream app (`node` or `python`) on `port`. */
export function startUpstream(
  kind: 'node' | 'python',
  port: number,
  env: { SSO_ORIGIN: string; AUDIENCE: string; JWKS_URL: string },
): Promise<Child> {
  const base = { PORT: String(port), HOST: '127.0.0.1', ...env };
  return kind === 'node'
    ? startChild(process.execPath, [path.join(EXAMPLES, 'upstream-node', 'server.mjs')], base, port)
    : startChild(PYTHON, [path.join(EXAMPLES, 'upstream-python', 'app.py')], base, port);
}

/** Renders `${NAME}` placeholders (envsubst's syntax) for the given names only. */
export function render(template: string, values: Record<string, string>): string {
  return template.replace(/\$\{([A-Z_]+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** Starts nginx with examples/sidecar/nginx.conf.template on `port`, in its own temporary prefix. */
export async function startNginx(
  port: number,
  sidecar: string,
  upstream: string,
): Promise<Child & { dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vms-nginx-'));
  const site = render(readFileSync(path.join(EXAMPLES, 'nginx.conf.template'), 'utf8'), {
    LISTEN_PORT: `127.0.0.1:${port}`,
    SIDECAR: sidecar,
    UPSTREAM: upstream,
  });
  writeFileSync(path.join(dir, 'site.conf'), site);
  copyFileSync(
    path.join(EXAMPLES, 'vercel-sso-identity.conf'),
    path.join(dir, 'vercel-sso-identity.conf'),
  );
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `${kind}_temp_path ${dir}/${kind};`)
    .join(' ');
  const root = process.getuid?.() === 0 ? 'user root;' : '';
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    `${root} daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;\nevents { worker_connections 1024; }\nhttp { access_log off; ${temp} include ${dir}/site.conf; }\n`,
  );
  const child = await startChild(
    'nginx',
    ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')],
    {},
    port,
  );
  return {
    ...child,
    dir,
    output: () => `${child.output()}${safeRead(path.join(dir, 'error.log'))}`,
    stop: async () => {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts Caddy with examples/sidecar/Caddyfile (addresses from the environment, as documented). */
export async function startCaddy(port: number, sidecar: string, upstream: string): Promise<Child> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vms-caddy-'));
  const child = await startChild(
    'caddy',
    ['run', '--config', path.join(EXAMPLES, 'Caddyfile'), '--adapter', 'caddyfile'],
    {
      LISTEN_PORT: String(port),
      SIDECAR: sidecar,
      UPSTREAM: upstream,
      HOME: dir,
      XDG_DATA_HOME: dir,
      XDG_CONFIG_HOME: dir,
    },
    port,
  );
  return {
    ...child,
    stop: async () => {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The emulator plus a sidecar (in this process) whose public origin is `publicUrl`. */
export interface SidecarStack {
  emulator: Emulator;
  emulatorUrl: string;
  config: Config;
  running: RunningServer;
  /** `http://127.0.0.1:<port>` of the sidecar itself. */
  sidecarUrl: string;
  logs: LogCapture;
  close(): Promise<void>;
}

/**
 * Starts the emulator (Redirect Login URL `publicUrl/_sso/callback`) and the reference service in
 * sidecar mode (`SIDECAR_ENABLED=true`, or upstream mode with `UPSTREAM_URL` in `env`).
 */
export async function startSidecarStack(
  publicUrl: string,
  env: Record<string, string> = {},
  options: Partial<VercelSsoOptions> = {},
): Promise<SidecarStack> {
  const emulator = await createEmulator({
    integration: {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      slug: SLUG,
      name: 'Acme Provider',
      redirectLoginUrl: `${publicUrl}/_sso/callback`,
    },
  });
  const emulatorServer = await emulator.listen(0, '127.0.0.1');
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    PUBLIC_URL: publicUrl,
    INTEGRATION_CLIENT_ID: CLIENT_ID,
    INTEGRATION_CLIENT_SECRET: CLIENT_SECRET,
    INTEGRATION_SLUG: SLUG,
    SESSION_SECRET,
    VERCEL_API_URL: emulatorServer.url,
    VERCEL_ISSUER: emulatorServer.url,
    VERCEL_SSO_URL: emulatorServer.url,
    JWKS_COOLDOWN_MS: '0',
    LOG_LEVEL: 'debug',
    TRUST_PROXY: 'loopback',
    RATE_LIMIT_CALLBACK_MAX: '100000',
    RATE_LIMIT_SIGNOUT_MAX: '100000',
    SIDECAR_ENABLED: 'true',
    ...env,
  });
  const logs = new LogCapture();
  const running = await startServer(config, createLogger(config.logLevel, logs), { options });
  const address = running.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    emulator,
    emulatorUrl: emulatorServer.url,
    config,
    running,
    sidecarUrl: `http://127.0.0.1:${port}`,
    logs,
    async close() {
      await running.stop();
      await emulatorServer.close();
      if (logs.internalErrors.length > 0)
        throw new Error(`responses with status 500:\n${logs.internalErrors.join('\n')}`);
    },
  };
}

/** A minimal browser: a cookie jar per host (all loopback here), manual redirects, one Accept. */
export class Browser {
  private readonly jar = new Map<string, string>();

  constructor(private readonly accept = 'text/html,application/xhtml+xml') {}

  /** One request; stores cookies from the answer. */
  async request(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<Response> {
    const cookie = [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { accept: this.accept, ...(cookie ? { cookie } : {}), ...(init.headers ?? {}) },
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      const expired = attributes.some(
        (a) =>
          /^\s*max-age=0\s*$/i.test(a) ||
          (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()),
      );
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return response;
  }

  /** Follows redirects (absolute or relative) from `url`; returns the last answer and every URL visited. */
  async follow(
    url: string,
    headers: Record<string, string> = {},
    maxHops = 10,
  ): Promise<{ response: Response; visited: string[] }> {
    const visited = [url];
    let response = await this.request(url, { headers });
    for (let hop = 0; hop < maxHops && response.status >= 300 && response.status < 400; hop += 1) {
      const next = new URL(response.headers.get('location')!, visited[visited.length - 1]).href;
      visited.push(next);
      response = await this.request(next, { headers });
    }
    return { response, visited };
  }

  has(name: string): boolean {
    return this.jar.has(name);
  }

  /** The `Cookie` header this browser sends. */
  cookieHeader(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Drops a cookie, as a browser restart drops a session cookie (no Max-Age). */
  drop(name: string): void {
    this.jar.delete(name);
  }
}
