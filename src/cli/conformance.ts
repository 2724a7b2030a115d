/**
 * `conformance`: test any vendor's Marketplace SSO callback (any language) against the emulator.
 * Starts the emulator as Vercel for one client, prints what the vendor's app must be pointed at,
 * waits until the Redirect Login URL answers, plays every scenario of `src/conformance` as a
 * browser would, and prints a report (table, `--json`, `--junit <file>`).
 *
 * Exit codes: 0 every required scenario passed; 1 a required scenario failed; 2 bad usage or
 * the run could not start (port taken, callback never answered).
 *
 * @example
 * node dist/cli/conformance.js --redirect-login-url http://localhost:8000/vercel/callback \
 *   --session-check-url http://localhost:8000/api/me --emulator-port 4000
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createEmulator } from '../emulator';
import { ConformanceKit } from '../conformance/kit';
import { formatJUnit, formatTable, summaryLine } from '../conformance/report';
import { runScenarios, selectScenarios } from '../conformance/runner';
import { SCENARIOS } from '../conformance/scenarios';

/** Where the command writes, and its environment (`CONFORMANCE_CLIENT_SECRET`). */
export interface ConformanceIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** Default client id of the emulated integration (the id_token `aud`). */
export const DEFAULT_CLIENT_ID = 'oac_conformance000000000000000';
/** Default client secret: a public test value, only ever valid against the kit's emulator. */
export const DEFAULT_CLIENT_SECRET = 'conformance-kit-client-secret-not-a-real-one';
/** Default emulator port. */
export const DEFAULT_EMULATOR_PORT = 4000;
/** Default bound on every answer of the implementation under test, ms. */
export const DEFAULT_ANSWER_BOUND_MS = 15_000;
/** Default wait for the Redirect Login URL to answer before playing, seconds. */
export const DEFAULT_WAIT_SECONDS = 120;

const USAGE = `Usage: vercel-marketplace-sso conformance --redirect-login-url <url> [options]

Plays Vercel (the emulator) against your Redirect Login URL and reports what it does with
hostile and faulty logins.

Options:
  --redirect-login-url <url>   your callback, e.g. http://localhost:8000/vercel/callback (required)
  --session-check-url <url>    answers 2xx when signed in, 401/403 otherwise (its body should
                               name the user's user_id or sub); without it sessions are judged
                               from the callback's answer and account linking is skipped
  --emulator-port <port>       port of the emulated Vercel (default ${DEFAULT_EMULATOR_PORT})
  --emulator-host <host>       interface to listen on (default 127.0.0.1)
  --client-id <id>             the integration's client id (default ${DEFAULT_CLIENT_ID})
  --client-secret <secret>     its client secret (or env CONFORMANCE_CLIENT_SECRET; default a test value)
  --allow-origin <origin>      another origin a login may land on (repeatable)
  --only <ids>                 comma-separated scenario ids or prefixes ending in * (repeatable)
  --answer-bound-ms <ms>       every answer must come within this (default ${DEFAULT_ANSWER_BOUND_MS})
  --wait-seconds <s>           how long to wait for the callback to answer (default ${DEFAULT_WAIT_SECONDS})
  --json                       print the report as JSON (progress goes to stderr)
  --junit <file>               also write a JUnit XML report
  --list                       list the scenarios and exit
  --help                       this text

Exit code: 0 when every required scenario passes, 1 when one fails, 2 on bad usage.
`;

const OPTIONS = {
  'redirect-login-url': { type: 'string' },
  'session-check-url': { type: 'string' },
  'emulator-port': { type: 'string' },
  'emulator-host': { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'allow-origin': { type: 'string', multiple: true },
  only: { type: 'string', multiple: true },
  'answer-bound-ms': { type: 'string' },
  'wait-seconds': { type: 'string' },
  json: { type: 'boolean' },
  junit: { type: 'string' },
  list: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/**
 * Run the conformance command.
 * @param argv - the arguments after the command name.
 * @returns the exit code (0, 1 or 2, see the module comment). Never throws.
 */
export async function runConformance(argv: string[], io: ConformanceIo): Promise<number> {
  const env = io.env ?? process.env;
  let values: ReturnType<typeof parse>;
  try {
    values = parse(argv);
  } catch (error) {
    io.stderr.write(`error: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (values.list) {
    for (const s of SCENARIOS)
      io.stdout.write(`${s.id.padEnd(34)} ${s.required ? '' : '(advisory) '}${s.title}\n`);
    return 0;
  }
  const problems: string[] = [];
  const redirectLoginUrl = httpUrl(
    values['redirect-login-url'],
    '--redirect-login-url',
    problems,
    true,
  );
  const sessionCheckUrl = httpUrl(
    values['session-check-url'],
    '--session-check-url',
    problems,
    false,
  );
  const allowOrigins = (values['allow-origin'] ?? [])
    .map((o) => httpUrl(o, '--allow-origin', problems, true))
    .filter((o): o is string => o !== undefined);
  const port = integer(
    values['emulator-port'],
    DEFAULT_EMULATOR_PORT,
    0,
    65_535,
    '--emulator-port',
    problems,
  );
  const answerBoundMs = integer(
    values['answer-bound-ms'],
    DEFAULT_ANSWER_BOUND_MS,
    100,
    600_000,
    '--answer-bound-ms',
    problems,
  );
  const waitSeconds = integer(
    values['wait-seconds'],
    DEFAULT_WAIT_SECONDS,
    0,
    3600,
    '--wait-seconds',
    problems,
  );
  const patterns = (values.only ?? [])
    .flatMap((o) => o.split(','))
    .map((o) => o.trim())
    .filter(Boolean);
  const { selected, unmatched } = selectScenarios(SCENARIOS, patterns);
  if (unmatched.length > 0)
    problems.push(`--only: no scenario matches ${unmatched.join(', ')} (see --list)`);
  const clientId = values['client-id'] ?? DEFAULT_CLIENT_ID;
  const clientSecret =
    values['client-secret'] ?? env.CONFORMANCE_CLIENT_SECRET ?? DEFAULT_CLIENT_SECRET;
  if (clientId === '' || clientSecret === '')
    problems.push('--client-id and --client-secret must not be empty');
  if (problems.length > 0 || !redirectLoginUrl) {
    io.stderr.write(`error: ${problems.join('; ')}\n\n${USAGE}`);
    return 2;
  }

  const info = values.json ? io.stderr : io.stdout;
  let emulator;
  let server;
  try {
    emulator = await createEmulator({
      integration: {
        clientId,
        clientSecret,
        slug: 'conformance',
        name: 'Conformance kit',
        redirectLoginUrl,
      },
    });
    server = await emulator.listen(port, values['emulator-host'] ?? '127.0.0.1');
  } catch (error) {
    io.stderr.write(`error: could not start the emulator: ${(error as Error).message}\n`);
    return 2;
  }
  try {
    info.write(
      environmentText(
        server.url,
        clientId,
        values['client-secret'] === undefined && env.CONFORMANCE_CLIENT_SECRET === undefined,
      ),
    );
    info.write(`\nWaiting for ${redirectLoginUrl} to answer (up to ${waitSeconds} s)…\n`);
    if (!(await waitForAnswer(redirectLoginUrl, waitSeconds * 1000))) {
      io.stderr.write(`error: ${redirectLoginUrl} did not answer within ${waitSeconds} s\n`);
      return 2;
    }
    info.write(`Playing ${selected.length} scenario(s)…\n`);
    const kit = new ConformanceKit({
      emulator,
      redirectLoginUrl,
      ...(sessionCheckUrl ? { sessionCheckUrl } : {}),
      allowOrigins,
      answerBoundMs,
    });
    const report = await runScenarios(kit, selected, (r) =>
      io.stderr.write(`  ${r.verdict.padEnd(4)} ${r.id} (${r.durationMs} ms)\n`),
    );
    io.stdout.write(
      values.json ? `${JSON.stringify(report, null, 2)}\n` : `\n${formatTable(report)}\n`,
    );
    if (values.junit) {
      await writeFile(values.junit, formatJUnit(report));
      info.write(`JUnit report written to ${values.junit}\n`);
    }
    if (values.json) io.stderr.write(`${summaryLine(report)}\n`);
    return report.passed ? 0 : 1;
  } catch (error) {
    io.stderr.write(`error: ${(error as Error).message}\n`);
    return 2;
  } finally {
    await server.close();
  }
}

function parse(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }).values;
}

/** What the vendor's implementation must be given (no secret unless it is the public default). */
function environmentText(url: string, clientId: string, defaultSecret: boolean): string {
  const secret = defaultSecret ? DEFAULT_CLIENT_SECRET : '(the value you passed)';
  return [
    `Emulated Vercel is listening on ${url}. Give the implementation under test:`,
    `  Vercel API origin   ${url}   (the exchange is POST ${url}/v1/integrations/sso/token)`,
    `  id_token issuer     ${url}`,
    `  discovery           ${url}/.well-known/openid-configuration`,
    `  JWKS                ${url}/.well-known/jwks`,
    `  client id (aud)     ${clientId}`,
    `  client secret       ${secret}`,
    `For this project's reference service: VERCEL_API_URL=${url} VERCEL_ISSUER=${url} VERCEL_SSO_URL=${url} INTEGRATION_CLIENT_ID=${clientId}`,
    '',
  ].join('\n');
}

/** Poll `url` (a plain GET, no parameters) until it answers with any HTTP status. */
async function waitForAnswer(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5000) });
      await response.body?.cancel().catch(() => undefined); // any status will do; never read the body
      return true;
    } catch {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

function httpUrl(
  raw: string | undefined,
  flag: string,
  problems: string[],
  required: boolean,
): string | undefined {
  if (raw === undefined) {
    if (required) problems.push(`${flag} is required`);
    return undefined;
  }
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:')
      return flag === '--allow-origin' ? url.origin : url.href;
  } catch {
    // reported below
  }
  problems.push(`${flag} must be an absolute http(s) URL`);
  return undefined;
}

function integer(
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
  flag: string,
  problems: string[],
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    problems.push(`${flag} must be an integer from ${min} to ${max}`);
  return value;
}

/* istanbul ignore next -- process entry point */
if (require.main === module) {
  void runConformance(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  }).then((code) => {
    process.exitCode = code;
  });
}
