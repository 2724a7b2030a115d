import type { z } from 'zod';
import { BodyTooLargeError, parseBoundedJson, readBoundedBody } from './bounded-body';
import { parseRetryAfterSeconds, VercelApiError, VercelUnavailableError } from './errors';

/** Sent on every request so Vercel can tell our traffic apart. */
export const USER_AGENT = 'vercel-marketplace-sso/0.1 (+https://github.com/vercel-marketplace-sso)';

/** Options of {@link requestJson}. */
export interface RequestJsonOptions<T> {
  method: 'GET' | 'POST' | 'DELETE';
  /** Absolute URL. Its existing query is kept; {@link RequestJsonOptions.query} is appended. */
  url: URL;
  /**
   * Query parameters appended to `url` (e.g. `teamId`/`slug`, `limit`, `until`); `undefined` values are
   * skipped. Numbers are sent in decimal.
   */
  query?: Readonly<Record<string, string | number | undefined>>;
  /** Serialized as JSON with `Content-Type: application/json`. */
  body?: unknown;
  /**
   * Bearer token for the authenticated endpoints (VERCEL-SSO.md §5); the SSO exchange sends none.
   * Sent only in the `Authorization` header: never logged, never part of an error message.
   */
  bearerToken?: string;
  /** Abort after this many milliseconds; covers the headers and the whole body. */
  timeoutMs: number;
  /**
   * Largest accepted answer, bytes of decoded body (2xx or not), enforced while streaming; the
   * per-endpoint limits are in `bounded-body.ts`.
   */
  maxBodyBytes: number;
  /** Schema the 2xx JSON body must satisfy. */
  schema: z.ZodType<T>;
  /** Injectable fetch (tests); defaults to the global fetch. */
  fetch?: typeof fetch;
}

const errorBodySchema = {
  parse(value: unknown): { code?: string; message?: string; invalidToken?: boolean } {
    if (typeof value !== 'object' || value === null) return {};
    const error = (value as { error?: unknown }).error;
    if (typeof error !== 'object' || error === null) return {};
    const { code, message, invalidToken } = error as {
      code?: unknown;
      message?: unknown;
      invalidToken?: unknown;
    };
    return {
      ...(typeof code === 'string' ? { code: code.slice(0, 100) } : {}),
      ...(typeof message === 'string' ? { message: message.slice(0, 500) } : {}),
      // VERCEL-SSO.md §5: production's 403 for an expired, revoked or unknown token.
      ...(invalidToken === true ? { invalidToken: true } : {}),
    };
  },
};

/**
 * `url` with `query` appended (a copy; `undefined` values skipped).
 * @throws TypeError when a number in `query` is not finite.
 */
export function withQuery(
  url: URL,
  query: Readonly<Record<string, string | number | undefined>> = {},
): URL {
  const out = new URL(url);
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new TypeError(`query parameter ${key} must be a finite number`);
    out.searchParams.append(key, String(value));
  }
  return out;
}

/** Characters a bearer token may contain (RFC 6750 §2.1 `b64token`); anything else could split the header. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * One JSON request to the Vercel API: timeout, `User-Agent`, no redirects followed, optional bearer
 * authentication and query, the 2xx body parsed with `schema`.
 * @throws TypeError (before any request) when `bearerToken` is empty or has characters a bearer token
 *   cannot have; the message never contains the token.
 * @throws {@link VercelApiError} for a non-2xx answer (with Vercel's `error.code`/`error.message`, `Retry-After`
 *   as `retryAfterSeconds` and `error.invalidToken` when present).
 * @throws {@link VercelUnavailableError} on timeout of the headers or the body (`timeout`), connection failure
 *   or redirect (`network`), an answer over `maxBodyBytes` (`body_too_large`, with `limitBytes`), or a 2xx
 *   body that is not JSON, nests deeper than `MAX_JSON_DEPTH`, or fails the schema (`malformed_response`).
 */
export async function requestJson<T>(options: RequestJsonOptions<T>): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': USER_AGENT };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.bearerToken !== undefined) {
    if (!BEARER_TOKEN.test(options.bearerToken))
      throw new TypeError('the bearer token is empty or has characters a token cannot have');
    headers.Authorization = `Bearer ${options.bearerToken}`;
  }
  const url = withQuery(options.url, options.query);
  const doFetch = options.fetch ?? fetch;
  const signal = AbortSignal.timeout(options.timeoutMs);

  let response: Response;
  let body: Uint8Array;
  try {
    response = await doFetch(url, {
      method: options.method,
      headers,
      redirect: 'manual',
      signal,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    // The body read shares the timeout: a server that sends headers then stalls (or drips) is a timeout too.
    body = await readBoundedBody(response, options.maxBodyBytes, signal);
  } catch (error) {
    throw vercelUnavailableFrom(error, {
      timedOut: signal.aborted,
      timeoutMs: options.timeoutMs,
      origin: options.url.origin,
    });
  }

  if (response.status >= 300 && response.status < 400) {
    throw new VercelUnavailableError('network', `unexpected redirect (${response.status})`);
  }
  if (!response.ok) {
    const { code, message, invalidToken } = errorBodySchema.parse(safeJson(body));
    throw new VercelApiError(response.status, code, message, {
      retryAfterSeconds: parseRetryAfterSeconds(response.headers.get('retry-after')),
      ...(invalidToken ? { invalidToken } : {}),
    });
  }
  const json = safeJson(body);
  if (json === undefined)
    throw new VercelUnavailableError('malformed_response', 'body is not JSON');
  const parsed = options.schema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new VercelUnavailableError('malformed_response', `unexpected shape at ${fields}`);
  }
  return parsed.data;
}

/** What {@link vercelUnavailableFrom} needs to know about the failed request. */
export interface FailedRequest {
  /** The request's timeout signal had fired. */
  timedOut: boolean;
  /** The request's timeout, ms (for the message). */
  timeoutMs: number;
  /** The origin called (for the message; never the path or query). */
  origin: string;
}

/**
 * Maps what `fetch` or the body read threw to a {@link VercelUnavailableError}, keeping the original
 * as `cause`: a {@link BodyTooLargeError} is `body_too_large`; anything after the timeout fired is
 * `timeout`; anything else (undici's `TypeError: fetch failed` with `cause.code` `ECONNREFUSED`,
 * `ENOTFOUND`, `UND_ERR_SOCKET`, …) is `network`, the cause's code in the message (it holds no secret).
 */
export function vercelUnavailableFrom(
  error: unknown,
  request: FailedRequest,
): VercelUnavailableError {
  if (error instanceof BodyTooLargeError) {
    return new VercelUnavailableError('body_too_large', `answer over ${error.limitBytes} bytes`, {
      limitBytes: error.limitBytes,
      cause: error,
    });
  }
  if (request.timedOut)
    return new VercelUnavailableError('timeout', `no answer within ${request.timeoutMs} ms`, {
      cause: error,
    });
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : (error as Error)?.name;
  return new VercelUnavailableError('network', `${code} reaching ${request.origin}`, {
    cause: error,
  });
}

function safeJson(body: Uint8Array): unknown {
  try {
    return parseBoundedJson(body);
  } catch {
    return undefined;
  }
}
