import request from 'supertest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { exchangeFresh, IDS, startEmulator, type Started } from '../helpers';

let s: Started;
beforeAll(async () => {
  s = await startEmulator();
});
afterAll(() => s.close());

describe('HTTP controls under /_emulator', () => {
  it('rotate-key returns the new kid and updates the JWKS', async () => {
    const res = await request(s.url)
      .post('/_emulator/rotate-key')
      .send({ keepPrevious: false })
      .expect(200);
    const jwks = await request(s.url).get('/.well-known/jwks');
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toEqual([res.body.kid]);
    const noBody = await request(s.url).post('/_emulator/rotate-key').expect(200);
    expect((await request(s.url).get('/.well-known/jwks')).body.keys).toHaveLength(2);
    expect(noBody.body.kid).not.toBe(res.body.kid);
  });

  it('faults: set with times, then delete', async () => {
    await request(s.url)
      .post('/_emulator/faults')
      .send({ target: 'token', fault: { kind: 'unavailable' }, times: 1 })
      .expect(200);
    expect((await exchangeFresh(s)).status).toBe(503);
    expect((await exchangeFresh(s)).status).toBe(200);
    await request(s.url)
      .post('/_emulator/faults')
      .send({ target: 'jwks', fault: { kind: 'status', status: 500 } })
      .expect(200);
    expect((await request(s.url).get('/.well-known/jwks')).status).toBe(500);
    await request(s.url).delete('/_emulator/faults').expect(200);
    expect((await request(s.url).get('/.well-known/jwks')).status).toBe(200);
  });

  it('faults: invalid input → 400 in Vercel error shape', async () => {
    for (const body of [
      { target: 'nope', fault: { kind: 'hang' } },
      { target: 'token', fault: { kind: 'explode' } },
      { target: 'token', fault: { kind: 'delay', ms: 'soon' } },
      { target: 'jwks', fault: { kind: 'null_access_token' } },
      { target: 'token', fault: { kind: 'hang' }, times: 0 },
    ]) {
      const res = await request(s.url).post('/_emulator/faults').send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    const malformed = await request(s.url)
      .post('/_emulator/faults')
      .set('Content-Type', 'application/json')
      .send('{');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_request');
  });

  it('next-token sets a one-shot override; DELETE clears it', async () => {
    await request(s.url)
      .post('/_emulator/next-token')
      .send({ claims: { user_role: 'USER' }, header: { kid: 'x' } })
      .expect(200);
    const token = (await exchangeFresh(s, IDS.acme, IDS.aliceAcme)).body.id_token;
    expect(decodeJwt(token).user_role).toBe('USER');
    expect(decodeProtectedHeader(token).kid).toBe('x');
    expect(decodeJwt((await exchangeFresh(s)).body.id_token).user_role).toBe('ADMIN');
    await request(s.url).post('/_emulator/next-token').send({ signWith: 'none' }).expect(200);
    await request(s.url).delete('/_emulator/next-token').expect(200);
    expect(decodeProtectedHeader((await exchangeFresh(s)).body.id_token).alg).toBe('RS256');
    expect(
      (await request(s.url).post('/_emulator/next-token').send({ signWith: 'weird' })).status,
    ).toBe(400);
  });

  it('mint-login and stats', async () => {
    await request(s.url).delete('/_emulator/stats').expect(200);
    const minted = await request(s.url)
      .post('/_emulator/mint-login')
      .send({ installationId: IDS.acme, userId: IDS.bobAcme, context: { path: 'usage' } })
      .expect(200);
    expect(new URL(minted.body.redirectUrl).searchParams.get('path')).toBe('usage');
    expect(
      (
        await request(s.url)
          .post('/_emulator/mint-login')
          .send({ installationId: 'icfg_x', userId: 'y' })
      ).status,
    ).toBe(404);
    const stats = await request(s.url).get('/_emulator/stats').expect(200);
    expect(stats.body).toEqual({
      jwksRequests: 0,
      discoveryRequests: 0,
      tokenRequests: 0,
      codesIssued: 1,
    });
  });
});
