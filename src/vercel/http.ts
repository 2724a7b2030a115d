import type { z } from 'zod';
import { VercelApiError, VercelUnavailableError } from './errors';

/** Sent on every request so Vercel can tell our traffic apart. */
export const USER_AGENT = 'vercel-marketplace-sso/0.1 (+https://github.com/vercel-marketplace-sso)';

/** Options of {@link requestJson}. */
export interface RequestJsonOptions<T> {
  method: 'GET' | 'POST' | 'DELETE';
  /** Absolute URL. */
  url: URL;
  /** Serialized as JSON with `Content-Type: application/json`. */
  body?: unknown;
  /** Bearer token for the authenticated endpoints (VERCEL-SSO.md §5); the SSO exchange sends none. */
  bearerToken?: string;
  /** Abort after this many milliseconds. */
  timeoutMs: number;
  /** Schema the 2xx JSON body must satisfy. */
  schema: z.ZodType<T>;
  /** Injectable fetch (tests); defaults to the global fetch. */
  fetch?: typeof fetch;
}

const errorBodySchema = {
  parse(value: unknown): { code?: string; message?: string } {
    if (typeof value !== 'object' || value === null) return {};
    const error = (value as { error?: unknown }).error;
    if (typeof error !== 'object' || error === null) return {};
    const { code, message } = error as { code?: unknown; message?: unknown };
    return {
      ...(typeof code === 'string' ? { code: code.slice(0, 100) } : {}),
      ...(typeof message === 'string' ? { message: message.slice(0, 500) } : {}),
    };
  },
};

/**
 * One JSON request to the Vercel API: timeout, `User-Agent`, no redirects followed,
 * the 2xx body parsed with `schema`.
 * @throws {@link VercelApiError} for a non-2xx answer (with Vercel's `error.code`/`error.message` when present).
 * @throws {@link VercelUnavailableError} on timeout (`timeout`), connection failure or redirect (`network`),
 *   or a 2xx body that is not JSON or fails the schema (`malformed_response`).
 */
export async function requestJson<T>(options: RequestJsonOptions<T>): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': USER_AGENT };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.bearerToken !== undefined) headers.Authorization = `Bearer ${options.bearerToken}`;
  const doFetch = options.fetch ?? fetch;
  const signal = AbortSignal.timeout(options.timeoutMs);

  let response: Response;
  let text: string;
  try {
    response = await doFetch(options.url, {
      method: options.method,
      headers,
      redirect: 'manual',
      signal,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    // The body read shares the timeout: a server that sends headers then stalls is a timeout too.
    text = await response.text();
  } catch (error) {
    if (signal.aborted) throw new VercelUnavailableError('timeout', `no answer within ${options.timeoutMs} ms`);
    throw new VercelUnavailableError('network', (error as Error).name);
  }

  if (response.status >= 300 && response.status < 400) {
    throw new VercelUnavailableError('network', `unexpected redirect (${response.status})`);
  }
  if (!response.ok) {
    const { code, message } = errorBodySchema.parse(safeJson(text));
    throw new VercelApiError(response.status, code, message);
  }
  const json = safeJson(text);
  if (json === undefined) throw new VercelUnavailableError('malformed_response', 'body is not JSON');
  const parsed = options.schema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new VercelUnavailableError('malformed_response', `unexpected shape at ${fields}`);
  }
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
