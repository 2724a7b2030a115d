import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { loadConfig, type Config } from '../../src/config';
import { createEmulator, type Emulator } from '../../src/emulator';
import { createApp, type AppDependencies, type SsoApp } from '../../src/web/app';
import { createLogger } from '../../src/web/logger';
import { LogCapture } from './log-capture';

export const CLIENT_ID = 'oac_test0000000000000000000';
export const CLIENT_SECRET = 'test-client-secret-value-0123456789';
export const SESSION_SECRET = 'test-session-secret-value-0123456789abcdef';
export const PUBLIC_URL = 'http://localhost:3000';
export const SLUG = 'acme-provider';

/** Seed ids used across tests (see src/emulator/seed.ts). */
export const ACME = {
  installationId: 'icfg_acme0000000000000001',
  admin: 'a11ce00000000000000000a1',
  user: 'b0b0000000000000000000a2',
  resource: 'store_acmePostgres0001',
};

/** A running emulator plus a backend app wired to it, with captured logs. */
export interface Harness {
  emulator: Emulator;
  emulatorUrl: string;
  config: Config;
  sso: SsoApp;
  logs: LogCapture;
  /** A supertest agent (keeps cookies) against the backend. */
  agent(): TestAgent;
  /** Mints a code at the emulator and returns the callback path+query the browser would be sent to. */
  callbackPath(userId?: string, context?: Record<string, string>, installationId?: string): string;
  /** Logs in through the callback; resolves with the callback response. */
  login(agent: TestAgent, userId?: string, context?: Record<string, string>): request.Test;
  close(): Promise<void>;
}

/**
 * Starts the emulator on an ephemeral port and builds a backend whose Vercel API, issuer and
 * SSO origin are the emulator. `env` overrides environment variables; `deps` overrides app dependencies.
 */
export async function startHarness(env: Record<string, string> = {}, deps: Partial<AppDependencies> = {}): Promise<Harness> {
  const emulator = await createEmulator({
    integration: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, slug: SLUG, name: 'Acme Provider', redirectLoginUrl: `${PUBLIC_URL}/callback` },
  });
  const server = await emulator.listen(0, '127.0.0.1');
  const config = loadConfig({
    NODE_ENV: 'test',
    PUBLIC_URL,
    INTEGRATION_CLIENT_ID: CLIENT_ID,
    INTEGRATION_CLIENT_SECRET: CLIENT_SECRET,
    INTEGRATION_SLUG: SLUG,
    SESSION_SECRET,
    VERCEL_API_URL: server.url,
    VERCEL_ISSUER: server.url,
    VERCEL_SSO_URL: server.url,
    TOKEN_EXCHANGE_TIMEOUT_MS: '1500',
    JWKS_TIMEOUT_MS: '1000',
    JWKS_COOLDOWN_MS: '0',
    LOG_LEVEL: 'debug',
    RATE_LIMIT_CALLBACK_MAX: '100000',
    RATE_LIMIT_SIGNOUT_MAX: '100000',
    ...env,
  });
  const logs = new LogCapture();
  const sso = createApp({ config, logger: createLogger(config.logLevel, logs), ...deps });

  const harness: Harness = {
    emulator,
    emulatorUrl: server.url,
    config,
    sso,
    logs,
    agent: () => request.agent(sso.app),
    callbackPath(userId = ACME.admin, context = {}, installationId = ACME.installationId) {
      const { redirectUrl } = emulator.controls.mintLogin({ installationId, userId, context });
      const url = new URL(redirectUrl);
      return `${url.pathname}${url.search}`;
    },
    login(agent, userId = ACME.admin, context = {}) {
      return agent.get(harness.callbackPath(userId, context));
    },
    async close() {
      await server.close();
      sso.readiness.stop();
      await sso.stores.close();
      // "No request in the test suite is answered with a 500" (issue #2): checked for every harness.
      if (logs.internalErrors.length > 0) throw new Error(`responses with status 500:\n${logs.internalErrors.join('\n')}`);
    },
  };
  return harness;
}

/** The values of a response's `Set-Cookie` headers. */
export function setCookies(response: request.Response): string[] {
  const header = response.headers['set-cookie'] as unknown;
  if (header === undefined) return [];
  return Array.isArray(header) ? (header as string[]) : [String(header)];
}

/** The `Set-Cookie` line for cookie `name`, if any. */
export function cookieLine(response: request.Response, name: string): string | undefined {
  return setCookies(response).find((line) => line.startsWith(`${name}=`));
}
