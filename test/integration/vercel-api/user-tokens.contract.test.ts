/**
 * Contract suite for Vercel's authentication endpoints (docs/VERCEL-SSO.md §1.3, §5), driven through
 * the typed client (src/vercel/auth-client.ts) against the emulator. What passes here is what the
 * client expects from api.vercel.com and what the emulator promises to do.
 */
import { z } from 'zod';
import {
  createVercelAuthClient,
  VercelApiError,
  type AuthToken,
  type CreateAuthTokenRequest,
  type ListAuthTokensResponse,
  type VercelAuthClient,
  type VercelAuthClientOptions,
} from '../../../src/vercel/auth-client';
import { requestJson } from '../../../src/vercel/http';
import { IDS, startEmulator, type Started } from '../../emulator/helpers';

let s: Started;
/** Every raw response body the client received (to check what the wire carried). */
const wire: string[] = [];
const recordingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  wire.push(await response.clone().text());
  return response;
};

beforeAll(async () => {
  s = await startEmulator();
});
afterAll(() => s.close());

function devToken(personId: string): string {
  const t = s.emu.devTokens.find((d) => d.personId === personId);
  if (!t) throw new Error(`no dev token for ${personId}`);
  return t.bearerToken;
}

function client(
  bearerToken: string,
  extra: Partial<VercelAuthClientOptions> = {},
): VercelAuthClient {
  return createVercelAuthClient({
    apiUrl: new URL(s.url),
    bearerToken,
    timeoutMs: 5000,
    fetch: recordingFetch,
    ...extra,
  });
}

const alice = () => client(devToken('person_alice'));

/** The VercelApiError a promise rejects with. */
async function apiError(promise: Promise<unknown>): Promise<VercelApiError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof VercelApiError))
    throw new Error(`expected a VercelApiError, got ${String(error)}`);
  return error;
}

async function expectStatus(
  promise: Promise<unknown>,
  status: number,
  code: string,
): Promise<void> {
  const error = await apiError(promise);
  expect({ status: error.status, code: error.apiCode }).toEqual({ status, code });
  expect(error.apiMessage).toEqual(expect.any(String));
}

describe('SSO token exchange through the same client', () => {
  test('POST /v1/integrations/sso/token answers an id_token', async () => {
    const { code, state } = s.emu.controls.mintLogin({
      installationId: IDS.acme,
      userId: IDS.aliceAcme,
    });
    const vercel = createVercelAuthClient({ apiUrl: new URL(s.url), timeoutMs: 5000 });
    const answer = await vercel.exchangeSsoCode({
      code,
      state,
      clientId: s.emu.integration.clientId,
      clientSecret: s.emu.integration.clientSecret,
    });
    expect(answer.id_token.split('.')).toHaveLength(3);
  });
});

describe('GET /v5/user/tokens/{id|current}', () => {
  test('current is the token of the request', async () => {
    const { token } = await alice().getToken('current');
    expect(token).toMatchObject({
      id: s.emu.devTokens[0]!.tokenId,
      name: 'Development token',
      type: 'oauth2-token',
      scopes: [{ type: 'user' }],
    });
    expect(token.activeAt).toBeGreaterThanOrEqual(token.createdAt);
  });

  test("by id: own tokens only; unknown or another user's id is 404; a malformed id is 400", async () => {
    const created = await alice().createToken({ name: 'by-id' });
    expect((await alice().getToken(created.token.id)).token.id).toBe(created.token.id);
    await expectStatus(alice().getToken('0'.repeat(64)), 404, 'not_found');
    const carols = s.emu.devTokens.find((d) => d.personId === 'person_carol')!.tokenId;
    await expectStatus(alice().getToken(carols), 404, 'not_found');
    await expectStatus(alice().getToken('not.an.id'), 400, 'invalid_request');
  });
});

describe('POST /v3/user/tokens', () => {
  test('returns the token and its value once; the value works; get and list never carry it; only a hash is stored', async () => {
    wire.length = 0;
    const expiresAt = Date.now() + 3_600_000;
    const created = await alice().createToken({
      name: 'deploy bot',
      expiresAt,
      projectId: 'prj_acmeWeb000000000001',
    });
    expect(created.token).toMatchObject({
      name: 'deploy bot',
      type: 'oauth2-token',
      expiresAt,
      scopes: [{ type: 'user', expiresAt }],
    });
    expect(created.token.createdAt).toBeGreaterThan(0);
    const value = created.bearerToken;
    expect(value.length).toBeGreaterThanOrEqual(20);

    const viaNewToken = await client(value).getToken('current');
    expect(viaNewToken.token.id).toBe(created.token.id);
    await alice().getToken(created.token.id);
    await alice().listTokens({ limit: 100 });
    const [createAnswer, ...later] = wire;
    expect(createAnswer).toContain(value);
    for (const body of later) {
      expect(body).not.toContain(value);
      expect(body).not.toContain('bearerToken');
    }

    const stored = JSON.stringify(s.emu.userTokens.records());
    expect(stored).toContain(created.token.id);
    expect(stored).not.toContain(value);
    for (const d of s.emu.devTokens) expect(stored).not.toContain(d.bearerToken);
  });

  test.each<[string, unknown]>([
    ['no name', {}],
    ['an empty name', { name: '  ' }],
    ['a non-string name', { name: 42 }],
    ['expiresAt in the past', { name: 'x', expiresAt: Date.now() - 1000 }],
    ['expiresAt as a string', { name: 'x', expiresAt: String(Date.now() + 60_000) }],
    ['expiresAt not an integer', { name: 'x', expiresAt: Date.now() + 60_000.5 }],
    ['projectId not a string', { name: 'x', projectId: 7 }],
    ['an unknown field', { name: 'x', scopes: [] }],
    ['a body that is not an object', ['x']],
  ])('400 for %s', async (_label, body) => {
    await expectStatus(alice().createToken(body as CreateAuthTokenRequest), 400, 'invalid_request');
  });
});

describe('DELETE /v3/user/tokens/{id|current}', () => {
  test('by id: the token stops working; a second delete is 404', async () => {
    const created = await alice().createToken({ name: 'short-lived' });
    expect(await alice().deleteToken(created.token.id)).toEqual({ tokenId: created.token.id });
    await expectStatus(client(created.bearerToken).getToken('current'), 403, 'forbidden');
    await expectStatus(alice().deleteToken(created.token.id), 404, 'not_found');
    await expectStatus(alice().getToken(created.token.id), 404, 'not_found');
  });

  test('current invalidates the calling token only', async () => {
    const carol = client(devToken('person_carol'));
    const created = await carol.createToken({ name: 'self-destruct' });
    const self = client(created.bearerToken);
    expect(await self.deleteToken('current')).toEqual({ tokenId: created.token.id });
    await expectStatus(self.getToken('current'), 403, 'forbidden');
    await expectStatus(self.deleteToken('current'), 403, 'forbidden');
    expect((await carol.getToken('current')).token.name).toBe('Development token');
  });

  test("another user's token is 404 and survives; a malformed id is 400", async () => {
    const carols = s.emu.devTokens.find((d) => d.personId === 'person_carol')!;
    await expectStatus(alice().deleteToken(carols.tokenId), 404, 'not_found');
    expect((await client(carols.bearerToken).getToken('current')).token.id).toBe(carols.tokenId);
    await expectStatus(alice().deleteToken('a/b'), 400, 'invalid_request');
  });
});

describe('authentication (401 without a token; 403 invalidToken for a bad one)', () => {
  const calls: Array<[string, (c: VercelAuthClient) => Promise<unknown>]> = [
    ['create', (c) => c.createToken({ name: 'x' })],
    ['delete', (c) => c.deleteToken('current')],
    ['get', (c) => c.getToken('current')],
    ['list v5', (c) => c.listTokens({ version: 'v5' })],
    ['list v6', (c) => c.listTokens()],
  ];

  test.each(calls)(
    '%s with an unknown token is 403 invalidToken and the message never contains it',
    async (_label, call) => {
      const bogus = 'vercel_dev_token_nobody_0000000000000000';
      const error = await apiError(call(client(bogus)));
      expect({
        status: error.status,
        code: error.apiCode,
        invalidToken: error.invalidToken,
      }).toEqual({
        status: 403,
        code: 'forbidden',
        invalidToken: true,
      });
      expect(`${error.message} ${error.apiMessage ?? ''} ${error.stack ?? ''}`).not.toContain(
        bogus,
      );
    },
  );

  test.each([
    ['POST', '/v3/user/tokens'],
    ['DELETE', '/v3/user/tokens/current'],
    ['GET', '/v5/user/tokens/current'],
    ['GET', '/v5/user/tokens'],
    ['GET', '/v6/user/tokens'],
  ] as const)('%s %s without a token is 401', async (method, path) => {
    const error = await apiError(
      requestJson({
        method,
        url: new URL(path, s.url),
        ...(method === 'POST' ? { body: { name: 'x' } } : {}),
        timeoutMs: 5000,
        maxBodyBytes: 65_536,
        schema: z.unknown(),
      }),
    );
    expect({ status: error.status, code: error.apiCode }).toEqual({
      status: 401,
      code: 'not_authenticated',
    });
  });

  test('an expired token stops authenticating', async () => {
    // 2 s: the first use below must come before the expiry even on a loaded machine (400 ms raced).
    const created = await alice().createToken({ name: 'expiring', expiresAt: Date.now() + 2000 });
    const expiring = client(created.bearerToken);
    expect((await expiring.getToken('current')).token.id).toBe(created.token.id);
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, created.token.expiresAt! - Date.now()) + 100),
    );
    await expectStatus(expiring.getToken('current'), 403, 'forbidden');
    await expectStatus(expiring.listTokens(), 403, 'forbidden');
    // Still visible (and deletable) to its owner, with its expiry.
    expect((await alice().getToken(created.token.id)).token.expiresAt).toBe(
      created.token.expiresAt,
    );
  });
});

describe('team scoping (teamId / slug)', () => {
  const bob = () => devToken('person_bob');
  test('create for a team the user is not a member of is 403 (teamId, slug, unknown team)', async () => {
    const create = (c: VercelAuthClient) => c.createToken({ name: 'x' });
    for (const team of [
      { teamId: IDS.globexAccount },
      { slug: 'globex' },
      { teamId: 'team_doesNotExist' },
    ]) {
      const error = await apiError(create(client(bob(), team)));
      expect({
        status: error.status,
        code: error.apiCode,
        invalidToken: error.invalidToken,
      }).toEqual({
        status: 403,
        code: 'forbidden',
        invalidToken: false,
      });
    }
    // Bob's token is still fine for his own team.
    expect(
      (await client(bob(), { slug: 'acme-labs' }).createToken({ name: 'acme ci' })).token.scopes,
    ).toEqual([expect.objectContaining({ type: 'team', teamId: IDS.acmeAccount })]);
  });

  test('a token created for a team carries a team scope; teamId and slug naming different teams is 400', async () => {
    const created = await client(devToken('person_alice'), { slug: 'globex' }).createToken({
      name: 'globex ci',
    });
    expect(created.token.scopes).toEqual([
      {
        type: 'team',
        teamId: IDS.globexAccount,
        origin: expect.any(String),
        createdAt: created.token.createdAt,
      },
    ]);
    await expectStatus(
      client(devToken('person_alice'), { teamId: IDS.acmeAccount, slug: 'globex' }).createToken({
        name: 'y',
      }),
      400,
      'invalid_request',
    );
  });
});

describe('GET /v5/user/tokens and /v6/user/tokens: paging', () => {
  const mallory = () => client(devToken('person_mallory'));
  let created: AuthToken[];

  beforeAll(async () => {
    created = [];
    // The emulator's clock stands still: all 55 tokens are created in the same millisecond.
    const frozen = Date.now();
    s.emu.userTokens.setClock(() => frozen);
    try {
      for (let i = 0; i < 55; i += 1)
        created.push((await mallory().createToken({ name: `paging-${i}` })).token);
    } finally {
      s.emu.userTokens.setClock(() => Date.now());
    }
  });

  async function walk(
    version: 'v5' | 'v6',
    direction: 'next' | 'prev',
    start: { until?: string | number; since?: string | number } = {},
  ): Promise<ListAuthTokensResponse[]> {
    const pages: ListAuthTokensResponse[] = [];
    let cursor: { until?: string | number; since?: string | number } = start;
    for (let guard = 0; guard < 20; guard += 1) {
      const page = await mallory().listTokens({ version, limit: 20, ...cursor });
      pages.push(page);
      expect(page.pagination.count).toBe(page.tokens.length);
      const to = page.pagination[direction];
      if (to === null) return pages;
      cursor = direction === 'next' ? { until: to } : { since: to };
    }
    throw new Error('paging did not end');
  }

  test.each(['v5', 'v6'] as const)(
    '%s: limit=20 visits every token exactly once, newest first, forwards and back',
    async (version) => {
      const forward = await walk(version, 'next');
      expect(forward.map((p) => p.tokens.length)).toEqual([20, 20, 16]); // 55 + the development token
      expect(forward[0]!.pagination.prev).toBeNull();
      const seen = forward.flatMap((p) => p.tokens);
      const ids = seen.map((t) => t.id);
      expect(new Set(ids).size).toBe(56);
      expect(ids).toEqual(expect.arrayContaining(created.map((t) => t.id)));
      for (let i = 1; i < seen.length; i += 1)
        expect(seen[i]!.createdAt).toBeLessThanOrEqual(seen[i - 1]!.createdAt);
      expect(seen.slice(0, 55).map((t) => t.name)).toEqual(created.map((t) => t.name).reverse());

      // Back from the last page with `prev`: the same pages again, in reverse order.
      const lastPage = forward[forward.length - 1]!;
      expect(lastPage.pagination.next).toBeNull();
      const backward = await walk(version, 'prev', { since: lastPage.pagination.prev! });
      expect(backward.map((p) => p.tokens.map((t) => t.id))).toEqual(
        [forward[1]!, forward[0]!].map((p) => p.tokens.map((t) => t.id)),
      );
    },
  );

  test('default page size is 20; limit is bounded to 1-100; until and since are validated', async () => {
    const page = await mallory().listTokens({ version: 'v5' });
    expect(page.tokens).toHaveLength(20);
    expect(page.pagination.next).toBe(page.tokens[19]!.createdAt);
    expect(typeof (await mallory().listTokens()).pagination.next).toBe('string'); // v6: opaque cursors
    expect((await mallory().listTokens({ limit: 100 })).tokens).toHaveLength(56);
    expect((await mallory().listTokens({ limit: 100 })).pagination).toEqual({
      count: 56,
      next: null,
      prev: null,
    });
    for (const limit of [0, 101, 2.5, -1])
      await expectStatus(mallory().listTokens({ limit }), 400, 'invalid_request');
    await expectStatus(mallory().listTokens({ until: -5 }), 400, 'invalid_request');
    await expectStatus(
      mallory().listTokens({ until: Date.now(), since: 1 }),
      400,
      'invalid_request',
    );
  });

  test('each user sees only their own tokens', async () => {
    const mine = (await alice().listTokens({ limit: 100 })).tokens.map((t) => t.id);
    for (const t of created) expect(mine).not.toContain(t.id);
  });
});
