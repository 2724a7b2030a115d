import type { Server } from 'node:http';
import { listenMetrics, SsoMetrics } from '../metrics';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from '../config';
import { createLogger } from '../web/logger';
import { createApp, type AppDependencies } from './app';
import { DrainState } from './drain';
import { createLimitedServer, listen } from './limits';

/**
 * Start-up warnings about settings that work but are probably wrong for the deployment.
 * @returns human-readable lines (also logged at `warn`).
 */
export function configurationWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.publicUrl.protocol === 'https:' && config.trustProxy === false) {
    warnings.push(
      'PUBLIC_URL is https but TRUST_PROXY is off: behind a TLS-terminating proxy (ngrok, a load balancer) the Secure session cookie will not be set. Set TRUST_PROXY.',
    );
  }
  if (config.trustProxy === true) {
    warnings.push(
      'TRUST_PROXY=true trusts every hop: clients can forge X-Forwarded-For (and so their rate-limit key). Set the hop count of your proxies (e.g. 1) or their addresses.',
    );
  }
  if (config.trustRequestId && config.trustProxy === false) {
    warnings.push(
      'TRUST_REQUEST_ID=true without TRUST_PROXY: clients reach this service directly and choose the X-Request-Id shown on pages and in logs. Set it only behind a proxy that always sets X-Request-Id.',
    );
  }
  if (config.env === 'production' && config.publicUrl.protocol !== 'https:') {
    warnings.push('NODE_ENV=production with an http PUBLIC_URL: session cookies are not Secure.');
  }
  if (config.env === 'production' && !config.redis) {
    warnings.push(NO_REDIS_WARNING);
  }
  return warnings;
}

/** Also logged by the library itself when it builds memory stores in production. */
const NO_REDIS_WARNING =
  'No REDIS_URL: sessions, redeemed codes and rate limits are kept in this process only. Run a single instance, or set REDIS_URL.';

/** A listening backend and how to stop it. */
export interface RunningServer {
  server: Server;
  /** The metrics listener (`GET /metrics`), when `config.metricsListener` is set; closed by {@link stop} last. */
  metricsServer?: Server;
  /**
   * Drains: `/readyz` answers 503 at once; the listener keeps accepting for `config.shutdownDrainDelayMs`
   * and until no request is in flight; then it stops accepting and drops what remains once
   * `config.shutdownGraceMs` (counted from the call) has passed; finally closes the stores.
   */
  stop(): Promise<void>;
}

/** Builds the app and listens on `config.port` (0: a free port). */
export async function startServer(
  config: Config,
  logger: Logger,
  overrides: Partial<Omit<AppDependencies, 'config' | 'logger'>> = {},
): Promise<RunningServer> {
  // The library logs the no-Redis warning itself when it builds its stores.
  for (const warning of configurationWarnings(config))
    if (warning !== NO_REDIS_WARNING) logger.warn({ event: 'configuration_warning' }, warning);
  const drain = new DrainState();
  const metrics = config.metricsListener
    ? (overrides.metrics ?? new SsoMetrics())
    : overrides.metrics;
  const { app, sso, sidecar } = createApp({
    config,
    logger,
    drain,
    ...overrides,
    ...(metrics ? { metrics } : {}),
  });
  await sidecar?.ready();
  // Header/request timeouts, keep-alive, a connection cap and a head size limit (issue 19; src/server/limits.ts).
  const server = await listen(createLimitedServer(app, config.server), config.port, config.host);
  drain.track(server);
  if (sidecar?.upgrade) server.on('upgrade', sidecar.upgrade);
  let metricsServer: Server | undefined;
  if (config.metricsListener && metrics) {
    try {
      metricsServer = await listenMetrics(
        metrics,
        config.metricsListener.port,
        config.metricsListener.host,
      );
    } catch (error) {
      await closeServer(server, 0);
      await sso.close();
      throw error;
    }
    const metricsAddress = metricsServer.address();
    logger.info(
      {
        event: 'metrics_listening',
        host: config.metricsListener.host,
        port:
          typeof metricsAddress === 'object' && metricsAddress
            ? metricsAddress.port
            : config.metricsListener.port,
      },
      'Prometheus metrics at GET /metrics',
    );
  }
  const address = server.address();
  logger.info(
    {
      event: 'listening',
      session_store: config.redis ? 'redis' : 'memory',
      port: typeof address === 'object' && address ? address.port : config.port,
      public_url: config.publicUrl.origin,
      callback: new URL(`${config.sidecar?.prefix ?? ''}${config.callbackPath}`, config.publicUrl)
        .href,
      ...(config.sidecar
        ? { sidecar: config.sidecar.upstreamUrl ? 'upstream' : 'forward-auth' }
        : {}),
    },
    'SSO backend listening',
  );
  return {
    server,
    ...(metricsServer ? { metricsServer } : {}),
    async stop() {
      const startedAt = Date.now();
      drain.start();
      await drain.settled(config.shutdownDrainDelayMs, config.shutdownGraceMs);
      await closeServer(server, Math.max(0, config.shutdownGraceMs - (Date.now() - startedAt)));
      sidecar?.close();
      await sso.close();
      if (metricsServer) await closeServer(metricsServer, 0);
    },
  };
}

/** Closes `server`, waiting for in-flight requests up to `graceMs` (ms), then drops the remaining connections. */
export function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const running = await startServer(config, logger);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'shutdown', signal, grace_ms: config.shutdownGraceMs }, 'shutting down');
    void running.stop().then(() => {
      logger.info({ event: 'shutdown_complete' }, 'stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Runs the service from the environment until SIGTERM/SIGINT. */
export function runFromEnvironment(): void {
  main().catch((error: unknown) => {
    process.stderr.write(`Failed to start: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
