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
const http = require('node:http');
const { listenAndServe } = require('./lib/ipc');

const app = express();
app.get('/api/session', (_req, res) => {
  res.json({ hello: 'world' });
});

listenAndServe(http.createServer(app));
