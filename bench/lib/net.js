// @ts-check
/**
 * Ports on the loopback interface: a free one, and waiting for a listener.
 * @module
 */
'use strict';

const net = require('node:net');

/** @returns {Promise<number>} a port nothing listens on right now */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const address = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(address.port));
    });
    server.once('error', reject);
  });
}

/**
 * Wait (up to 10 s) until something accepts connections on 127.0.0.1:`port`.
 * @param {number} port
 */
async function waitForPort(port) {
  for (let i = 0; i < 200; i += 1) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

module.exports = { freePort, waitForPort };
