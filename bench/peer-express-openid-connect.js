// @ts-check
/**
 * Peer row: the signed-in check of auth0's express-openid-connect with its defaults: `auth()` with
 * `authRequired: false` (its stateless session: the identity in an encrypted `appSession` cookie,
 * rolling), and `requiresAuth()` on `GET /api/session`, answering the user's claims as JSON. The
 * OIDC provider is a local oidc-provider the bench starts (lib/peer.js) only for the login that
 * makes the cookie; signed-in requests never reach it.
 *
 * Child process of bench/run.js. Environment: PORT (the bench picks it, so that the provider
 * knows the redirect URI first), ISSUER_URL, CLIENT_ID, CLIENT_SECRET, APP_SESSION_SECRET.
 * @module
 */
'use strict';

const express = require('express');
const http = require('node:http');
const { serve, ready } = require('./lib/ipc');

async function main() {
  // Its dependencies (openid-client 6, jose 6) are ESM-only: load it through import().
  const loaded = await import('express-openid-connect');
  const { auth, requiresAuth } = /** @type {typeof import('express-openid-connect')} */ (
    loaded.default ?? loaded
  );
  const port = Number(process.env.PORT);
  const app = express();
  app.use(
    auth({
      authRequired: false,
      baseURL: `http://127.0.0.1:${port}`,
      issuerBaseURL: /** @type {string} */ (process.env.ISSUER_URL),
      clientID: /** @type {string} */ (process.env.CLIENT_ID),
      clientSecret: /** @type {string} */ (process.env.CLIENT_SECRET),
      secret: /** @type {string} */ (process.env.APP_SESSION_SECRET),
      // The code flow (as ours); its default (id_token + form_post) would make the same cookie.
      authorizationParams: { response_type: 'code', scope: 'openid profile email' },
      idpLogout: false,
    }),
  );
  app.get('/api/session', requiresAuth(), (req, res) => {
    res.json(/** @type {any} */ (req).oidc.user);
  });
  const server = http.createServer(app);
  server.keepAliveTimeout = 65_000;
  server.listen(port, '127.0.0.1', () => {
    serve({
      stop: () => {
        server.close();
        server.closeAllConnections();
        process.exit(0);
      },
    });
    ready({ url: `http://127.0.0.1:${port}` });
  });
}

main().catch((error) => {
  process.stderr.write(`express-openid-connect child failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
