/**
 * Issue 13 items 10-12: the token API as Vercel's 2026 spec and production have it (VERCEL-SSO.md §5),
 * through the typed client and the CLI against the emulator (and a fetch double for shapes the
 * emulator never sends: unknown scope types, sudo, leaked tokens from Vercel).
 */
import request from 'supertest';
import { runCli, type CliIo } from '../../../src/cli/vercel';
import {
  createVercelAuthClient,
  VercelApiError,
  type VercelAuthClient,
} from '../../../src/vercel/auth-client';
import { recordingFetch } from '../../support/fetch-double';
import { startEmulator, type Started } from '../../emulator/helpers';

let s: Started;
beforeAll(async () => {
  s = await startEmulator();
});
afterAll(() => s.close());

function devToken(personId: string): string {
  return s.emu.devTokens.find((d) => d.personId === personId)!.bearerToken;
}

function client(bearerToken: string): VercelAuthClient {
  return createVercelAuthClient({ apiUrl: new URL(s.url), bearerToken, timeoutMs: 5000 });
}

async function cli(
  argv: string[],
  token: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    env: { VERCEL_API_URL: s.url, VERCEL_TOKEN: token },
    stdout: { write: (c: string) => (stdout += c) },
    stderr: { write: (c: string) => (stderr += c) },
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

describe('issue 13 item 10: string or number pagination cursors, passed back verbatim as until', () => {
  test('the client and the CLI page through /v6 string cursors and /v5 number cursors', async () => {
    const carol = devToken('person_carol');
    for (let i = 0; i < 4; i += 1) await client(carol).createToken({ name: `cursor-${i}` });
    const seen: string[] = [];
    let until: string | number | undefined;
    for (let guard = 0; guard < 10; guard += 1) {
      const page = await client(carol).listTokens({
        limit: 2,
        ...(until !== undefined ? { until } : {}),
      });
      seen.push(...page.tokens.map((t) => t.name));
      if (page.pagination.next === null) break;
      expect(typeof page.pagination.next).toBe('string');
      until = page.pagination.next;
    }
    expect(seen).toEqual(['cursor-3', 'cursor-2', 'cursor-1', 'cursor-0', 'Development token']);
    const v5 = await client(carol).listTokens({ version: 'v5', limit: 2 });
    expect(typeof v5.pagination.next).toBe('number');
    expect(
      (
        await client(carol).listTokens({ version: 'v5', limit: 2, until: v5.pagination.next! })
      ).tokens.map((t) => t.name),
    ).toEqual(['cursor-1', 'cursor-0']);

    const first = await cli(['tokens', 'list', '--limit', '2'], carol);
    const hint = /Older tokens: add --until (\S+)/.exec(first.stdout)![1]!;
    const second = await cli(['tokens', 'list', '--limit', '2', '--until', hint], carol);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('cursor-1');
    expect(second.stdout).not.toContain('cursor-3');
  });

  test('an opaque cursor with reserved characters reaches the server byte for byte', async () => {
    const cursor = 'eyJ0Ijox:fQ==/+&x';
    const { calls, fetch } = recordingFetch(() =>
      Response.json({ tokens: [], pagination: { count: 0, next: cursor, prev: 17 } }),
    );
    const c = createVercelAuthClient({
      apiUrl: new URL('https://api.vercel.example'),
      bearerToken: 'tok',
      fetch,
    });
    const page = await c.listTokens();
    expect(page.pagination).toEqual({ count: 0, next: cursor, prev: 17 });
    await c.listTokens({ until: page.pagination.next! });
    expect(new URL(calls[1]!.url).searchParams.get('until')).toBe(cursor);
  });
});

describe('issue 13 item 11: an expired, revoked or unknown bearer token is 403 invalidToken', () => {
  test('the emulator answers production’s body, the client exposes invalidToken, the CLI says "token expired or revoked"', async () => {
    const created = await client(devToken('person_alice')).createToken({ name: 'to-revoke' });
    s.emu.userTokens.revoke(created.token.id);
    const raw = await request(s.url)
      .get('/v5/user/tokens/current')
      .set('Authorization', `Bearer ${created.bearerToken}`);
    expect(raw.status).toBe(403);
    expect(raw.body).toEqual({
      error: { code: 'forbidden', message: 'Not authorized', invalidToken: true },
    });

    const error = await client(created.bearerToken)
      .getToken('current')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VercelApiError);
    expect(error).toMatchObject({ status: 403, apiCode: 'forbidden', invalidToken: true });
    const unknown = await client('vercel_unknown_token_000000')
      .listTokens()
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({ status: 403, invalidToken: true });

    const r = await cli(['tokens', 'list'], created.bearerToken);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: token expired or revoked (Vercel answered 403): create a new token and set VERCEL_TOKEN\n',
    });
    expect(r.stderr).not.toContain(created.bearerToken);
  });
});

describe('issue 13 item 12: tolerant AuthToken parsing, revoked/leaked/sudo, prefix/suffix, method_unknown', () => {
  test('one unknown scope type or origin never breaks a response; sudo, revokedAt, leakedUrl are carried', async () => {
    const token = {
      id: 'tok_1',
      name: 'ci',
      type: 'oauth2-token',
      origin: 'brand-new-origin',
      scopes: [
        {
          type: 'user',
          origin: 'passkey',
          createdAt: 1,
          sudo: { origin: 'totp', verifiedAt: 2, expiresAt: 3 },
        },
        { type: 'team', teamId: 'team_1', origin: 'saml', createdAt: 1, sudo: 'not-an-object' },
        { type: 'project', projectId: 'prj_1', createdAt: 1 },
        { type: 'team', createdAt: 1 },
        null,
      ],
      activeAt: 1,
      createdAt: 1,
      revokedAt: 1_767_225_600_000,
      leakedAt: 1_767_225_600_000,
      leakedUrl: 'https://github.com/acme/app/blob/main/.env',
    };
    const { fetch } = recordingFetch(() => Response.json({ token }));
    const parsed = (
      await createVercelAuthClient({
        apiUrl: new URL('https://api.vercel.example'),
        bearerToken: 'tok',
        fetch,
      }).getToken('tok_1')
    ).token;
    expect(parsed.scopes).toEqual([
      {
        type: 'user',
        origin: 'passkey',
        createdAt: 1,
        sudo: { origin: 'totp', verifiedAt: 2, expiresAt: 3 },
      },
      { type: 'team', teamId: 'team_1', origin: 'saml', createdAt: 1 },
      { type: 'other', scopeType: 'project' },
      { type: 'other', scopeType: 'team' },
      { type: 'other', scopeType: 'unknown' },
    ]);
    expect(parsed).toMatchObject({
      origin: 'brand-new-origin',
      revokedAt: token.revokedAt,
      leakedUrl: token.leakedUrl,
    });
  });

  test('emulator tokens carry prefix/suffix; the CLI shows revoked and leaked tokens; an unsupported method is method_unknown', async () => {
    const bob = devToken('person_bob');
    const created = await client(bob).createToken({ name: 'leaky' });
    expect(created.token.prefix).toBe(created.bearerToken.slice(0, 4));
    expect(created.token.suffix).toBe(created.bearerToken.slice(-4));
    const revoked = await client(bob).createToken({ name: 'revoked-one' });
    s.emu.userTokens.markLeaked(created.token.id, 'https://github.com/acme/app/blob/main/.env');
    s.emu.userTokens.revoke(revoked.token.id);

    const list = await cli(['tokens', 'list'], bob);
    expect(list.code).toBe(0);
    const row = (name: string) => list.stdout.split('\n').find((line) => line.includes(name))!;
    expect(row('leaky')).toMatch(/LEAKED \d{4}-\d\d-\d\dT/);
    expect(row('revoked-one')).toMatch(/revoked \d{4}-\d\d-\d\dT/);
    expect(row('Development token')).toContain('active');
    const one = await cli(['tokens', 'get', created.token.id], bob);
    expect(one.stdout).toContain('https://github.com/acme/app/blob/main/.env');
    expect(one.stdout).not.toContain(created.bearerToken);

    const wrong = await request(s.url).put('/v6/user/tokens').set('Authorization', `Bearer ${bob}`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET');
    expect(wrong.body).toEqual({
      error: { code: 'method_unknown', message: 'This endpoint only responds to GET' },
    });
    expect((await request(s.url).get('/v3/user/tokens/current')).body.error.code).toBe(
      'method_unknown',
    );
  });
});
