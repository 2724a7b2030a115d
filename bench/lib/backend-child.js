// @ts-check
/**
 * Child process: the SSO backend exactly as `node dist/server.js` runs it (configuration from the
 * environment, `startServer`, pino at LOG_LEVEL to stdout, which the bench points at /dev/null),
 * plus bench-only commands: `memory` (optionally after a forced GC, when started with
 * --expose-gc; store sizes), `stop` (graceful, so that --cpu-prof writes its profile).
 * The stores are built here with the same `createStores(config, logger)` that `createApp` would
 * call, only so that `memory` can report their sizes.
 * @module
 */
'use strict';

const { loadConfig } = require('../../dist/config');
const { startServer } = require('../../dist/server');
const { createStores } = require('../../dist/stores');
const { createLogger } = require('../../dist/web/logger');
const { serve, ready } = require('./ipc');

async function main() {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, undefined); // stdout, as in production
  const stores = createStores(config, logger);
  const running = await startServer(config, logger, { stores });
  const address = running.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  serve({
    /**
     * @param {{ gc?: boolean, pruneSessions?: boolean }} [args]
     */
    memory: async (args = {}) => {
      const sessionStore = /** @type {any} */ (stores.sessionStore);
      if (args.pruneSessions && typeof sessionStore.prune === 'function') sessionStore.prune();
      const gc = /** @type {any} */ (globalThis).gc;
      if (args.gc && typeof gc === 'function') {
        // A few full GCs with pauses between them, so that freed pages are returned before RSS is read.
        for (const pauseMs of [100, 100, 500]) {
          gc();
          await new Promise((resolve) => setTimeout(resolve, pauseMs));
        }
      }
      /** @type {number | undefined} */
      const sessions =
        typeof sessionStore.length === 'function'
          ? await new Promise((resolve) =>
              sessionStore.length((/** @type {unknown} */ _e, /** @type {number} */ n) =>
                resolve(n),
              ),
            )
          : undefined;
      const oneTime = /** @type {any} */ (stores.oneTimeStore).size;
      return {
        ...process.memoryUsage(),
        gcForced: args.gc === true && typeof gc === 'function',
        sessions,
        oneTimeRecords: typeof oneTime === 'number' ? oneTime : undefined,
      };
    },
    stop: async () => {
      await running.stop();
      process.exit(0);
    },
  });
  ready({ url: `http://127.0.0.1:${port}`, uptimeMs: Math.round(process.uptime() * 1000) });
}

main().catch((error) => {
  process.stderr.write(`backend child failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
