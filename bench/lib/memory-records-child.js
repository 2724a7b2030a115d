// @ts-check
/**
 * Child process (run with --expose-gc): retained heap per record of the in-process stores, through
 * their real APIs, as the library assembles them (`createStores` → the session store wrapped in
 * `IndexedSessionStore`, as `assembleVercelSso` does; `RedeemedCode` over the one-time store):
 *  - per live session: N sessions written with `set` (each a copy of a real session the bench
 *    took from a backend, with its own id and login time): the memory session store, its
 *    touch-throttle entry and its session-index entry;
 *  - per redeemed-code record: N codes claimed and marked done (`claim` + `markDone`), what a
 *    login leaves in the one-time store.
 * Heap after a full GC before and after each batch, divided by N. Answers `ready` with the figures.
 *
 * Environment: the backend's (loadConfig), BENCH_MEMORY_RECORDS (N), BENCH_SESSION_TEMPLATE (JSON).
 * @module
 */
'use strict';

const { randomBytes } = require('node:crypto');
const { loadConfig } = require('../../dist/config');
const { createStores } = require('../../dist/stores');
const { IndexedSessionStore } = require('../../dist/stores/session-index');
const { RedeemedCode } = require('../../dist/flow/redeemed-code');
const { createLogger } = require('../../dist/web/logger');
const { serve, ready } = require('./ipc');

/** Heap used after a few full GCs, bytes. */
async function heapAfterGc() {
  const gc = /** @type {any} */ (globalThis).gc;
  if (typeof gc !== 'function') throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i += 1) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process.memoryUsage().heapUsed;
}

async function main() {
  const n = Number(process.env.BENCH_MEMORY_RECORDS || 20000);
  const template = JSON.parse(process.env.BENCH_SESSION_TEMPLATE || 'null');
  if (!template?.identity) throw new Error('BENCH_SESSION_TEMPLATE: a session with an identity');
  const config = loadConfig(process.env);
  const stores = createStores(config, createLogger('silent', undefined));
  const sessions = new IndexedSessionStore(
    stores.sessionStore,
    stores.sessionIndex,
    config.session.absoluteTimeoutSeconds * 1000,
  );
  const start = await heapAfterGc();
  for (let i = 0; i < n; i += 1) {
    const sid = randomBytes(24).toString('base64url');
    const data = structuredClone(template);
    data.identity.loginAt = Date.now();
    await new Promise((resolve, reject) =>
      sessions.set(sid, data, (error) => (error ? reject(error) : resolve(undefined))),
    );
  }
  const afterSessions = await heapAfterGc();
  const identity = template.identity;
  for (let i = 0; i < n; i += 1) {
    const code = new RedeemedCode(stores.oneTimeStore, randomBytes(24).toString('base64url'));
    if (!(await code.claim())) throw new Error('a fresh code was already claimed');
    await code.markDone(identity);
  }
  const afterCodes = await heapAfterGc();
  const held = await new Promise((resolve) =>
    sessions.length?.((/** @type {unknown} */ _e, /** @type {number | undefined} */ n) =>
      resolve(n),
    ),
  );
  serve({ stop: () => process.exit(0) });
  ready({
    records: n,
    sessionsHeld: held,
    oneTimeRecordsHeld: /** @type {any} */ (stores.oneTimeStore).size,
    sessionJsonBytes: Buffer.byteLength(JSON.stringify(template)),
    heapStart: start,
    heapAfterSessions: afterSessions,
    heapAfterCodes: afterCodes,
    bytesPerSession: (afterSessions - start) / n,
    bytesPerRedeemedCode: (afterCodes - afterSessions) / n,
  });
}

main().catch((error) => {
  process.stderr.write(`memory-records child failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
