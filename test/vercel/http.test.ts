/**
 * The fetch wrapper as the user-token calls use it (headers, query, bearer handling, schema check),
 * with a fetch double. The behaviour against a real server is in user-tokens.contract.test.ts.
 */
import { createVercelAuthClient, VercelUnavailableError } from '../../src/vercel/auth-client';
import { BodyTooLargeError } from '../../src/vercel/bounded-body';
import { vercelUnavailableFrom } from '../../src/vercel/http';
import { recordingFetch } from '../support/fetch-double';

const page = { tokens: [], pagination: { count: 0, next: null, prev: null } };

describe('user-token calls on the fetch wrapper', () => {
  test('bearer header, User-Agent, paging query, teamId/slug on create only (VERCEL-SSO.md §5), no redirects followed', async () => {
    const token = { id: 'x', name: 'n', type: 'oauth2-token', activeAt: 1, createdAt: 1 };
    let answers = [
      Response.json(page),
      Response.json({ token }),
      Response.json({ token, bearerToken: 'v' }),
    ];
    const { calls, fetch } = recordingFetch(() => {
      const [next, ...rest] = answers;
      answers = rest;
      return next!;
    });
    const client = createVercelAuthClient({
      apiUrl: new URL('https://api.vercel.example'),
      bearerToken: 'tok_123',
      teamId: 'team_1',
      slug: 'my team',
      fetch,
    });
    await client.listTokens({ limit: 5, until: 1700000000000 });
    await client.getToken('id/with?odd#chars');
    await client.createToken({ name: 'ci' });
    const [list, get, create] = calls;
    expect(list!.url).toBe('https://api.vercel.example/v6/user/tokens?limit=5&until=1700000000000');
    expect(get!.url).toBe('https://api.vercel.example/v5/user/tokens/id%2Fwith%3Fodd%23chars');
    expect(create!.url).toBe(
      'https://api.vercel.example/v3/user/tokens?teamId=team_1&slug=my+team',
    );
    const headers = list!.init.headers as Record<string, string>;
    expect(headers.Authorization).toBe('Bearer tok_123');
    expect(headers['User-Agent']).toMatch(/^vercel-marketplace-sso\//);
    expect(list!.init.redirect).toBe('manual');
  });

  test('a token that could split the header is refused before any request, without echoing it', async () => {
    const { calls, fetch } = recordingFetch(() => Response.json(page));
    const secret = 'abc\r\nX-Evil: 1';
    const client = createVercelAuthClient({
      apiUrl: new URL('https://api.vercel.example'),
      bearerToken: secret,
      fetch,
    });
    const error = (await client.listTokens().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).not.toContain('abc');
    expect(calls).toHaveLength(0);
  });

  test('a 2xx body without the documented shape is a malformed_response', async () => {
    const { fetch } = recordingFetch(() => Response.json({ tokens: [{ id: 'x' }] }));
    const client = createVercelAuthClient({
      apiUrl: new URL('https://api.vercel.example'),
      bearerToken: 'tok',
      fetch,
    });
    await expect(client.listTokens()).rejects.toMatchObject({
      constructor: VercelUnavailableError,
      reason: 'malformed_response',
    });
  });

  test('the token calls need a bearer token', async () => {
    const client = createVercelAuthClient({ apiUrl: new URL('https://api.vercel.example') });
    await expect(client.getToken('current')).rejects.toThrow(TypeError);
  });
});

describe('Retry-After on an error answer (RFC 9110 §10.2.3)', () => {
  test.each<[string | null, number | undefined]>([
    ['7', 7],
    ['0', 0],
    ['99999', 3600],
    [new Date(Date.now() + 30_000).toUTCString(), 30],
    ['soon', undefined],
    [null, undefined],
  ])('Retry-After %j → retryAfterSeconds %j', async (header, expected) => {
    const { fetch } = recordingFetch(() =>
      Response.json(
        { error: { code: 'rate_limited', message: 'slow down' } },
        { status: 429, headers: header === null ? {} : { 'Retry-After': header } },
      ),
    );
    const client = createVercelAuthClient({
      apiUrl: new URL('https://api.vercel.example'),
      bearerToken: 'tok',
      fetch,
    });
    const error = await client.listTokens().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, apiCode: 'rate_limited', invalidToken: false });
    const seconds = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
    if (expected === 30) expect(seconds).toEqual(expect.any(Number)); // an HTTP-date 30 s ahead: 1-30 s left
    if (expected === 30) expect(seconds! > 0 && seconds! <= 30).toBe(true);
    else expect(seconds).toBe(expected);
  });
});

describe('vercelUnavailableFrom: what fetch threw becomes a VercelUnavailableError, the original as cause', () => {
  const request = { timedOut: false, timeoutMs: 3000, origin: 'https://api.vercel.example' };

  test("undici's TypeError with cause.code ECONNREFUSED: network, the code in the message", () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), {
        code: 'ECONNREFUSED',
      }),
    });
    const error = vercelUnavailableFrom(refused, request);
    expect(error).toBeInstanceOf(VercelUnavailableError);
    expect(error).toMatchObject({ code: 'ERR_VERCEL_UNAVAILABLE', reason: 'network' });
    expect(error.message).toBe(
      'Vercel API unavailable (network): ECONNREFUSED reaching https://api.vercel.example',
    );
    expect(error.cause).toBe(refused);
  });

  test('anything after the timeout fired: timeout', () => {
    const aborted = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const error = vercelUnavailableFrom(aborted, { ...request, timedOut: true });
    expect(error).toMatchObject({ code: 'ERR_VERCEL_UNAVAILABLE', reason: 'timeout' });
    expect(error.message).toContain('no answer within 3000 ms');
    expect(error.cause).toBe(aborted);
  });

  test('an answer over its limit: body_too_large with limitBytes', () => {
    const tooLarge = new BodyTooLargeError(65536);
    const error = vercelUnavailableFrom(tooLarge, { ...request, timedOut: true });
    expect(error).toMatchObject({ reason: 'body_too_large', limitBytes: 65536 });
    expect(error.cause).toBe(tooLarge);
  });

  test('through the client: a refused connection rejects with the TypeError as cause', async () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const client = createVercelAuthClient({
      apiUrl: new URL('https://api.vercel.example'),
      bearerToken: 'tok_secret_value',
      fetch: async () => {
        throw refused;
      },
    });
    const error = await client.listTokens().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_VERCEL_UNAVAILABLE', reason: 'network' });
    expect((error as Error).cause).toBe(refused);
    expect((error as Error).message).not.toContain('tok_secret_value');
  });
});
