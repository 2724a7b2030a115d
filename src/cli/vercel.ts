/**
 * `npm run vercel -- tokens list|get|create|delete …`: a thin CLI over the Vercel auth client
 * (`src/vercel/auth-client.ts`): parse the arguments, call the client, format the answer.
 * Talks to `VERCEL_API_URL` (default `https://api.vercel.com`) with the token in `VERCEL_TOKEN`.
 *
 * Exit codes: 0 success; 1 API error, unreachable API or missing/invalid environment (message on
 * stderr); 2 usage error (message and usage on stderr). The token value from `VERCEL_TOKEN` is never
 * printed; a token's value is printed only by `create`, once.
 *
 * @module
 */
import {
  createVercelAuthClient,
  VercelApiError,
  type VercelAuthClient,
} from '../vercel/auth-client';
import { parseTokensArgs, UsageError, USAGE, type TokensCommand } from './tokens-args';
import {
  formatCreated,
  formatDeleted,
  formatJson,
  formatToken,
  formatTokenList,
  printable,
} from './tokens-format';

/** Default API origin. */
export const DEFAULT_API_URL = 'https://api.vercel.com';

/** Where the CLI writes (process.stdout / process.stderr, or collectors in tests). */
export interface CliStream {
  write(chunk: string): unknown;
}

/** The CLI's environment: variables, output streams and (tests) a fetch. */
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout: CliStream;
  stderr: CliStream;
  fetch?: typeof fetch;
}

/** Exit status of {@link runCli}: 0 success, 1 API/environment error, 2 usage error. */
export type ExitCode = 0 | 1 | 2;

/**
 * Run one CLI invocation.
 * @param argv - arguments after `node <script>`, e.g. `['tokens', 'list', '--json']`.
 * @returns the exit code; never throws.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let command: TokensCommand;
  try {
    command = parseTokensArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) {
      io.stderr.write(`error: ${describe(error)}\n`);
      return 1;
    }
    io.stderr.write(`error: ${printable(error.message)}\n\n${USAGE}`);
    return 2;
  }
  if (command.kind === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  const token = io.env.VERCEL_TOKEN;
  if (token === undefined || token.trim() === '') {
    io.stderr.write(
      'error: VERCEL_TOKEN is not set (a Vercel access token; in the demo, one from the emulator dashboard)\n',
    );
    return 1;
  }
  const apiUrl = parseApiUrl(io.env.VERCEL_API_URL || DEFAULT_API_URL);
  if (!apiUrl) {
    io.stderr.write('error: VERCEL_API_URL must be an absolute http(s) URL\n');
    return 1;
  }
  if (
    apiUrl.protocol === 'http:' &&
    !['127.0.0.1', 'localhost', '[::1]'].includes(apiUrl.hostname)
  ) {
    io.stderr.write(`warning: sending VERCEL_TOKEN over plain http to ${apiUrl.host}\n`);
  }
  const client = createVercelAuthClient({
    apiUrl,
    bearerToken: token.trim(),
    ...command.team,
    ...(io.fetch ? { fetch: io.fetch } : {}),
  });
  try {
    io.stdout.write(await execute(client, command));
    return 0;
  } catch (error) {
    io.stderr.write(`error: ${describe(error)}\n`);
    return 1;
  }
}

async function execute(
  client: VercelAuthClient,
  command: Exclude<TokensCommand, { kind: 'help' }>,
): Promise<string> {
  switch (command.kind) {
    case 'list': {
      const page = await client.listTokens({
        ...(command.limit !== undefined ? { limit: command.limit } : {}),
        ...(command.until !== undefined ? { until: command.until } : {}),
        ...(command.since !== undefined ? { since: command.since } : {}),
      });
      return command.json ? formatJson(page) : formatTokenList(page);
    }
    case 'get': {
      const { token } = await client.getToken(command.tokenId);
      return command.json ? formatJson({ token }) : formatToken(token);
    }
    case 'create': {
      const created = await client.createToken({
        name: command.name,
        ...(command.expiresAt !== undefined ? { expiresAt: command.expiresAt } : {}),
      });
      return command.json ? formatJson(created) : formatCreated(created);
    }
    case 'delete': {
      const { tokenId } = await client.deleteToken(command.tokenId);
      return command.json ? formatJson({ tokenId }) : formatDeleted(tokenId);
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof VercelApiError && error.invalidToken) {
    // VERCEL-SSO.md §5: production answers 403 with `invalidToken: true` for an expired, revoked or unknown token.
    return `token expired or revoked (Vercel answered ${error.status}): create a new token and set VERCEL_TOKEN`;
  }
  if (error instanceof VercelApiError && error.status === 429) {
    return printable(
      `${error.message}: rate limited${error.retryAfterSeconds !== undefined ? `, retry in ${error.retryAfterSeconds} s` : ''}`,
    );
  }
  if (error instanceof VercelApiError) {
    return printable(`${error.message}${error.apiMessage ? `: ${error.apiMessage}` : ''}`);
  }
  return printable(error instanceof Error ? error.message : String(error));
}

function parseApiUrl(raw: string): URL | undefined {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/* istanbul ignore next -- process entry point */
if (require.main === module) {
  void runCli(process.argv.slice(2), {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
  }).then((code) => {
    process.exitCode = code;
  });
}
