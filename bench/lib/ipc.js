// @ts-check
/**
 * A tiny request/response protocol over Node's child-process IPC channel.
 * Child side: {@link serve} answers `{id, cmd, args}` with `{id, ok, result|error}`.
 * Parent side: {@link call}.
 * @module
 */
'use strict';

/**
 * @typedef {Record<string, (args: any) => unknown>} Handlers
 */

/**
 * Child side: answer commands from the parent with `handlers[cmd](args)`.
 * @param {Handlers} handlers
 */
function serve(handlers) {
  process.on('message', async (/** @type {any} */ message) => {
    if (!message || typeof message.id !== 'number') return;
    const handler = handlers[message.cmd];
    try {
      if (!handler) throw new Error(`unknown command ${message.cmd}`);
      const result = await handler(message.args);
      process.send?.({ id: message.id, ok: true, result });
    } catch (error) {
      process.send?.({
        id: message.id,
        ok: false,
        error: String(/** @type {Error} */ (error)?.stack ?? error),
      });
    }
  });
}

let nextId = 1;

/**
 * Parent side: send `cmd` to `child` and wait for its answer.
 * @param {import('node:child_process').ChildProcess} child
 * @param {string} cmd
 * @param {unknown} [args]
 * @returns {Promise<any>}
 */
function call(child, cmd, args) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    /** @param {any} message */
    const onMessage = (message) => {
      if (!message || message.id !== id) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (message.ok) resolve(message.result);
      else reject(new Error(`${cmd} failed in child: ${message.error}`));
    };
    const onExit = () => {
      child.off('message', onMessage);
      reject(new Error(`child exited during ${cmd}`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send({ id, cmd, args });
  });
}

/**
 * Child side: tell the parent we are listening.
 * @param {Record<string, unknown>} info
 */
function ready(info) {
  process.send?.({ ready: true, ...info });
}

/**
 * Listens on a free loopback port, answers the parent's `stop` by closing and exiting, and reports
 * the URL: the start-up every baseline child shares.
 * @param {import('node:http').Server} server
 */
function listenAndServe(server) {
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => {
    const address = /** @type {import('node:net').AddressInfo} */ (server.address());
    serve({
      stop: () => {
        server.close();
        server.closeAllConnections();
        process.exit(0);
      },
    });
    ready({ url: `http://127.0.0.1:${address.port}` });
  });
}

module.exports = { serve, call, ready, listenAndServe };
