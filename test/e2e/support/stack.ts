import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { loadConfig, type Config } from '../../../src/config';
import { createEmulator, type Emulator } from '../../../src/emulator';
import { demoOnLogin } from '../../../src/dev/demo';
import { localBackendEnvironment } from '../../../src/dev/local-environment';
import { startServer, type RunningServer } from '../../../src/server';
import { EXPIRE_SESSION_PATH } from '../../../src/server/demo-routes';
import { LoginTrails } from '../../../src/server/how-you-got-here';
import { createLogger } from '../../../src/web/logger';

export const CLIENT_ID = 'oac_e2e00000000000000000000';
export const SLUG = 'acme-provider';

/** The emulator and the backend running in this process, wired like `npm run demo`. */
export interface Stack {
  emulator: Emulator;
  /** `http://127.0.0.1:<port>` (plays vercel.com, api.vercel.com and the issuer). */
  emulatorUrl: string;
  /** `http://localhost:<port>`: the provider, a different site from the emulator. */
  backendUrl: string;
  config: Config;
  close(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts the emulator on 127.0.0.1 and the backend on a free port with `PUBLIC_URL=http://localhost:<port>`,
 * exactly as src/dev/demo.ts does (same wiring, the dashboard's Uninstall calling the backend's Partner API and webhook, generated secrets, in-memory stores). `env` overrides
 * backend variables (e.g. short session lifetimes); `demo` adds what the demo adds (the "How you got
 * here" panel, the demo's onLogin, "Expire my provider session"). Logs are silent unless `E2E_LOG_LEVEL` is set.
 * The backend port is picked with a throwaway listener; a lost race (EADDRINUSE) is retried.
 */
export async function startStack(
  env: Record<string, string> = {},
  options: { demo?: boolean } = {},
): Promise<Stack> {
  const logLevel = process.env.E2E_LOG_LEVEL || 'silent';
  const clientSecret = randomBytes(24).toString('base64url');
  const emulator = await createEmulator({
    integration: {
      clientId: CLIENT_ID,
      clientSecret,
      slug: SLUG,
      name: 'Acme Provider',
      redirectLoginUrl: 'http://localhost:1/callback',
    },
    logger: createLogger(logLevel).child({ component: 'vercel-emulator' }),
  });
  const emulatorServer = await emulator.listen(0, '127.0.0.1');

  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const port = await freePort();
    const publicUrl = `http://localhost:${port}`;
    emulator.integration.redirectLoginUrl = `${publicUrl}/callback`;
    emulator.integration.partnerApiUrl = publicUrl;
    emulator.integration.webhookUrl = `${publicUrl}/webhooks/vercel`;
    if (options.demo)
      emulator.integration.expireProviderSessionUrl = `${publicUrl}${EXPIRE_SESSION_PATH}`;
    const config = loadConfig({
      ...localBackendEnvironment({
        port,
        emulatorUrl: emulatorServer.url,
        clientId: CLIENT_ID,
        clientSecret,
        slug: SLUG,
        logLevel,
      }),
      // Test 1 signs in 65 times within a minute from one address, beside the other tests.
      RATE_LIMIT_CALLBACK_MAX: '10000',
      ...env,
    });
    let backend: RunningServer;
    try {
      // Demo mode as `npm run demo` runs it: the demo's onLogin, the panel and the expire control.
      const demo = options.demo
        ? {
            options: { onLogin: demoOnLogin },
            demo: { trails: new LoginTrails(), emulatorUrl: emulatorServer.url },
          }
        : {};
      backend = await startServer(config, createLogger(logLevel), demo);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
        await emulatorServer.close();
        throw error;
      }
      lastError = error;
      continue;
    }
    return {
      emulator,
      emulatorUrl: emulatorServer.url,
      backendUrl: publicUrl,
      config,
      async close() {
        await Promise.all([backend.stop(), emulatorServer.close()]);
      },
    };
  }
  await emulatorServer.close();
  throw lastError;
}
