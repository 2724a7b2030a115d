import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

/**
 * What the hostile double answers with:
 * - `huge`: a 20 MB JSON body (`{"id_token":"aaaa…"}`), no Content-Length (chunked);
 * - `gzip-bomb`: ~250 kB of gzip that decodes to 256 MB of JSON (`Content-Encoding: gzip`);
 * - `nested`: a 20 MB JSON answer nested 10 million arrays deep;
 * - `deep`: a 60 kB JSON answer (under every limit) nested 30,000 arrays deep;
 * - `drip`: headers at once, then one byte every 100 ms, never finishing;
 * - `ok`: a well-formed answer (token exchange: a JWS-shaped id_token; JWKS: an empty key set).
 */
export type HostileMode = 'huge' | 'gzip-bomb' | 'nested' | 'deep' | 'drip' | 'ok';

/** A Vercel double (token exchange, discovery, JWKS) answering every request in one hostile way. */
export interface HostileUpstream {
  url: string;
  mode: HostileMode;
  /** Requests received, by path. */
  requests: string[];
  close(): Promise<void>;
}

const MB = 1024 * 1024;

let bomb: Buffer | undefined;
/**
 * ~260 kB of gzip decoding to 256 MB of JSON (`{"id_token":"aaaa…"}`): concatenated gzip members
 * (RFC 1952 §2.2), one per MB, so building it never holds the decoded bytes. Built once per process.
 */
function gzipBomb(): Buffer {
  if (bomb) return bomb;
  const member = zlib.gzipSync(Buffer.alloc(MB, 'a'), { level: 9 });
  bomb = Buffer.concat([
    zlib.gzipSync('{"id_token":"'),
    ...Array.from({ length: 256 }, () => member),
    zlib.gzipSync('"}'),
  ]);
  return bomb;
}

const nestedBodies = new Map<number, Buffer>();
/** `{"id_token":"x","keys":[[[…]]]}` nested `depth` arrays deep; built once per depth and process. */
function nested(depth: number): Buffer {
  const cached = nestedBodies.get(depth);
  if (cached) return cached;
  const body = Buffer.concat([
    Buffer.from('{"id_token":"x","keys":'),
    Buffer.alloc(depth, '['),
    Buffer.alloc(depth, ']'),
    Buffer.from('}'),
  ]);
  nestedBodies.set(depth, body);
  return body;
}

/** A JWS-shaped id_token (its signature is not valid; verification must first fetch the JWKS). */
export const FAKE_ID_TOKEN = [
  Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'hostile-1', typ: 'JWT' })).toString('base64url'),
  Buffer.from(JSON.stringify({ sub: 'x', iat: 1 })).toString('base64url'),
  Buffer.from('signature').toString('base64url'),
].join('.');

/**
 * Starts the double. `mode` applies to `paths` (default: every path); other paths answer `ok`
 * (e.g. a well-formed token exchange so that the JWKS fetch is the hostile one).
 */
export async function startHostileUpstream(
  mode: HostileMode,
  paths?: string[],
): Promise<HostileUpstream> {
  const requests: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let url = '';
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push(path);
    req.resume();
    const hostile = paths === undefined || paths.includes(path);
    const answer = hostile ? mode : 'ok';
    res.on('error', () => undefined);
    switch (answer) {
      case 'ok': {
        if (path.endsWith('/openid-configuration')) {
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(
            JSON.stringify({
              issuer: url,
              jwks_uri: `${url}/.well-known/jwks.json`,
              authorization_endpoint: `${url}/authorize`,
              response_types_supported: ['code'],
              subject_types_supported: ['public'],
              id_token_signing_alg_values_supported: ['RS256'],
            }),
          );
        } else if (path.endsWith('/jwks.json')) {
          res
            .writeHead(200, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ keys: [] }));
        } else {
          res
            .writeHead(200, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ id_token: FAKE_ID_TOKEN, access_token: null, token_type: null }));
        }
        return;
      }
      case 'huge': {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"id_token":"');
        let sent = 0;
        const more = (): void => {
          while (sent < 20 * MB) {
            sent += MB;
            if (!res.write(Buffer.alloc(MB, 'a'))) {
              res.once('drain', more);
              return;
            }
          }
          res.end('"}');
        };
        more();
        return;
      }
      case 'gzip-bomb': {
        const body = gzipBomb();
        res
          .writeHead(200, {
            'Content-Type': 'application/json',
            'Content-Encoding': 'gzip',
            'Content-Length': body.length,
          })
          .end(body);
        return;
      }
      case 'nested':
      case 'deep': {
        const body = nested(answer === 'nested' ? 10 * MB : 30_000);
        res
          .writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length })
          .end(body);
        return;
      }
      case 'drip': {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"id_token":"');
        const timer = setInterval(() => res.write('a'), 100);
        timers.add(timer);
        res.on('close', () => {
          clearInterval(timer);
          timers.delete(timer);
        });
        return;
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    mode,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
