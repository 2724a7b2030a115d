// @ts-check
/**
 * Child process: the SSO backend exactly as `node dist/server.js` runs it (configuration from the
 * environment, `startServer`, pino at LOG_LEVEL to stdout, which the bench points at /dev/null),
 * plus bench-only commands: `memory` (optionally after a forced GC, when started with
 * --expose-gc), `sessionSample` (one stored session, the template of the memory model's per-record
 * figure), `stop` (graceful, so that --cpu-prof writes its profile).
 *
 * With BENCH_OWN_STORES=1 (the memory plateau) the stores are built here with the same
 * `createStores(config, logger)` the library would call and handed to it (`assembleVercelSso(…,
 * { stores })`, the library's internal seam, passed to `startServer` as a prebuilt `sso`), so that
 * `memory` can count their records; otherwise the backend is built exactly as in production.
 *
 * Bench-only retention windows (the memory plateau): the product has no setting for the memory
 * session store's prune interval (60 s) nor for how long a redeemed code is remembered (10 min),
 * so with BENCH_SESSION_PRUNE_MS the memory session store is rebuilt here with that prune
 * interval, and with BENCH_REDEEMED_CODE_TTL_MS every one-time record's lifetime is capped at it
 * (a wrapper around the same store). Neither is set in the rate rows.
 * @module
 */
'use strict';

const { loadConfig } = require('../../dist/config');
const { startServer } = require('../../dist/server');
const { createStores } = require('../../dist/stores');
const { createMemorySessionStore } = require('../../dist/stores/session-store');
const { TouchThrottledStore, touchIntervalMsFor } = require('../../dist/stores/touch-throttle');
const { MemoryOneTimeStore } = require('../../dist/stores/one-time-store');
const { createLogger } = require('../../dist/web/logger');
const { assembleVercelSso } = require('../../dist/web/vercel-sso');
const { parseVercelSsoOptions } = require('../../dist/config');
const { serve, ready } = require('./ipc');

/**
 * @param {any} config
 * @param {import('pino').Logger} logger
 */
function benchStores(config, logger) {
  const stores = createStores(config, logger);
  if (stores.kind !== 'memory') return stores;
  const pruneMs = Number(process.env.BENCH_SESSION_PRUNE_MS || 0);
  const codeTtlMs = Number(process.env.BENCH_REDEEMED_CODE_TTL_MS || 0);
  if (pruneMs > 0) {
    void stores.close(); // the default store's prune timer
    const memory = createMemorySessionStore(config.session.idleTimeoutSeconds * 1000, pruneMs);
    stores.sessionStore = new TouchThrottledStore(
      memory,
      touchIntervalMsFor(config.session.idleTimeoutSeconds),
    );
    // Redeemed-code records are pruned on the same short interval.
    /** @type {any} */ (stores.oneTimeStore).stop?.();
    stores.oneTimeStore = new MemoryOneTimeStore(100_000, pruneMs);
    const { sessionStore, oneTimeStore } = /** @type {any} */ (stores);
    stores.close = async () => {
      /** @type {any} */ (memory).stopInterval?.();
      sessionStore.stop();
      oneTimeStore.stop();
    };
  }
  if (codeTtlMs > 0) {
    const inner = /** @type {any} */ (stores.oneTimeStore);
    const cap = (/** @type {number} */ ttlMs) => Math.min(ttlMs, codeTtlMs);
    stores.oneTimeStore = /** @type {any} */ ({
      inner,
      claim: (/** @type {string} */ k, /** @type {string} */ v, /** @type {number} */ t) =>
        inner.claim(k, v, cap(t)),
      set: (/** @type {string} */ k, /** @type {string} */ v, /** @type {number} */ t) =>
        inner.set(k, v, cap(t)),
      get: (/** @type {string} */ k) => inner.get(k),
      take: (/** @type {string} */ k) => inner.take(k),
      delete: (/** @type {string} */ k) => inner.delete(k),
    });
  }
  return stores;
}

/** Run `gc()` a few times with pauses, so that freed pages are returned before RSS is read. */
async function fullGc() {
  const gc = /** @type {any} */ (globalThis).gc;
  if (typeof gc !== 'function') return false;
  for (const pauseMs of [100, 100, 500]) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return true;
}

async function main() {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, undefined); // stdout, as in production
  const ownStores = process.env.BENCH_OWN_STORES === '1';
  const stores = ownStores ? benchStores(config, logger) : undefined;
  const running = await startServer(
    config,
    logger,
    stores
      ? { sso: assembleVercelSso(parseVercelSsoOptions({ ...config.options, logger }), { stores }) }
      : {},
  );
  const address = running.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  /** Record counts, read without side effects (no purge of expired records). */
  const counts = async () => {
    if (!stores) return {};
    const sessionStore = /** @type {any} */ (stores.sessionStore);
    /** @type {number | undefined} */
    const sessions =
      typeof sessionStore.length === 'function'
        ? await new Promise((resolve) =>
            sessionStore.length((/** @type {unknown} */ _e, /** @type {number} */ n) => resolve(n)),
          )
        : undefined;
    const oneTime = /** @type {any} */ (stores.oneTimeStore);
    const oneTimeHeld = (oneTime.inner ?? oneTime).heldRecords; // MemoryOneTimeStore
    const index = /** @type {any} */ (stores.sessionIndex).size;
    return {
      sessions,
      // LRU entries, expired ones included until they are read, evicted or purged.
      oneTimeRecords: typeof oneTimeHeld === 'number' ? oneTimeHeld : undefined,
      // TouchThrottledStore's last-touch times, expired ones included until pruned.
      touchTimes: sessionStore.rememberedTouches,
      sessionIndexEntries: typeof index === 'number' ? index : undefined,
    };
  };

  serve({
    /**
     * @param {{ gc?: boolean, pruneSessions?: boolean, purgeOneTime?: boolean }} [args]
     */
    memory: async (args = {}) => {
      const sessionStore = /** @type {any} */ (stores?.sessionStore);
      if (args.pruneSessions && typeof sessionStore?.prune === 'function') sessionStore.prune();
      if (args.purgeOneTime && stores) {
        const oneTime = /** @type {any} */ (stores.oneTimeStore);
        (oneTime.inner ?? oneTime).cache?.purgeStale?.();
      }
      const gcForced = args.gc === true && (await fullGc());
      return { ...process.memoryUsage(), gcForced, ...(await counts()) };
    },
    /** One stored session (any), as the store keeps it. */
    sessionSample: () =>
      new Promise((resolve, reject) => {
        const all = stores?.sessionStore.all?.bind(stores.sessionStore);
        if (!all) return reject(new Error('no store whose sessions can be listed'));
        all((error, sessions) => {
          if (error) return reject(error);
          const list = Array.isArray(sessions) ? sessions : Object.values(sessions ?? {});
          resolve(list.find((s) => s && /** @type {any} */ (s).identity) ?? null);
        });
      }),
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
