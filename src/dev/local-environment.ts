import { randomBytes } from 'node:crypto';

/**
 * Backend variables a developer may set for `npm run demo` (the rest are fixed by the local wiring):
 * the session lifetimes, so that provider-initiated SSO can be seen after a short idle timeout, and
 * the names shown on pages. Same meaning and defaults as in the README configuration table.
 */
export const DEMO_PASSTHROUGH_VARIABLES = [
  'SESSION_IDLE_TIMEOUT_SECONDS',
  'SESSION_ABSOLUTE_TIMEOUT_SECONDS',
  'PRODUCT_NAME',
  'SUPPORT_URL',
] as const;

/** The {@link DEMO_PASSTHROUGH_VARIABLES} that are set (non-empty) in `env`. */
export function demoPassthrough(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of DEMO_PASSTHROUGH_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') out[name] = value;
  }
  return out;
}

/** What {@link localBackendEnvironment} needs to wire a backend to a local emulator. */
export interface LocalWiring {
  /** Backend port; the backend is `http://localhost:<port>` (another site than the emulator's 127.0.0.1). */
  port: number;
  /** The emulator's base URL: Vercel API origin, issuer and SSO origin at once. */
  emulatorUrl: string;
  clientId: string;
  clientSecret: string;
  slug: string;
  logLevel: string;
}

/**
 * The environment of a development backend talking to the Vercel emulator: the demo's wiring,
 * shared with the browser e2e tests so both run the same setup. Generates a fresh session secret;
 * in-memory stores (no REDIS_URL). Development only.
 */
export function localBackendEnvironment(wiring: LocalWiring): Record<string, string> {
  return {
    NODE_ENV: 'development',
    PORT: String(wiring.port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://localhost:${wiring.port}`,
    INTEGRATION_CLIENT_ID: wiring.clientId,
    INTEGRATION_CLIENT_SECRET: wiring.clientSecret,
    INTEGRATION_SLUG: wiring.slug,
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    VERCEL_API_URL: wiring.emulatorUrl,
    VERCEL_ISSUER: wiring.emulatorUrl,
    VERCEL_SSO_URL: wiring.emulatorUrl,
    LOG_LEVEL: wiring.logLevel,
    SHUTDOWN_GRACE_MS: '2000',
    // A person trying every Open-in-Provider link (65 of them) in a minute must not meet a 429.
    RATE_LIMIT_CALLBACK_MAX: '1000',
  };
}
