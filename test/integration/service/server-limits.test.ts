/**
 * Issue 19: server limits on a real backend process: half-open requests are dropped after the headers
 * timeout (with a 408), connections beyond SERVER_MAX_CONNECTIONS are refused at once, /healthz answers
 * meanwhile. RSS is printed (the 3,000-connection figures come from bench/half-open.js).
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import request from 'supertest';
import { startBackendProcess } from '../../support/backend-process';
import { CLIENT_ID, CLIENT_SECRET, PUBLIC_URL, SESSION_SECRET } from '../../support/harness';

jest.setTimeout(60_000);

/** A connection that sent part of a request head and then nothing. */
interface HalfOpen {
  /** Bytes the server sent before closing (a 408 answer, or nothing when refused). */
  received: string;
  closed: Promise<void>;
}

async function openHalfOpen(port: number): Promise<HalfOpen> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) =>
    socket.once('connect', resolve).once('error', reject),
  );
  const state: HalfOpen = {
    received: '',
    closed: new Promise((resolve) => socket.once('close', () => resolve())),
  };
  socket.on('data', (chunk: Buffer) => (state.received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
  return state;
}

function rssMb(pid: number): number {
  return Math.round(
    Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
  );
}

test('half-open requests get a 408 and are closed; connections past the maximum are refused; /healthz answers meanwhile', async () => {
  const backend = await startBackendProcess({
    NODE_ENV: 'test',
    PUBLIC_URL,
    INTEGRATION_CLIENT_ID: CLIENT_ID,
    INTEGRATION_CLIENT_SECRET: CLIENT_SECRET,
    SESSION_SECRET,
    SERVER_HEADERS_TIMEOUT_MS: '3000',
    SERVER_REQUEST_TIMEOUT_MS: '5000',
    SERVER_MAX_CONNECTIONS: '100',
  });
  try {
    const port = Number(new URL(backend.url).port);
    const pid = backend.process.pid!;
    const rssBefore = rssMb(pid);
    const first = [];
    for (let i = 0; i < 90; i += 1) first.push(await openHalfOpen(port));
    // Below the maximum, the service still answers.
    await request(backend.url).get('/healthz').expect(200);
    const extra = [];
    for (let i = 0; i < 30; i += 1) extra.push(await openHalfOpen(port));
    const rssHeld = rssMb(pid);
    await Promise.all([...first, ...extra].map((c) => c.closed));
    const all = [...first, ...extra];
    const refused = all.filter((c) => c.received === '');
    const timedOut = all.filter((c) => c.received.startsWith('HTTP/1.1 408'));
    process.stdout.write(
      `half-open: ${all.length} opened, ${timedOut.length} answered 408, ${refused.length} refused; RSS ${rssBefore} -> ${rssHeld} MB\n`,
    );
    // 90 held + 30 more against a maximum of 100: 20 refused at once, the 100 accepted ones timed out.
    expect(refused).toHaveLength(20);
    expect(timedOut).toHaveLength(100);
    await request(backend.url).get('/healthz').expect(200);
  } finally {
    await backend.stop();
  }
});
