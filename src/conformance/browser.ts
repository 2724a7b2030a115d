/**
 * A minimal scripted browser for the conformance kit: one cookie jar (tough-cookie, RFC 6265
 * rules: `Domain`, `Path`, `Secure`, expiry), `GET`s with `redirect: 'manual'`, following
 * redirects only while they stay on the vendor's origin (a redirect anywhere else is recorded and
 * never followed: the kit must not visit hosts the vendor did not choose). Every request is
 * aborted after the answer bound, so a hanging vendor is reported, never waited on forever.
 *
 * @module
 */
import { CookieJar, type Cookie } from 'tough-cookie';

/** One request/response of a visit. */
export interface Hop {
  /** The absolute URL requested. */
  url: string;
  /** HTTP status. */
  status: number;
  /** The raw `Location` header, when any. */
  location?: string;
  /** The raw `Set-Cookie` lines of this response. */
  setCookies: string[];
  /** The response body as text (at most {@link MAX_BODY_BYTES} bytes kept). */
  body: string;
}

/** What one navigation did. */
export interface Visit {
  /** Every request made, in order (the first is the URL visited). */
  hops: Hop[];
  /** The absolute URL of a redirect that left the vendor's origin (not followed), when any. */
  leftTo?: string;
  /** `true` when a request got no answer within the bound (aborted). */
  timedOut: boolean;
  /** A network failure (connection refused, reset), when any. */
  networkError?: string;
  /** Wall time of the whole navigation, ms. */
  elapsedMs: number;
}

/** Bodies are cut at this many bytes (enough for any sign-in page). */
export const MAX_BODY_BYTES = 1_000_000;

/** At most this many redirects are followed in one visit (as browsers cap redirect chains). */
export const MAX_REDIRECTS = 10;

/** Options of {@link Browser}. */
export interface BrowserOptions {
  /** The vendor's origin (`https://app.example.com`): redirects are followed only on it. */
  vendorOrigin: string;
  /** Abort any request that has not answered within this many ms. */
  answerBoundMs: number;
}

/** A scripted browser with its own cookie jar. */
export class Browser {
  /** The cookie jar (public so that scenarios can inspect what the browser keeps). */
  readonly jar = new CookieJar();

  constructor(private readonly options: BrowserOptions) {}

  /**
   * Navigate to `url` as a top-level GET, following same-origin redirects.
   * Never throws for HTTP-level outcomes; network failures and timeouts are reported in the visit.
   */
  async visit(url: string): Promise<Visit> {
    const started = Date.now();
    const visit: Visit = { hops: [], timedOut: false, elapsedMs: 0 };
    let next: string | undefined = url;
    for (let i = 0; next !== undefined && i <= MAX_REDIRECTS; i += 1) {
      const current: string = next;
      next = undefined;
      let hop: Hop;
      try {
        hop = await this.request(current);
      } catch (error) {
        if (isTimeout(error)) visit.timedOut = true;
        else visit.networkError = (error as Error).message;
        break;
      }
      visit.hops.push(hop);
      if (hop.status >= 300 && hop.status < 400 && hop.location !== undefined) {
        const target = resolve(hop.location, current);
        if (target && target.origin === this.options.vendorOrigin && isHttp(target))
          next = target.href;
        else visit.leftTo = target?.href ?? hop.location;
      }
    }
    visit.elapsedMs = Date.now() - started;
    return visit;
  }

  /**
   * One GET without following redirects (used for the session-check URL).
   * @param omitCookie - name of a cookie not to send (to find out which cookie holds the session).
   * @throws on network failure or when the answer bound passes.
   */
  async fetchOnce(url: string, omitCookie?: string): Promise<Hop> {
    return this.request(url, omitCookie);
  }

  /** The cookies the browser would send to `url`. */
  cookiesFor(url: string): Promise<Cookie[]> {
    return this.jar.getCookies(url);
  }

  private async request(url: string, omitCookie?: string): Promise<Hop> {
    const cookies = (await this.jar.getCookies(url)).filter((c) => c.key !== omitCookie);
    const headers: Record<string, string> = {
      Accept: 'text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8',
      'User-Agent': 'vercel-marketplace-sso-conformance',
    };
    if (cookies.length > 0) headers.Cookie = cookies.map((c) => c.cookieString()).join('; ');
    const response = await fetch(url, {
      redirect: 'manual',
      headers,
      signal: AbortSignal.timeout(this.options.answerBoundMs),
    });
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) await this.jar.setCookie(line, url, { ignoreError: true });
    const body = await readBody(response);
    const location = response.headers.get('location') ?? undefined;
    return {
      url,
      status: response.status,
      ...(location !== undefined ? { location } : {}),
      setCookies,
      body,
    };
  }
}

/** Reads at most {@link MAX_BODY_BYTES} of the body, then cancels the rest: a vendor that streams forever cannot exhaust the kit. */
async function readBody(response: Response): Promise<string> {
  const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = MAX_BODY_BYTES - size;
    chunks.push(value.subarray(0, room));
    size += Math.min(value.length, room);
    if (size >= MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function resolve(location: string, base: string): URL | undefined {
  try {
    return new URL(location, base);
  } catch {
    return undefined;
  }
}

function isHttp(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}
