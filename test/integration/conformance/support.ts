/** Shared by the conformance tests: free ports and the reference service wired to the kit's emulator. */
import { createServer } from 'node:net';
import { startBackendProcess, type BackendProcess } from '../../support/backend-process';

export const CLIENT_ID = 'oac_conformance_test0000000000';
export const CLIENT_SECRET = 'conformance-test-client-secret-0123456789';

/** A port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The reference service pointed at an emulator that the kit will start on `emulatorPort`. */
export async function startReference(emulatorPort: number): Promise<BackendProcess> {
  const port = await freePort();
  const emulator = `http://127.0.0.1:${emulatorPort}`;
  return startBackendProcess({
    NODE_ENV: 'test',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    INTEGRATION_CLIENT_ID: CLIENT_ID,
    INTEGRATION_CLIENT_SECRET: CLIENT_SECRET,
    INTEGRATION_SLUG: 'conformance',
    SESSION_SECRET: 'conformance-test-session-secret-0123456789abcdef',
    VERCEL_API_URL: emulator,
    VERCEL_ISSUER: emulator,
    VERCEL_SSO_URL: emulator,
    TOKEN_EXCHANGE_TIMEOUT_MS: '1000',
    JWKS_COOLDOWN_MS: '0',
    RATE_LIMIT_CALLBACK_MAX: '100000',
    RATE_LIMIT_SIGNOUT_MAX: '100000',
  });
}
