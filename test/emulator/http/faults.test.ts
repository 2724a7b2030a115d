import http from 'node:http';
import request from 'supertest';
import { decodeJwt } from 'jose';
import { eventually } from '../../support/eventually';
import { exchangeFresh, IDS, postToken, startEmulator, tokenBody, type Started } from '../helpers';

let s: Started;
beforeAll(async () => {
  s = await startEmulator();
});
afterAll(() => s.close());
afterEach(() => s.emu.controls.clearFaults());

/** GET/POST with a client-side timeout; resolves 'timeout' when nothing came back. */
function rawRequest(url: string, method: string, timeoutMs: number): Promise<number | 'timeout'> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.setTimeout(timeoutMs, () => {
      req.destroy();
      resolve('timeout');
    });
    req.on('error', (err) =>
      (err as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve('timeout') : reject(err),
    );
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

describe('token endpoint faults', () => {
  it('delay: waits, then answers normally', async () => {
    s.emu.controls.setFault('token', { kind: 'delay', ms: 300 }, { times: 1 });
    const started = Date.now();
    const res = await exchangeFresh(s);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(res.status).toBe(200);
    expect(res.body.id_token).toEqual(expect.any(String));
  });

  it('status: answers the given status and body; times clears it', async () => {
    s.emu.controls.setFault(
      'token',
      { kind: 'status', status: 502, body: '<html>Bad gateway</html>' },
      { times: 2 },
    );
    for (let i = 0; i < 2; i++) {
      const res = await exchangeFresh(s);
      expect(res.status).toBe(502);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toBe('<html>Bad gateway</html>');
    }
    expect((await exchangeFresh(s)).status).toBe(200);
  });

  it('status without body: Vercel error JSON', async () => {
    s.emu.controls.setFault('token', { kind: 'status', status: 500 });
    const res = await exchangeFresh(s);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: { code: 'internal_server_error', message: expect.any(String) },
    });
  });

  it('non_json: 200 text/html', async () => {
    s.emu.controls.setFault('token', { kind: 'non_json' });
    const res = await exchangeFresh(s);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(() => JSON.parse(res.text)).toThrow();
  });

  it('missing_id_token: 200 JSON without id_token (the code is consumed)', async () => {
    s.emu.controls.setFault('token', { kind: 'missing_id_token' }, { times: 1 });
    const { code, state } = s.emu.controls.mintLogin({
      installationId: IDS.acme,
      userId: IDS.aliceAcme,
    });
    const res = await postToken(s.url, tokenBody(code, state));
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('id_token');
    expect(res.body.token_type).toBe('Bearer');
    expect((await postToken(s.url, tokenBody(code, state))).status).toBe(400);
  });

  it('null_access_token: a valid id_token with access_token and token_type null', async () => {
    s.emu.controls.setFault('token', { kind: 'null_access_token' });
    const res = await exchangeFresh(s);
    expect(res.status).toBe(200);
    expect(res.body.access_token).toBeNull();
    expect(res.body.token_type).toBeNull();
    expect(decodeJwt(res.body.id_token).user_id).toBe(IDS.aliceAcme);
  });

  it('unavailable: 503', async () => {
    s.emu.controls.setFault('token', { kind: 'unavailable' });
    const res = await exchangeFresh(s);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('service_unavailable');
  });

  it('hang: never answers until the client aborts', async () => {
    s.emu.controls.setFault('token', { kind: 'hang' }, { times: 1 });
    expect(await rawRequest(`${s.url}/v1/integrations/sso/token`, 'POST', 300)).toBe('timeout');
    expect((await exchangeFresh(s)).status).toBe(200);
  });

  it('rejects token-only kinds on other targets and invalid faults', () => {
    expect(() => s.emu.controls.setFault('jwks', { kind: 'missing_id_token' })).toThrow(TypeError);
    expect(() => s.emu.controls.setFault('token', { kind: 'delay', ms: -1 })).toThrow(TypeError);
    expect(() => s.emu.controls.setFault('token', { kind: 'hang' }, { times: 0 })).toThrow(
      TypeError,
    );
    expect(() => s.emu.controls.setFault('nope' as never, { kind: 'hang' })).toThrow(TypeError);
  });
});

describe('JWKS and discovery faults', () => {
  it('unavailable → 503 on jwks; discovery unaffected; still counted', async () => {
    s.emu.controls.resetStats();
    s.emu.controls.setFault('jwks', { kind: 'unavailable' });
    expect((await request(s.url).get('/.well-known/jwks')).status).toBe(503);
    expect((await request(s.url).get('/.well-known/openid-configuration')).status).toBe(200);
    expect(s.emu.controls.stats()).toMatchObject({ jwksRequests: 1, discoveryRequests: 1 });
    s.emu.controls.setFault('jwks', null);
    expect((await request(s.url).get('/.well-known/jwks')).status).toBe(200);
  });

  it('status / non_json / delay on discovery', async () => {
    s.emu.controls.setFault(
      'discovery',
      { kind: 'status', status: 404, body: 'nope', contentType: 'text/plain' },
      { times: 1 },
    );
    const notFound = await request(s.url).get('/.well-known/openid-configuration');
    expect(notFound.status).toBe(404);
    expect(notFound.text).toBe('nope');
    s.emu.controls.setFault('discovery', { kind: 'non_json' }, { times: 1 });
    expect(
      (await request(s.url).get('/.well-known/openid-configuration')).headers['content-type'],
    ).toMatch(/text\/html/);
    s.emu.controls.setFault('discovery', { kind: 'delay', ms: 150 }, { times: 1 });
    const t0 = Date.now();
    const ok = await request(s.url).get('/.well-known/openid-configuration');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(ok.body.issuer).toBe(s.url);
  });

  it('hang on jwks is released by close()', async () => {
    const other = await startEmulator();
    let closed = false;
    try {
      other.emu.controls.setFault('jwks', { kind: 'hang' });
      // The client's own timeout (15 s) is far above the bound below: only close() can end it sooner.
      const pending = rawRequest(`${other.url}/.well-known/jwks`, 'GET', 15_000);
      // Close only once the request hangs in the emulator (a fixed 100 ms sleep raced on a loaded CI).
      await eventually(
        'the JWKS request to reach the emulator',
        () => other.emu.controls.stats().jwksRequests > 0,
        10_000,
        10,
      );
      const t0 = Date.now();
      closed = true;
      await other.close();
      expect(await pending).toBe('timeout'); // connection reset by the server
      expect(Date.now() - t0).toBeLessThan(10_000); // released by close(), not by the client's timeout
    } finally {
      if (!closed) await other.close();
    }
  });
});
