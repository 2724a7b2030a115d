/**
 * Argument parsing of `vercel tokens …` (node's `util.parseArgs`): turns argv into one
 * {@link TokensCommand} or a {@link UsageError}. No I/O.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import type { TeamSelector } from '../vercel/auth-client';
import { VercelSsoError } from '../errors/base';

/** Shown by `--help` and after a usage error. */
export const USAGE = `Usage: npm run vercel -- tokens <command> [options]

Commands:
  tokens list                         List your tokens, newest first
  tokens get <id|current>             Show one token
  tokens create <name>                Create a token (its value is printed once)
  tokens delete <id|current>          Delete a token ("current": the one in VERCEL_TOKEN)

Options:
  --team-id <id>      create: create the token for this team (teamId)
  --slug <slug>       create: create the token for the team with this slug
  --limit <n>         list: page size (the API accepts 1-100)
  --until <cursor>    list: the next (older) page: a previous page's "next", verbatim
  --since <cursor>    list: the previous (newer) page: a previous page's "prev", verbatim
  --expires-at <ms>   create: expiry, milliseconds since the epoch
  --json              Print the API's JSON answer instead of a table
  -h, --help          Show this help

Environment:
  VERCEL_TOKEN        Bearer token (required)
  VERCEL_API_URL      API origin (default https://api.vercel.com)

Exit codes: 0 success, 1 API error or missing VERCEL_TOKEN, 2 usage error.
`;

/** What to do, with the options that apply to it. */
export type TokensCommand =
  | { kind: 'help' }
  | ({ json: boolean; team: TeamSelector } & (
      | { kind: 'list'; limit?: number; until?: string; since?: string }
      | { kind: 'get'; tokenId: string }
      | { kind: 'create'; name: string; expiresAt?: number }
      | { kind: 'delete'; tokenId: string }
    ));

/** The code of the CLI arguments module's one error (closed): `ERR_USAGE`. */
export type UsageErrorCode = 'ERR_USAGE';

/**
 * The command line is not valid; the CLI prints the message and {@link USAGE}, and exits with 2.
 * `cause`: node's `parseArgs` error, when it found the problem.
 */
export class UsageError extends VercelSsoError<UsageErrorCode> {
  readonly code = 'ERR_USAGE' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

const OPTIONS = {
  'team-id': { type: 'string' },
  slug: { type: 'string' },
  limit: { type: 'string' },
  until: { type: 'string' },
  since: { type: 'string' },
  'expires-at': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function integer(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,16}$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < min) {
    throw new UsageError(`--${name} must be an integer >= ${min}`);
  }
  return Number(raw);
}

/**
 * A paging cursor, kept verbatim (VERCEL-SSO.md §5: `/v6` cursors may be opaque strings; Vercel's CLI
 * passes `next` back as `until` unchanged): non-empty, at most 1,024 characters, no control character.
 */
function cursor(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  // eslint-disable-next-line no-control-regex
  if (raw === '' || raw.length > 1024 || /[\u0000-\u001f\u007f-\u009f]/.test(raw)) {
    throw new UsageError(`--${name} must be a cursor from a previous page (non-empty, printable)`);
  }
  return raw;
}

function nonEmpty(name: string, raw: string | undefined): string | undefined {
  if (raw !== undefined && raw.trim() === '') throw new UsageError(`--${name} must not be empty`);
  return raw;
}

/**
 * Parse argv (without `node` and the script).
 * @throws UsageError for an unknown command or option, a missing or extra argument, a malformed
 *   number, or an option the command does not take.
 */
export function parseTokensArgs(argv: readonly string[]): TokensCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const [group, command, ...rest] = positionals;
  if (group !== 'tokens')
    throw new UsageError(group === undefined ? 'missing command' : `unknown command: ${group}`);
  const teamId = nonEmpty('team-id', values['team-id']);
  const slug = nonEmpty('slug', values.slug);
  const common = {
    json: values.json === true,
    team: { ...(teamId !== undefined ? { teamId } : {}), ...(slug !== undefined ? { slug } : {}) },
  };
  const only = (allowed: readonly string[]): void => {
    for (const name of ['limit', 'until', 'since', 'expires-at', 'team-id', 'slug'] as const) {
      if (values[name] !== undefined && !allowed.includes(name))
        throw new UsageError(`--${name} does not apply to "tokens ${command}"`);
    }
  };
  const oneArgument = (what: string): string => {
    const [value, ...extra] = rest;
    if (value === undefined || value === '')
      throw new UsageError(`tokens ${command} needs ${what}`);
    if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`);
    return value;
  };
  switch (command) {
    case 'list': {
      only(['limit', 'until', 'since']);
      if (rest.length > 0) throw new UsageError(`unexpected argument: ${rest[0]}`);
      const limit = integer('limit', values.limit, 1);
      const until = cursor('until', values.until);
      const since = cursor('since', values.since);
      if (until !== undefined && since !== undefined)
        throw new UsageError('give either --until or --since');
      return {
        kind: 'list',
        ...common,
        ...(limit !== undefined ? { limit } : {}),
        ...(until !== undefined ? { until } : {}),
        ...(since !== undefined ? { since } : {}),
      };
    }
    case 'get':
    case 'delete':
      only([]);
      return { kind: command, ...common, tokenId: oneArgument('a token id or "current"') };
    case 'create': {
      only(['expires-at', 'team-id', 'slug']);
      const name = oneArgument('a name');
      const expiresAt = integer('expires-at', values['expires-at'], 0);
      return { kind: 'create', ...common, name, ...(expiresAt !== undefined ? { expiresAt } : {}) };
    }
    default:
      throw new UsageError(
        command === undefined
          ? 'missing tokens command (list, get, create, delete)'
          : `unknown tokens command: ${command}`,
      );
  }
}
