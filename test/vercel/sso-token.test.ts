import { VercelApiError, VercelUnavailableError } from '../../src/vercel/errors';
import { exchangeSsoCode } from '../../src/vercel/sso-token';
import { recordingFetch } from '../support/fetch-double';

const input = {
  apiUrl: new URL('https://api.vercel.example'),
  code: 'the-code',
  state: 'the-state',
  clientId: 'oac_1',
  clientSecret: 'shh',
  timeoutMs: 1000,
};

describe('exchangeSsoCode', () => {
  test('POSTs JSON with grant_type and client credentials in the body, no Authorization header, no redirects followed', async () => {
    const { calls, fetch } = recordingFetch(() =>
      Response.json({ id_token: 'x.y.z', access_token: null, token_type: null }),
    );
    const result = await exchangeSsoCode({ ...input, fetch });
    expect(result).toEqual({ id_token: 'x.y.z', access_token: null, token_type: null });
    expect(calls).toHaveLength(1);
    const { url, init } = calls[0]!;
    expect(url).toBe('https://api.vercel.example/v1/integrations/sso/token');
    expect(init.method).toBe('POST');
    expect(init.redirect).toBe('manual');
    const headers = init.headers as Record<string, string>;
    expect(headers['Content-Type']).toBe('application/json');
    expect(headers['User-Agent']).toMatch(/^vercel-marketplace-sso\//);
    expect(headers.Authorization).toBeUndefined();
    expect(JSON.parse(String(init.body))).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      state: 'the-state',
      client_id: 'oac_1',
      client_secret: 'shh',
    });
  });

  test("a non-2xx answer is a VercelApiError with Vercel's error.code and message", async () => {
    const { fetch } = recordingFetch(() =>
      Response.json({ error: { code: 'invalid_grant', message: 'Code expired' } }, { status: 400 }),
    );
    const error = await exchangeSsoCode({ ...input, fetch }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VercelApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'ERR_VERCEL_API',
      apiCode: 'invalid_grant',
      apiMessage: 'Code expired',
    });
  });

  test.each([
    ['a non-JSON 200', () => new Response('<html>', { status: 200 }), 'malformed_response'],
    ['a 200 without id_token', () => Response.json({ access_token: 'a' }), 'malformed_response'],
    [
      'a redirect',
      () => new Response(null, { status: 302, headers: { Location: 'https://elsewhere.example' } }),
      'network',
    ],
  ] as const)('%s is a VercelUnavailableError (%s)', async (_name, response, reason) => {
    const { fetch } = recordingFetch(response);
    await expect(exchangeSsoCode({ ...input, fetch })).rejects.toMatchObject({
      name: 'VercelUnavailableError',
      reason,
    });
  });

  test('no answer within the timeout is a timeout', async () => {
    const hanging = ((_url: URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as typeof fetch;
    const error = await exchangeSsoCode({ ...input, timeoutMs: 50, fetch: hanging }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VercelUnavailableError);
    expect(error).toMatchObject({ reason: 'timeout' });
  });
});
