/**
 * Limits of the HTTP server (issue 19): half-open requests are dropped within seconds, connections are
 * capped per instance, kept-alive connections outlive the load balancer's idle timeout.
 *
 * @module
 */
import http, { type RequestListener, type Server } from 'node:http';
import type { Config } from '../config';

/** The limits, as in {@link Config.server}. */
export type ServerLimits = Config['server'];

/**
 * How often Node looks for requests past `headersTimeout`/`requestTimeout`, ms. Node's default (30 s)
 * would let a half-open request live up to 30 s past its timeout; 1 s keeps the bound close to the
 * configured timeouts for the cost of one timer tick per second.
 */
export const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000;

/**
 * An `http.Server` for `listener` with `limits` applied (set before `listen`, as Node reads some of
 * them only then):
 * - `headersTimeout`/`requestTimeout` (OWASP ASVS V12.1.1 resource limits; slowloris): a request whose
 *   headers, or whole body, are not in by then is answered 408 and its connection closed;
 * - `keepAliveTimeout`: idle kept-alive connections close after it; keep it above the load balancer's
 *   idle timeout (60 s on AWS ALB) so the balancer never reuses a connection we are closing (502s);
 * - `maxConnections`: connections beyond it are closed at once (the client sees a reset), bounding the
 *   memory that open connections hold;
 * - `maxHeaderSize`: a larger request head is answered 431.
 * @throws RangeError (from Node) when `headersTimeoutMs` exceeds `requestTimeoutMs`.
 */
export function createLimitedServer(listener: RequestListener, limits: ServerLimits): Server {
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      maxHeaderSize: limits.maxHeaderBytes,
      connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
    },
    listener,
  );
  server.maxConnections = limits.maxConnections;
  return server;
}

/**
 * Listens on `port`/`host` (0: a free port).
 * @throws the server's `error` (e.g. EADDRINUSE) as a rejection.
 */
export function listen(server: Server, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
