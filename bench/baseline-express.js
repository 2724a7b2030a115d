// @ts-check
/**
 * Baseline for a signed-in request: a bare express 5 hello-world at the same path
 * (`GET /api/session` → a small JSON body). No middleware, no logging, no session.
 *
 * Child process of bench/run.js.
 * @module
 */
'use strict';

const express = require('express');
const { serve, ready } = require('./lib/ipc');

const app = express();
app.get('/api/session', (_req, res) => {
  res.json({ hello: 'world' });
});

const server = app.listen(0, '127.0.0.1', () => {
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
server.keepAliveTimeout = 65_000;
