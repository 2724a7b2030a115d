import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createProxyServer, type ProxyServer } from 'http-proxy-3';
import type { Logger } from 'pino';

/**
 * The upstream mode's proxy: http-proxy-3 (a maintained TypeScript rewrite of http-proxy) to the
 * vendor's app. Bodies stream both ways (nothing is buffered or parsed), WebSocket upgrades pass
 * through, `X-Forwarded-For/-Proto/-Host/-Port` are added (RFC 7239's de-facto predecessors),
 * the `Host` header is kept. When the upstream cannot be reached the client gets a 502 page (or
 * JSON when it asked for it) and one `warn` line with the request id and the error code.
 */
export class UpstreamProxy {
  private readonly proxy: ProxyServer;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });

  constructor(
    private readonly target: URL,
    private readonly logger: Logger,
  ) {
    this.proxy = createProxyServer({
      target: target.origin,
      xfwd: true,
      ws: true,
      agent: this.agent,
    });
    // A client that drops its socket mid-stream (a WebSocket, a download) must never take the process
    // down: http-proxy-3 rethrows errors that have no 'error' listener.
    this.proxy.on(
      'error',
      (error: unknown, req: IncomingMessage, target: ServerResponse | Duplex | undefined) => {
        this.log(error, req);
        if (target && 'destroy' in target && !target.destroyed) target.destroy();
      },
    );
  }

  /** Proxies one HTTP request. */
  web(req: IncomingMessage, res: ServerResponse): void {
    this.proxy.web(req, res, {}, (error) => this.failed(error, req, res));
  }

  /** Proxies one WebSocket handshake (after the caller checked the session). */
  ws(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.proxy.ws(req, socket, head, {}, (error) => {
      this.log(error, req);
      if (!socket.destroyed)
        socket.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
  }

  /** Drops idle upstream connections. */
  close(): void {
    this.agent.destroy();
    this.proxy.close();
  }

  private log(error: unknown, req: IncomingMessage): void {
    const id = (req as { id?: unknown }).id;
    this.logger.warn(
      {
        event: 'upstream_unavailable',
        req: id !== undefined ? { id: String(id) } : undefined,
        err: { code: (error as NodeJS.ErrnoException)?.code, name: (error as Error)?.name },
      },
      'upstream did not answer',
    );
  }

  private failed(error: unknown, req: IncomingMessage, res: ServerResponse | Duplex): void {
    this.log(error, req);
    if (!('headersSent' in res)) {
      res.destroy();
      return;
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const id = String((req as { id?: unknown }).id ?? '');
    const json =
      /\bapplication\/json\b/.test(req.headers.accept ?? '') &&
      !/\btext\/html\b/.test(req.headers.accept ?? '');
    res.statusCode = 502;
    res.setHeader('Cache-Control', 'no-store');
    if (json) {
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(
        JSON.stringify({
          error: {
            code: 'upstream_unavailable',
            message: 'The application is not answering. Try again in a moment.',
          },
          request_id: id,
        }),
      );
      return;
    }
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Application unavailable</title></head><body><main>` +
        `<h1>The application is not answering</h1><p>Try again in a moment. If it keeps happening, contact support with this request id: <code>${id.replace(/[^A-Za-z0-9._-]/g, '')}</code>.</p></main></body></html>`,
    );
  }
}
