/**
 * Upstream mode (UPSTREAM_URL): the reference service proxies every other path to the vendor's
 * app. The upstream here is a real HTTP server in this process that verifies the assertion with
 * jose against the service's JWKS, streams, echoes bodies and speaks a WebSocket-style upgrade.
 */
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { ACME } from '../../support/harness';
import {
  Browser,
  freePort,
  startSidecarStack,
  type SidecarStack,
} from '../../support/sidecar-stack';

interface Seen {
  verified: boolean;
  userId?: string;
  headers: Record<string, string | string[] | undefined>;
}

describe('sidecar upstream mode', () => {
  let stack: SidecarStack;
  let base: string;
  let upstream: Server;
  let upstreamPort: number;
  let releaseStream: () => void = () => undefined;
  const upgraded = new Set<Duplex>();

  async function stopUpstream(): Promise<void> {
    for (const socket of upgraded) socket.destroy();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  }

  async function verify(headers: IncomingMessage['headers']): Promise<Seen> {
    const token = headers['x-vercel-sso-assertion'];
    try {
      const { payload } = await jwtVerify(
        String(token),
        createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`)),
        { issuer: base, audience: `http://127.0.0.1:${upstreamPort}`, algorithms: ['ES256'] },
      );
      return { verified: true, userId: String(payload.user_id), headers };
    } catch {
      return { verified: false, headers };
    }
  }

  function startUpstream(port: number): Promise<Server> {
    const server = createServer((req, res) => {
      void (async () => {
        const seen = await verify(req.headers);
        if (req.url === '/stream') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('first\n');
          releaseStream = () => res.end('second\n');
          return;
        }
        if (req.method === 'POST') {
          const chunks: Buffer[] = [];
          for await (const chunk of req) chunks.push(chunk as Buffer);
          res
            .writeHead(200, { 'content-type': 'text/plain' })
            .end(`${seen.userId}:${Buffer.concat(chunks).toString()}`);
          return;
        }
        res
          .writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' })
          .end(JSON.stringify({ ...seen, path: req.url }));
      })();
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
      upgraded.add(socket);
      void verify(req.headers).then((seen) => {
        const accept = createHash('sha1')
          .update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
          .digest('base64');
        socket.write(
          `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
        );
        socket.write(`hello ${seen.verified ? seen.userId : 'unverified'}\n`);
        socket.on('data', (data: Buffer) => socket.write(data)); // echo
      });
    });
    return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
  }

  beforeAll(async () => {
    const [port, up] = [await freePort(), await freePort()];
    upstreamPort = up;
    base = `http://127.0.0.1:${port}`;
    upstream = await startUpstream(upstreamPort);
    stack = await startSidecarStack(base, {
      PORT: String(port),
      UPSTREAM_URL: `http://127.0.0.1:${upstreamPort}`,
    });
  });

  afterAll(async () => {
    await stopUpstream();
    await stack?.close();
  });

  async function signIn(userId = ACME.admin): Promise<Browser> {
    const browser = new Browser();
    const { redirectUrl } = stack.emulator.controls.mintLogin({
      installationId: ACME.installationId,
      userId,
      context: {},
    });
    expect(redirectUrl.startsWith(`${base}/_sso/callback?`)).toBe(true);
    expect((await browser.request(redirectUrl)).status).toBe(302);
    return browser;
  }

  /** A raw WebSocket handshake through the sidecar; resolves with the status line and, on 101, the first bytes. */
  function upgrade(
    headers: Record<string, string>,
  ): Promise<{ status: number; socket?: Duplex; first?: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${base}/live`, {
        headers: {
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
          ...headers,
        },
      });
      req.on('upgrade', (res, socket, head: Buffer) => {
        if (head.length > 0) resolve({ status: res.statusCode!, socket, first: head.toString() });
        else
          socket.once('data', (data: Buffer) =>
            resolve({ status: res.statusCode!, socket, first: data.toString() }),
          );
      });
      req.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode! });
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('sends a signed-out page to sign in, answers an API call with 401 JSON, and refuses a WebSocket', async () => {
    const page = await new Browser().request(`${base}/projects/7?tab=logs`);
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe(
      `/_sso/start?rd=${encodeURIComponent('/projects/7?tab=logs')}`,
    );
    const api = await new Browser('application/json').request(`${base}/api/projects`);
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('no_session');
    expect((await upgrade({})).status).toBe(401);
  });

  it("proxies with a verified identity, strips client X-Vercel-* headers and leaves the upstream's headers alone", async () => {
    const browser = await signIn();
    const response = await browser.request(`${base}/projects/7?tab=logs`, {
      headers: {
        'X-Vercel-User-Id': 'forged',
        'X-Vercel-Anything': 'forged',
        'X-Vercel-SSO-Assertion': 'forged',
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-upstream')).toBe('yes');
    expect(response.headers.get('content-security-policy')).toBeNull();
    const seen = (await response.json()) as Seen & { path: string };
    expect(seen).toMatchObject({
      verified: true,
      userId: ACME.admin,
      path: '/projects/7?tab=logs',
    });
    expect(seen.headers['x-vercel-user-id']).toBe(ACME.admin);
    expect(seen.headers['x-vercel-anything']).toBeUndefined();
  });

  it('strips underscore spellings of X-Vercel-* and its own session cookie (hostile review)', async () => {
    const browser = await signIn();
    const response = await browser.request(`${base}/projects/8`, {
      headers: { X_Vercel_User_Role: 'ADMIN-FORGED', x_vercel_user_id: 'forged' },
    });
    expect(response.status).toBe(200);
    const seen = (await response.json()) as Seen;
    const forged = Object.entries(seen.headers).filter(
      ([name, value]) => /^x[-_]vercel[-_]/i.test(name) && /forged/i.test(String(value)),
    );
    expect(forged).toEqual([]);
    // This stack trusts loopback (TRUST_PROXY), so forwarding headers are kept here; without a trusted
    // proxy they are dropped (test/sidecar/identity-headers.test.ts).
    expect(String(seen.headers.cookie ?? '')).not.toMatch(/sso_session=/);
  });

  it('survives clients that reset their sockets during an upgrade or an open WebSocket (hostile review)', async () => {
    const { connect } = await import('node:net');
    const port = Number(new URL(base).port);
    for (const origin of ['', 'Origin: https://evil.example\r\n']) {
      await new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(
            `GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${origin}\r\n`,
          );
          socket.resetAndDestroy();
          setTimeout(resolve, 100);
        });
      });
    }
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('serves its own paths itself', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as {
      keys: unknown[];
    };
    expect(jwks.keys.length).toBeGreaterThan(0);
  });

  it('streams request and response bodies', async () => {
    const browser = await signIn();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('part1-'));
        controller.enqueue(new TextEncoder().encode('part2'));
        controller.close();
      },
    });
    const cookie = await cookieOf(browser);
    const posted = await fetch(`${base}/upload`, {
      method: 'POST',
      body,
      duplex: 'half',
      headers: { cookie, accept: 'application/json' },
    });
    expect(await posted.text()).toBe(`${ACME.admin}:part1-part2`);

    // The first chunk arrives while the upstream still holds the response open.
    const streamed = await fetch(`${base}/stream`, { headers: { cookie } });
    const reader = streamed.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('first\n');
    releaseStream();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += new TextDecoder().decode(chunk.value);
    expect(rest).toBe('second\n');
  });

  it('passes a signed-in WebSocket through both ways, and refuses a cross-site one', async () => {
    const browser = await signIn();
    const cookie = await cookieOf(browser);
    const { status, socket, first } = await upgrade({
      cookie,
      'X-Vercel-User-Id': 'forged',
      Origin: base,
    });
    expect(status).toBe(101);
    expect(first).toBe(`hello ${ACME.admin}\n`);
    const echoed = new Promise<string>((resolve) =>
      socket!.once('data', (data: Buffer) => resolve(data.toString())),
    );
    socket!.write('ping');
    expect(await echoed).toBe('ping');
    socket!.destroy();
    expect((await upgrade({ cookie, Origin: 'https://evil.example' })).status).toBe(403);
  });

  it('answers 502 with a page (or JSON for an API call) when the upstream is down', async () => {
    const browser = await signIn();
    await stopUpstream();
    try {
      const page = await browser.request(`${base}/projects`);
      expect(page.status).toBe(502);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(await page.text()).toMatch(/not answering/);
      const api = await browser.request(`${base}/api/projects`, {
        headers: { accept: 'application/json' },
      });
      expect(api.status).toBe(502);
      expect(((await api.json()) as { error: { code: string } }).error.code).toBe(
        'upstream_unavailable',
      );
      expect(stack.logs.records().some((r) => r.event === 'upstream_unavailable')).toBe(true);
    } finally {
      upstream = await startUpstream(upstreamPort);
    }
  });

  /** The Cookie header `browser` would send (via a request that echoes nothing secret). */
  async function cookieOf(browser: Browser): Promise<string> {
    return browser.cookieHeader();
  }
});
