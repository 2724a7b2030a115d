/**
 * `npm run vercel -- tokens …` driven in-process through `runCli` against the emulator: output
 * (table and --json), exit codes (0 / 1 API or environment error / 2 usage error), and where the
 * token values may (only `create`) and may not appear.
 */
import { runCli, type CliIo } from '../../src/cli/vercel';
import { IDS, startEmulator, type Started } from '../emulator/helpers';

let s: Started;
let aliceToken: string;
let aliceTokenId: string;

beforeAll(async () => {
  s = await startEmulator();
  const alice = s.emu.devTokens.find((d) => d.personId === 'person_alice')!;
  aliceToken = alice.bearerToken;
  aliceTokenId = alice.tokenId;
});
afterAll(() => s.close());

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI with `env` on top of the emulator's URL and Alice's development token. */
async function run(argv: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    env: { VERCEL_API_URL: s.url, VERCEL_TOKEN: aliceToken, ...env },
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** Create a token through the CLI and return its id and value. */
async function createViaCli(name: string): Promise<{ id: string; value: string }> {
  const r = await run(['tokens', 'create', name, '--json']);
  expect(r.code).toBe(0);
  const body = JSON.parse(r.stdout) as { token: { id: string }; bearerToken: string };
  return { id: body.token.id, value: body.bearerToken };
}

describe('tokens list', () => {
  test('prints a table of the tokens, exit 0', async () => {
    const r = await run(['tokens', 'list']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(
      /│ ID\s+│ Name\s+│ Status\s+│ Scopes\s+│ Created\s+│ Expires\s+│ Last active/,
    );
    expect(r.stdout).toContain(aliceTokenId);
    expect(r.stdout).toContain('Development token');
    // eslint-disable-next-line no-control-regex -- looks for ANSI escapes on purpose
    expect(r.stdout).not.toMatch(/\u001b\[/); // no colour codes
  });

  test('--json prints the API answer; --limit pages with a hint for the next page', async () => {
    await createViaCli('list-a');
    await createViaCli('list-b');
    const json = await run(['tokens', 'list', '--json', '--limit', '2']);
    expect(json.code).toBe(0);
    const page = JSON.parse(json.stdout) as {
      tokens: Array<{ name: string }>;
      pagination: { count: number; next: string | null };
    };
    expect(page.tokens.map((t) => t.name)).toEqual(['list-b', 'list-a']);
    expect(page.pagination.count).toBe(2);
    expect(page.pagination.next).toEqual(expect.any(String)); // /v6: an opaque string cursor

    const table = await run(['tokens', 'list', '--limit', '2']);
    expect(table.stdout).toContain(`Older tokens: add --until ${page.pagination.next}`);
    const older = await run([
      'tokens',
      'list',
      '--json',
      '--limit',
      '100',
      '--until',
      String(page.pagination.next),
    ]);
    const names = (JSON.parse(older.stdout) as { tokens: Array<{ name: string }> }).tokens.map(
      (t) => t.name,
    );
    expect(names).not.toContain('list-a');
    expect(names).not.toContain('list-b');
  });

  test('--team-id / --slug (create only): a team of the user works; another team is exit 1 with 403 on stderr', async () => {
    expect((await run(['tokens', 'create', 'team-ci', '--slug', 'acme-labs'])).code).toBe(0);
    const bob = s.emu.devTokens.find((d) => d.personId === 'person_bob')!.bearerToken;
    const r = await run(['tokens', 'create', 'x', '--team-id', IDS.globexAccount], {
      VERCEL_TOKEN: bob,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/403 \(forbidden\)/);
    expect(r.stderr).not.toContain(bob);
  });
});

describe('tokens get', () => {
  test('current: a field/value table; --json: {token}', async () => {
    const table = await run(['tokens', 'get', 'current']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`│ ID\\s+│ ${aliceTokenId}`));
    expect(table.stdout).toMatch(/│ Expires\s+│ never/);
    const json = await run(['tokens', 'get', 'current', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      token: expect.objectContaining({ id: aliceTokenId, name: 'Development token' }),
    });
  });

  test('an unknown id is exit 1 with the API error on stderr', async () => {
    const r = await run(['tokens', 'get', 'f'.repeat(64)]);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: expect.stringMatching(/^error: .*404 \(not_found\)/),
    });
  });
});

describe('tokens create', () => {
  test('prints the token and its value, which works', async () => {
    const expiresAt = Date.now() + 86_400_000;
    const r = await run(['tokens', 'create', 'ci bot', '--expires-at', String(expiresAt)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/│ Name\s+│ ci bot/);
    expect(r.stdout).toContain(new Date(expiresAt).toISOString());
    const value = /shown only this once[^\n]*\n(\S+)\n$/.exec(r.stdout)?.[1];
    expect(value).toBeDefined();
    const viaNew = await run(['tokens', 'get', 'current', '--json'], { VERCEL_TOKEN: value! });
    expect((JSON.parse(viaNew.stdout) as { token: { name: string } }).token.name).toBe('ci bot');
  });

  test('--json prints {token, bearerToken}; a past --expires-at is exit 1 (400)', async () => {
    const { value } = await createViaCli('json-bot');
    expect(value.length).toBeGreaterThan(10);
    const r = await run(['tokens', 'create', 'late', '--expires-at', '1000']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/400 \(invalid_request\)/);
  });
});

describe('tokens delete', () => {
  test('by id: table and --json confirmations; then the token is gone', async () => {
    const a = await createViaCli('del-a');
    const b = await createViaCli('del-b');
    expect(await run(['tokens', 'delete', a.id])).toEqual({
      code: 0,
      stdout: `Deleted token ${a.id}.\n`,
      stderr: '',
    });
    const json = await run(['tokens', 'delete', b.id, '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ tokenId: b.id });
    expect((await run(['tokens', 'get', a.id])).code).toBe(1);
    expect((await run(['tokens', 'get', 'current'], { VERCEL_TOKEN: b.value })).stderr).toMatch(
      /token expired or revoked/,
    );
  });

  test('current deletes the token in VERCEL_TOKEN', async () => {
    const t = await createViaCli('del-current');
    const r = await run(['tokens', 'delete', 'current'], { VERCEL_TOKEN: t.value });
    expect(r).toEqual({ code: 0, stdout: `Deleted token ${t.id}.\n`, stderr: '' });
    const again = await run(['tokens', 'list'], { VERCEL_TOKEN: t.value });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      'error: token expired or revoked (Vercel answered 403): create a new token and set VERCEL_TOKEN\n',
    );
  });
});

describe('token values are printed by create only', () => {
  test('no other command, output or error shows VERCEL_TOKEN or a created value', async () => {
    const created = await createViaCli('secret-check');
    const runs = [
      await run(['tokens', 'list']),
      await run(['tokens', 'list', '--json']),
      await run(['tokens', 'get', 'current']),
      await run(['tokens', 'get', created.id, '--json']),
      await run(['tokens', 'get', 'nope-nope']),
      await run(['tokens', 'create', 'x', '--team-id', 'team_other']),
      await run(['tokens', 'list'], { VERCEL_TOKEN: 'vercel_dev_token_bogus_123' }),
      await run(['tokens', 'list'], { VERCEL_TOKEN: 'bad token\nX-Injected: 1' }),
      await run(['tokens', 'frobnicate']),
      await run(['tokens', 'delete', created.id]),
    ];
    for (const r of runs) {
      const all = r.stdout + r.stderr;
      expect(all).not.toContain(aliceToken);
      expect(all).not.toContain(created.value);
      expect(all).not.toContain('vercel_dev_token_bogus_123');
      expect(all).not.toContain('X-Injected');
    }
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 0]);
  });
});

describe('usage and environment', () => {
  test('--help prints the usage on stdout, exit 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run vercel -- tokens/);
    expect(r.stdout).toMatch(
      /Exit codes: 0 success, 1 API error or missing VERCEL_TOKEN, 2 usage error/,
    );
  });

  test.each([
    [[]],
    [['tokens']],
    [['projects', 'list']],
    [['tokens', 'rename', 'x']],
    [['tokens', 'get']],
    [['tokens', 'delete']],
    [['tokens', 'create']],
    [['tokens', 'get', 'a', 'b']],
    [['tokens', 'list', 'extra']],
    [['tokens', 'list', '--limit', 'ten']],
    [['tokens', 'list', '--limit', '0']],
    [['tokens', 'list', '--until', '1', '--since', '2']],
    [['tokens', 'list', '--expires-at', '1']],
    [['tokens', 'get', 'current', '--limit', '5']],
    [['tokens', 'create', 'x', '--expires-at', 'tomorrow']],
    [['tokens', 'list', '--verbose']],
    [['tokens', 'list', '--team-id']],
    [['tokens', 'list', '--slug', '']],
    [['tokens', 'list', '--slug', 'acme-labs']],
    [['tokens', 'get', 'current', '--team-id', 'team_1']],
    [['tokens', 'list', '--until', '']],
    [['tokens', 'list', '--until', 'a\u001bb']],
  ])('%j is a usage error: exit 2, message and usage on stderr, no request', async (argv) => {
    const before = s.emu.userTokens.records().length;
    const r = await run(argv, { VERCEL_TOKEN: undefined });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: .+\n\nUsage: /);
    expect(s.emu.userTokens.records()).toHaveLength(before);
  });

  test('missing VERCEL_TOKEN is exit 1 with a message', async () => {
    for (const token of [undefined, '', '   ']) {
      const r = await run(['tokens', 'list'], { VERCEL_TOKEN: token });
      expect(r).toEqual({
        code: 1,
        stdout: '',
        stderr: expect.stringMatching(/^error: VERCEL_TOKEN is not set/),
      });
    }
  });

  test('a bad VERCEL_API_URL or an unreachable API is exit 1', async () => {
    const bad = await run(['tokens', 'list'], { VERCEL_API_URL: 'ftp://example.com' });
    expect(bad).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/VERCEL_API_URL/) });
    const closed = await startEmulator();
    await closed.close();
    const down = await run(['tokens', 'list'], { VERCEL_API_URL: closed.url });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^error: Vercel API unavailable/);
  });
});
