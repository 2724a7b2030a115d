#!/usr/bin/env node
/**
 * The package's one command, `vercel-marketplace-sso <command>`:
 * - `serve`: the reference service, configured from the environment (`.env.example`);
 * - `emulator`: the local Vercel emulator (development only; refuses NODE_ENV=production);
 * - `demo`: the emulator and the reference service wired together (development only);
 * - `tokens …`: Vercel user tokens (`tokens list|get|create|delete`, see `--help`);
 * - `conformance …`: test any vendor's Redirect Login URL against the emulator (`conformance --help`).
 *
 * Exit codes: 0 success, 1 failure, 2 usage error.
 * @module
 */
import { runCli } from './vercel';

/** What `vercel-marketplace-sso --help` prints. */
export const MAIN_USAGE = [
  'Usage: vercel-marketplace-sso <command> [options]',
  '',
  'Commands:',
  '  serve                 run the reference SSO service (configuration from the environment, see .env.example)',
  '  emulator              run the local Vercel emulator (development only)',
  '  demo                  run the emulator and the reference service together (development only)',
  '  tokens <subcommand>   list, get, create or delete Vercel user tokens (VERCEL_TOKEN, VERCEL_API_URL)',
  '  conformance           test a Redirect Login URL (any language) against the emulator (--help for options)',
  '',
].join('\n');

/**
 * Runs one invocation of the command.
 * @param argv - the arguments after the command name, e.g. `['tokens', 'list']`.
 * @returns an exit code for the commands that finish (`tokens`, usage); `undefined` for the long-running ones.
 */
export async function runMain(argv: readonly string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve': {
      const { runFromEnvironment } = await import('../server/start');
      runFromEnvironment();
      return undefined;
    }
    case 'emulator': {
      if (rest.includes('--help') || rest.includes('-h')) {
        process.stdout.write(
          'Usage: vercel-marketplace-sso emulator\n\nStarts the local Vercel emulator (development only). Environment: EMULATOR_PORT (4000), EMULATOR_HOST (127.0.0.1),\nEMULATOR_PUBLIC_URL, INTEGRATION_CLIENT_ID, INTEGRATION_CLIENT_SECRET, INTEGRATION_SLUG, INTEGRATION_NAME,\nEMULATOR_REDIRECT_LOGIN_URL, EMULATOR_PARTNER_API_URL, EMULATOR_WEBHOOK_URL, LOG_LEVEL.\n',
        );
        return 0;
      }
      const { main } = await import('../emulator/main');
      await main(process.env);
      return process.exitCode === 1 ? 1 : undefined;
    }
    case 'demo': {
      const { runDemo } = await import('../dev/demo');
      await runDemo();
      return undefined;
    }
    case 'tokens':
      return runCli(['tokens', ...rest], {
        env: process.env,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    case 'conformance': {
      const { runConformance } = await import('./conformance');
      return runConformance(rest, {
        env: process.env,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    }
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(MAIN_USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(
        `Unknown command: ${command.replace(/[^\x20-\x7e]/g, '?').slice(0, 40)}\n\n${MAIN_USAGE}`,
      );
      return 2;
  }
}

if (require.main === module) {
  runMain(process.argv.slice(2)).then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `vercel-marketplace-sso: ${(error as Error)?.message ?? String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
