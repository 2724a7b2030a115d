import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type DestinationStream, type Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { truncateForLog } from '../flow/log-field';

/**
 * Paths pino censors wherever they appear in a log object. Our own log calls never pass these
 * values; this is the second line of defence (VERCEL-SSO.md §1.3 "never log client_secret").
 */
export const REDACTED_PATHS = [
  'code',
  'state',
  'id_token',
  'access_token',
  'refresh_token',
  'client_secret',
  'password',
  'token',
  '*.code',
  '*.state',
  '*.id_token',
  '*.access_token',
  '*.refresh_token',
  '*.client_secret',
  '*.token',
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers.authorization',
];

/**
 * The JSON logger of the service (pino).
 * @param level - pino level name.
 * @param destination - where lines go (default stdout); tests pass a capturing stream.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'vercel-marketplace-sso' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Per-request logging with pino-http: a request id on every line (`req.id`, echoed in `X-Request-Id`).
 * An incoming `X-Request-Id` is kept only when `trustIncomingRequestId` (`TRUST_REQUEST_ID=true`: the
 * proxy in front always sets it) and it is well-formed (8–64 of `A-Z a-z 0-9 . _ -`); otherwise the id
 * is our own UUID, so clients cannot choose ids (OWASP ASVS V7.1.1). The URL is logged as its path only: the query of `/callback`
 * carries `code` and `state`.
 */
export function createHttpLogger(logger: Logger, trustIncomingRequestId = false): HttpLogger {
  return pinoHttp({
    logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const incoming = trustIncomingRequestId ? req.headers['x-request-id'] : undefined;
      const id =
        typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel(_req, res, error) {
      if (error || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return 'info';
    },
    serializers: {
      req(req: { id: string; method: string; url: string; remoteAddress?: string }) {
        return { id: req.id, method: req.method, path: pathOnly(req.url) };
      },
      res(res: { statusCode: number }) {
        return { statusCode: res.statusCode };
      },
    },
    wrapSerializers: false,
    customSuccessMessage: (req, res) =>
      `${req.method} ${pathOnly(req.url ?? '')} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${pathOnly(req.url ?? '')} ${res.statusCode}`,
  });
}

/** The path of a request URL, without query or fragment, truncated to `LOG_FIELD_MAX_CHARS` (200) characters. */
export function pathOnly(url: string): string {
  const end = url.search(/[?#]/);
  return truncateForLog(end === -1 ? url : url.slice(0, end));
}
