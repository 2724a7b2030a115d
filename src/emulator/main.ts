/**
 * Standalone emulator: `node dist/emulator/main.js` (or `npm run emulator`).
 *
 * Environment:
 * - `EMULATOR_PORT` (default 4000), `EMULATOR_HOST` (default 127.0.0.1);
 * - `EMULATOR_PUBLIC_URL` (default `http://<host>:<port>`): the base URL browsers use, which is also
 *   the issuer (`iss`); set it when the emulator runs behind another name (docker compose);
 * - `INTEGRATION_CLIENT_ID` (default `oac_emulator0000000000000000`),
 *   `INTEGRATION_CLIENT_SECRET` (default `emulator-client-secret`),
 *   `INTEGRATION_SLUG` (default `acme-provider`), `INTEGRATION_NAME` (default `Acme Provider`);
 * - `EMULATOR_REDIRECT_LOGIN_URL` (default `http://localhost:3000/callback`);
 * - `EMULATOR_PARTNER_API_URL` (default: the Redirect Login URL's origin) and `EMULATOR_WEBHOOK_URL`
 *   (default: none): where the dashboard's Uninstall sends `DELETE /v1/installations/{id}` and the
 *   signed `integration-configuration.removed` webhook;
 * - `LOG_LEVEL` (default `info`).
 *
 * Exits with status 1 and one log line when `NODE_ENV=production` or the port is invalid.
 *
 * @module
 */
import pino from 'pino';
import { createEmulator } from './index';

/** Parse the environment and start listening. Resolves once the dashboard URL has been logged. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const logger = pino({ level: env.LOG_LEVEL ?? 'info', name: 'vercel-emulator' });
  if (env.NODE_ENV === 'production') {
    logger.fatal(
      'The Vercel emulator is a development tool and refuses to run with NODE_ENV=production',
    );
    process.exitCode = 1;
    return;
  }
  const port = Number(env.EMULATOR_PORT ?? '4000');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    logger.fatal({ EMULATOR_PORT: env.EMULATOR_PORT }, 'EMULATOR_PORT must be an integer 0-65535');
    process.exitCode = 1;
    return;
  }
  const emulator = await createEmulator({
    integration: {
      clientId: env.INTEGRATION_CLIENT_ID || 'oac_emulator0000000000000000',
      clientSecret: env.INTEGRATION_CLIENT_SECRET || 'emulator-client-secret',
      slug: env.INTEGRATION_SLUG || 'acme-provider',
      name: env.INTEGRATION_NAME || 'Acme Provider',
      redirectLoginUrl: env.EMULATOR_REDIRECT_LOGIN_URL || 'http://localhost:3000/callback',
      ...(env.EMULATOR_PARTNER_API_URL ? { partnerApiUrl: env.EMULATOR_PARTNER_API_URL } : {}),
      ...(env.EMULATOR_WEBHOOK_URL ? { webhookUrl: env.EMULATOR_WEBHOOK_URL } : {}),
    },
    logger,
  });
  if (env.EMULATOR_PUBLIC_URL) emulator.setBaseUrl(env.EMULATOR_PUBLIC_URL);
  const listening = await emulator.listen(port, env.EMULATOR_HOST || '127.0.0.1');
  const { url } = listening;
  logger.info(
    { dashboard: `${url}/`, issuer: url, redirectLoginUrl: emulator.integration.redirectLoginUrl },
    `Vercel emulator dashboard: ${url}/`,
  );
  const stop = (): void => {
    void listening.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    pino({ name: 'vercel-emulator' }).fatal({ err }, 'emulator failed to start');
    process.exitCode = 1;
  });
}
