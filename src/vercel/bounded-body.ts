/**
 * Bounded reading of upstream answers (issue 19): every answer from Vercel (SSO token exchange, token
 * API, OIDC discovery, JWKS) is read with a byte limit enforced while streaming, on the *decoded* bytes
 * (fetch decompresses gzip/deflate/br itself, so a decompression bomb stops at the limit), under the
 * request's abort signal (the timeout covers the body, not only the headers), and parsed only when it
 * is small and shallow enough that `JSON.parse` cannot hold the event loop for more than a few ms.
 *
 * Limits per endpoint (bytes of decoded body; Vercel's real answers are a few kB):
 * - {@link SSO_TOKEN_MAX_BODY_BYTES} — `POST /v1/integrations/sso/token` (VERCEL-SSO.md §1.3; an id_token is ~1–2 kB).
 * - {@link JWKS_MAX_BODY_BYTES} — the issuer's JWKS (VERCEL-SSO.md §2; a few RSA keys are ~2 kB).
 * - {@link DISCOVERY_MAX_BODY_BYTES} — `{issuer}/.well-known/openid-configuration` (OIDC Discovery §4).
 * - {@link TOKEN_API_MAX_BODY_BYTES} — the user-token API (VERCEL-SSO.md §5; a page of at most 100 tokens).
 *
 * @module
 */
import { VercelSsoError } from '../errors/base';

/** Decoded-body limit of the SSO token exchange answer, bytes (64 KiB). */
export const SSO_TOKEN_MAX_BODY_BYTES = 64 * 1024;
/** Decoded-body limit of the JWKS answer, bytes (64 KiB). */
export const JWKS_MAX_BODY_BYTES = 64 * 1024;
/** Decoded-body limit of the OIDC discovery document, bytes (64 KiB). */
export const DISCOVERY_MAX_BODY_BYTES = 64 * 1024;
/** Decoded-body limit of one token API answer, bytes (512 KiB: 100 tokens at ~1 kB each, with room). */
export const TOKEN_API_MAX_BODY_BYTES = 512 * 1024;
/**
 * Deepest array/object nesting accepted in an upstream JSON answer. Vercel's documented answers nest
 * at most 4 levels; 32 leaves room while refusing the `[[[[…` shapes built to stall parsers and validators.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * The codes of the bounded-body errors (closed): `ERR_BODY_TOO_LARGE` ({@link BodyTooLargeError}) and
 * `ERR_UNPARSABLE_JSON` ({@link UnparsableJsonError}). Internal: callers see them as the `cause` of a
 * `VercelUnavailableError` or `KeysUnavailableError`.
 */
export type BoundedBodyErrorCode = 'ERR_BODY_TOO_LARGE' | 'ERR_UNPARSABLE_JSON';

/** The upstream answer was larger than its limit; reading stopped at the limit. */
export class BodyTooLargeError extends VercelSsoError<'ERR_BODY_TOO_LARGE'> {
  readonly code = 'ERR_BODY_TOO_LARGE' as const;
  constructor(
    /** The limit that was exceeded, bytes of decoded body. */
    readonly limitBytes: number,
  ) {
    super(`upstream answer larger than ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * The upstream JSON nests deeper than {@link MAX_JSON_DEPTH}, or is not JSON. It has no `cause`: the
 * parser's `SyntaxError` quotes the answer, which may hold a token.
 */
export class UnparsableJsonError extends VercelSsoError<'ERR_UNPARSABLE_JSON'> {
  readonly code = 'ERR_UNPARSABLE_JSON' as const;
  constructor(detail: string) {
    super(`upstream answer is not acceptable JSON: ${detail}`);
    this.name = 'UnparsableJsonError';
  }
}

/**
 * Reads `response`'s body into memory, stopping (and cancelling the stream, which closes the
 * connection and stops decompression) as soon as more than `maxBytes` decoded bytes arrived.
 * A `Content-Length` above the limit is refused before any byte is read.
 * @param signal - the request's abort signal; when it fires mid-body the read stops with its reason
 *   (a `TimeoutError` DOMException for `AbortSignal.timeout`), even when the fetch implementation ignores it.
 * @throws {@link BodyTooLargeError} over the limit.
 * @throws the signal's reason when it aborts, or the stream's error.
 */
export async function readBoundedBody(
  response: Response,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (
    response.headers.get('content-encoding') === null &&
    Number.isFinite(declared) &&
    declared > maxBytes
  ) {
    await response.body?.cancel().catch(() => undefined);
    throw new BodyTooLargeError(maxBytes);
  }
  if (!response.body) return new Uint8Array(0);
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let onAbort: (() => void) | undefined;
  const abort = new Promise<never>((_, reject) => {
    if (!signal) return;
    onAbort = () => reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  abort.catch(() => undefined);
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), abort]);
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) throw new BodyTooLargeError(maxBytes);
      chunks.push(value);
    }
  } catch (error) {
    void reader.cancel().catch(() => undefined);
    throw error;
  } finally {
    if (signal && onAbort) signal.removeEventListener('abort', onAbort);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * Refuses JSON text nesting arrays/objects deeper than `maxDepth`, by a linear scan (brackets inside
 * strings are skipped); does not check the rest of the syntax.
 * @throws {@link UnparsableJsonError} when too deep.
 */
export function assertJsonDepth(text: string, maxDepth = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) throw new UnparsableJsonError(`nested deeper than ${maxDepth}`);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

/**
 * Decodes UTF-8 `body` and parses it as JSON after {@link assertJsonDepth}. At the limits above the
 * scan and the parse take well under a millisecond.
 * @throws {@link UnparsableJsonError} when too deep or not JSON.
 */
export function parseBoundedJson(body: Uint8Array | string, maxDepth = MAX_JSON_DEPTH): unknown {
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  assertJsonDepth(text, maxDepth);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UnparsableJsonError('syntax');
  }
}

/**
 * A fetch whose answers are fully read under {@link readBoundedBody} (limit `maxBytes`, the request's
 * signal) and depth-checked ({@link assertJsonDepth}) before the caller sees them: for libraries that read the
 * body themselves (jose `[customFetch]`, openid-client `[customFetch]`). The returned `Response` holds
 * the buffered bytes; `Content-Encoding`/`Content-Length` are dropped since the bytes are decoded.
 * @throws {@link BodyTooLargeError}, {@link UnparsableJsonError}, the signal's reason, or fetch's error.
 */
export function boundedFetch(maxBytes: number, fetchImpl: typeof fetch = fetch): typeof fetch {
  return async (input: string | URL | Request, init?: RequestInit) => {
    const response = await fetchImpl(input, init);
    const body = await readBoundedBody(response, maxBytes, init?.signal ?? undefined);
    assertJsonDepth(new TextDecoder().decode(body));
    const headers = new Headers(response.headers);
    headers.delete('content-encoding');
    headers.delete('content-length');
    const nullBody =
      response.status === 204 ||
      response.status === 304 ||
      (response.status >= 100 && response.status < 200);
    return new Response(nullBody ? null : body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
}
