// @ts-check
/**
 * Baseline for a signed-in request, after the pattern of Vercel's example Marketplace
 * integration: no server-side session; the raw id_token is kept in a cookie and verified with
 * jose (cached remote JWKS, issuer, audience, RS256) on every request. Served by express 5 at
 * `GET /api/session`, answering the claims as JSON.
 *
 * Child process of bench/run.js. Environment: EMULATOR_URL, CLIENT_ID.
 * @module
 */
'use strict';

const express = require('express');
const cookie = require('cookie');
const { createRemoteJWKSet, jwtVerify } = require('jose');
const http = require('node:http');
const { listenAndServe } = require('./lib/ipc');

const issuer = /** @type {string} */ (process.env.EMULATOR_URL);
const audience = /** @type {string} */ (process.env.CLIENT_ID);
const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks`));

const app = express();
app.get('/api/session', async (req, res) => {
  const idToken = cookie.parse(req.headers.cookie ?? '').idToken;
  if (!idToken) {
    res.status(401).json({ error: 'no_session' });
    return;
  }
  try {
    const { payload } = await jwtVerify(idToken, jwks, { issuer, audience, algorithms: ['RS256'] });
    res.set('Cache-Control', 'no-store').json({
      installation_id: payload.installation_id,
      account_id: payload.account_id,
      user_id: payload.user_id,
      sub: payload.sub,
      user_role: payload.user_role,
      user_name: payload.user_name ?? null,
      user_email: payload.user_email ?? null,
      user_avatar_url: payload.user_avatar_url ?? null,
    });
  } catch {
    res.status(401).json({ error: 'invalid_token' });
  }
});

listenAndServe(http.createServer(app));
