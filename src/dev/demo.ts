/**
 * `npm run demo`: the whole flow on one machine with embedded defaults. Starts the Vercel emulator
 * (playing api.vercel.com, marketplace.vercel.com and vercel.com) and the SSO backend wired to it,
 * with generated development secrets and in-memory stores. No Redis, no .env needed.
 *
 * The emulator runs on 127.0.0.1 and the backend on localhost: two different sites, as
 * vercel.com and the provider are, so cookies and SameSite behave as in production.
 *
 * Environment (all optional): `PORT` (backend, default 3000), `EMULATOR_PORT` (default 4000),
 * `LOG_LEVEL` (default info). Development only: refuses to run with NODE_ENV=production.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config';
import { createEmulator } from '../emulator';
import { startServer } from '../server';
import { createLogger } from '../web/logger';
import { localBackendEnvironment } from './local-environment';

/** Client id the demo registers with the emulator (a fixed, recognisable development value). */
export const DEMO_CLIENT_ID = 'oac_demo0000000000000000000';
/** Integration slug of the demo (provider-initiated SSO URLs). */
export const DEMO_SLUG = 'acme-provider';

/** Starts the emulator and the reference service; runs until SIGINT/SIGTERM. */
export async function runDemo(): Promise<void> {
  if (process.env.NODE_ENV === 'production') {
    process.stderr.write('npm run demo is a development tool and refuses to run with NODE_ENV=production\n');
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 3000);
  const emulatorPort = Number(process.env.EMULATOR_PORT ?? 4000);
  const logLevel = process.env.LOG_LEVEL ?? 'info';
  const clientSecret = randomBytes(24).toString('base64url');
  const publicUrl = `http://localhost:${port}`;

  const emulator = await createEmulator({
    // Uninstall on the emulator's dashboard calls the backend's Partner API and webhook (issue 12).
    integration: { clientId: DEMO_CLIENT_ID, clientSecret, slug: DEMO_SLUG, name: 'Acme Provider', redirectLoginUrl: `${publicUrl}/callback`, partnerApiUrl: publicUrl, webhookUrl: `${publicUrl}/webhooks/vercel` },
    logger: createLogger(logLevel).child({ component: 'vercel-emulator' }),
  });
  const emulatorServer = await emulator.listen(emulatorPort, '127.0.0.1');

  const config = loadConfig(
    localBackendEnvironment({ port, emulatorUrl: emulatorServer.url, clientId: DEMO_CLIENT_ID, clientSecret, slug: DEMO_SLUG, logLevel }),
  );
  const logger = createLogger(config.logLevel);
  const backend = await startServer(config, logger);

  process.stdout.write(
    [
      '',
      '  vercel-marketplace-sso demo',
      `  Vercel emulator dashboard:  ${emulatorServer.url}/   <- open this and click "Open in Provider"`,
      `  SSO backend (provider):     ${publicUrl}/   (Redirect Login URL ${publicUrl}/callback)`,
      `  Partner API and webhook:    ${publicUrl}/v1/installations/:id, ${publicUrl}/webhooks/vercel   <- "Uninstall" on the dashboard calls both`,
      '  Press Ctrl+C to stop.',
      '',
      '',
    ].join('\n'),
  );

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
