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

/** What redacted values are replaced with. */
const REDACTION_CENSOR = '[redacted]';

/**
 * The JSON logger of the service (pino).
 * @param level - pino level name.
 * @param destination - where lines go (default stdout); tests pass a capturing stream.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const logger = pino(
    {
      level,
      base: { service: 'vercel-marketplace-sso' },
      redact: { paths: REDACTED_PATHS, censor: REDACTION_CENSOR },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
  precompileRedaction(logger);
  return logger;
}

/** One redaction path below a top-level key, split once (`headers["set-cookie"]` → `headers`, `set-cookie`). */
type PathParts = readonly string[];

type Stringifier = (value: unknown) => string | undefined;

/**
 * Makes the redaction of `logger` (and of its children) cheaper, with the same output.
 *
 * pino 10 redacts with `@pinojs/redact`, which splits every redaction path again on every call, and
 * is called for every top-level key of every log line and child binding (the `*.code`-style paths
 * apply to all keys): pino-http's binding and line cost about 11 µs of CPU per request, 3 µs with
 * this (measured on the 2-core bench machine). Here each
 * such per-key redactor is replaced by one with the paths split once at start-up: a value in which
 * no path exists (nearly every value) is serialised as it is; any other value goes through a copy
 * of `@pinojs/redact`'s own algorithm (clone along the paths, then censor each path that exists).
 * The top-level censors (`code`, `state`, …) and `%j` message formatting stay pino's. Nothing
 * changes when the logger was not built with `redact` (no per-key redactors).
 *
 * The per-key redactors live under `pino.symbols.stringifiersSym`, which pino exports for
 * integrations but calls private: on a pino upgrade, `test/web/logger-redaction.test.ts` (our output
 * against pino's own redaction, and secrets censored) must stay green.
 */
function precompileRedaction(logger: Logger): void {
  const { stringifiersSym, stringifySym, wildcardFirstSym } = pino.symbols;
  const holder = logger as unknown as Record<symbol, unknown>;
  const original = holder[stringifiersSym] as Record<string | symbol, Stringifier> | undefined;
  const stringify = holder[stringifySym] as ((value: unknown) => string) | undefined;
  if (!original || typeof stringify !== 'function') return;
  // Per top-level key (and the wildcard), the paths below it, as pino's redaction groups them.
  const shapes = new Map<string | symbol, string[]>();
  const wildcardTails: string[] = [];
  for (const path of REDACTED_PATHS) {
    const [head, tail] = splitHead(path);
    if (tail === undefined) continue; // a top-level censor: pino's own stringifier stays
    if (head === '*') {
      wildcardTails.push(tail);
      for (const paths of shapes.values()) paths.push(tail);
    } else if (!shapes.has(head)) {
      shapes.set(head, [...wildcardTails, tail]);
    } else {
      shapes.get(head)!.push(tail);
    }
  }
  if (wildcardTails.length > 0) shapes.set(wildcardFirstSym, wildcardTails);
  const replaced = Object.assign(
    Object.create(null) as Record<string | symbol, Stringifier>,
    original,
  );
  for (const [key, paths] of shapes) {
    // Only keys that pino gave a path redactor (never a top-level censor) are replaced.
    if (typeof original[key] !== 'function' || REDACTED_PATHS.includes(key as string)) continue;
    replaced[key] = pathRedactor(paths.map(parsePath), stringify);
  }
  holder[stringifiersSym] = replaced;
}

/** `a.b.c` → [`a`, `b.c`]; `a` → [`a`, undefined] (paths as pino's redaction splits them). */
function splitHead(path: string): [string, string | undefined] {
  const dot = path.indexOf('.');
  const bracket = path.indexOf('[');
  const end = [dot, bracket].filter((at) => at > 0).sort((a, b) => a - b)[0];
  if (end === undefined) return [path, undefined];
  return [path.slice(0, end), path.slice(end + (path[end] === '.' ? 1 : 0))];
}

/** `headers["set-cookie"]` → [`headers`, `set-cookie`]; `a.b` → [`a`, `b`] (no wildcards here). */
function parsePath(path: string): PathParts {
  const parts: string[] = [];
  const rx = /([^.[\]]+)|\[(?:"([^"]*)"|'([^']*)'|([^\]]*))\]/g;
  for (let match = rx.exec(path); match; match = rx.exec(path))
    parts.push(match[1] ?? match[2] ?? match[3] ?? match[4] ?? '');
  return parts;
}

const NOT_FOUND = Symbol('not found');

/** The value at `parts` in `value`, or {@link NOT_FOUND} (`in`, like `@pinojs/redact`). */
function valueAt(value: unknown, parts: PathParts): unknown {
  let current = value;
  for (const part of parts) {
    if (typeof current !== 'object' || current === null || !(part in current)) return NOT_FOUND;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/**
 * A per-key redactor equivalent to `@pinojs/redact` (strict off, a string censor, no wildcard below
 * the top level) with `paths` split in advance.
 */
function pathRedactor(
  paths: readonly PathParts[],
  stringify: (value: unknown) => string,
): Stringifier {
  const structure = new Map<string, Map<string, unknown>>();
  for (const parts of paths) {
    let level = structure;
    for (const part of parts) {
      if (!level.has(part)) level.set(part, new Map());
      level = level.get(part) as Map<string, Map<string, unknown>>;
    }
  }
  return (value) => {
    if (typeof value !== 'object' || value === null) return stringify(value);
    const prototype: unknown = Object.getPrototypeOf(value);
    const plain = prototype === Object.prototype || prototype === Array.prototype;
    // The common case: nothing to censor in a plain object or array; its JSON is its copy's JSON.
    if (plain && paths.every((parts) => valueAt(value, parts) === NOT_FOUND))
      return stringify(value);
    const copy = cloneAlong(value, structure);
    for (const parts of paths) {
      if (valueAt(copy, parts) === NOT_FOUND) continue;
      censorAt(copy, parts);
    }
    return stringify(copy);
  };
}

/** `@pinojs/redact`'s selective clone: copies the objects along the paths, shares the rest. */
function cloneAlong(source: unknown, structure: Map<string, unknown> | undefined): unknown {
  if (!structure || structure.size === 0) return source;
  if (source === null || typeof source !== 'object') return source;
  if (source instanceof Date) return new Date(source.getTime());
  if (Array.isArray(source)) {
    const copy: unknown[] = [];
    for (let index = 0; index < source.length; index += 1) {
      const item: unknown = source[index];
      copy[index] = structure.has(String(index))
        ? cloneAlong(item, structure.get(String(index)) as Map<string, unknown>)
        : item;
    }
    return copy;
  }
  const copy = Object.create(Object.getPrototypeOf(source) as object | null) as Record<
    string,
    unknown
  >;
  for (const key in source) {
    if (!Object.prototype.hasOwnProperty.call(source, key)) continue;
    const item = (source as Record<string, unknown>)[key];
    copy[key] = structure.has(key)
      ? cloneAlong(item, structure.get(key) as Map<string, unknown>)
      : item;
  }
  return copy;
}

/** `@pinojs/redact`'s `setValue` with the censor: only an existing own property is replaced. */
function censorAt(target: unknown, parts: PathParts): void {
  let current = target as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) {
    if (typeof current !== 'object' || current === null || !(part in current)) return;
    const next = current[part];
    if (typeof next !== 'object' || next === null) return;
    current = next as Record<string, unknown>;
  }
  const last = parts[parts.length - 1] as string;
  if (
    typeof current === 'object' &&
    current !== null &&
    last in current &&
    Object.prototype.hasOwnProperty.call(current, last)
  )
    current[last] = REDACTION_CENSOR;
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
