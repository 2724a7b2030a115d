/**
 * `npm run demo`: the whole flow on one machine with embedded defaults. Starts the Vercel emulator
 * (playing api.vercel.com, marketplace.vercel.com and vercel.com) and the SSO backend wired to it,
 * with generated development secrets and in-memory stores. No Redis, no .env needed.
 *
 * The emulator runs on 127.0.0.1 and the backend on localhost: two different sites, as
 * vercel.com and the provider are, so cookies and SameSite behave as in production.
 *
 * Demo mode (issue 17): every provider page shows "How you got here" (the parameters Vercel sent,
 * secrets masked; the deep-link rule; the verified claims; what `onLogin` returned) and an
 * "Expire my provider session" button; logs are human-readable (pino-pretty, when installed); the
 * URL banner is the last thing printed at start-up and is printed again on `SIGUSR2` or Enter.
 *
 * Environment (all optional): `PORT` (backend, default 3000), `EMULATOR_PORT` (default 4000),
 * `LOG_LEVEL` (default info), and the backend's `SESSION_IDLE_TIMEOUT_SECONDS`,
 * `SESSION_ABSOLUTE_TIMEOUT_SECONDS`, `PRODUCT_NAME`, `SUPPORT_URL` (README configuration table).
 * Development only: refuses to run with NODE_ENV=production.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { DestinationStream } from 'pino';
import { loadConfig } from '../config';
import { createEmulator } from '../emulator';
import type { LoginContext, LoginDecision } from '../index';
import { startServer } from '../server';
import { EXPIRE_SESSION_PATH } from '../server/demo-routes';
import { LoginTrails } from '../server/how-you-got-here';
import { createLogger } from '../web/logger';
import { demoPassthrough, localBackendEnvironment } from './local-environment';

/** Client id the demo registers with the emulator (a fixed, recognisable development value). */
export const DEMO_CLIENT_ID = 'oac_demo0000000000000000000';
/** Integration slug of the demo (provider-initiated SSO URLs). */
export const DEMO_SLUG = 'acme-provider';

/**
 * The demo's own `onLogin` (what a vendor writes): allow everyone and link the Vercel team to a
 * made-up account of ours. Shown in the "How you got here" panel.
 */
export function demoOnLogin({ identity }: LoginContext): LoginDecision {
  return { allow: true, accountRef: `demo-org-${identity.accountId}` };
}

/** The lines that tell the user where to click; printed last at start-up, and again on demand. */
export function demoBanner(
  urls: { emulatorUrl: string; backendUrl: string; idleTimeoutSeconds: number },
  pid: number = process.pid,
): string {
  return [
    '',
    '  ┌ vercel-marketplace-sso demo ─────────────────────────────────────────',
    `  │ 1. Open the Vercel emulator:  ${urls.emulatorUrl}/`,
    '  │    and click a sign-in link ("Open in Provider" lands on the dashboard home).',
    `  │ 2. You land on the provider:  ${urls.backendUrl}/   (Redirect Login URL ${urls.backendUrl}/callback)`,
    '  │    Its "How you got here" panel shows what Vercel sent and what your code gets.',
    `  │ Session idle timeout ${urls.idleTimeoutSeconds} s (SESSION_IDLE_TIMEOUT_SECONDS); "Expire my provider session" skips the wait.`,
    `  │ Show this again: press Enter, or kill -USR2 ${pid}.  Stop: Ctrl+C.`,
    '  └──────────────────────────────────────────────────────────────────────',
    '',
    '',
  ].join('\n');
}

/**
 * Human-readable log lines for the demo (pino-pretty, a devDependency); undefined (pino's JSON on
 * stdout, the production format) when it is not installed.
 */
export function prettyLogs(): DestinationStream | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require('pino-pretty') as typeof import('pino-pretty');
    return pretty({
      colorize: Boolean(process.stdout.isTTY),
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname,service',
      singleLine: true,
      sync: true,
    });
  } catch {
    return undefined;
  }
}

/** Starts the emulator and the reference service; runs until SIGINT/SIGTERM. */
export async function runDemo(): Promise<void> {
  if (process.env.NODE_ENV === 'production') {
    process.stderr.write(
      'npm run demo is a development tool and refuses to run with NODE_ENV=production\n',
    );
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 3000);
  const emulatorPort = Number(process.env.EMULATOR_PORT ?? 4000);
  const logLevel = process.env.LOG_LEVEL ?? 'info';
  const clientSecret = randomBytes(24).toString('base64url');
  const publicUrl = `http://localhost:${port}`;
  const destination = prettyLogs();

  const emulator = await createEmulator({
    integration: {
      clientId: DEMO_CLIENT_ID,
      clientSecret,
      slug: DEMO_SLUG,
      name: 'Acme Provider',
      redirectLoginUrl: `${publicUrl}/callback`,
      expireProviderSessionUrl: `${publicUrl}${EXPIRE_SESSION_PATH}`,
      // Uninstall on the emulator's dashboard calls the backend's Partner API and webhook (issue 12).
      partnerApiUrl: publicUrl,
      webhookUrl: `${publicUrl}/webhooks/vercel`,
    },
    logger: createLogger(logLevel, destination).child({ component: 'vercel-emulator' }),
  });
  const emulatorServer = await emulator.listen(emulatorPort, '127.0.0.1');

  const config = loadConfig({
    ...localBackendEnvironment({
      port,
      emulatorUrl: emulatorServer.url,
      clientId: DEMO_CLIENT_ID,
      clientSecret,
      slug: DEMO_SLUG,
      logLevel,
    }),
    ...demoPassthrough(process.env),
  });
  const logger = createLogger(config.logLevel, destination);
  const backend = await startServer(config, logger, {
    options: { onLogin: demoOnLogin },
    demo: { trails: new LoginTrails(), emulatorUrl: emulatorServer.url },
  });

  const banner = () =>
    process.stdout.write(
      demoBanner({
        emulatorUrl: emulatorServer.url,
        backendUrl: publicUrl,
        idleTimeoutSeconds: config.session.idleTimeoutSeconds,
      }),
    );
  banner();
  process.on('SIGUSR2', banner);
  if (process.stdin.isTTY) {
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', banner);
  }

  const stop = () => {
    void Promise.all([backend.stop(), emulatorServer.close()]).finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  runDemo().catch((error: unknown) => {
    process.stderr.write(`demo failed to start: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
