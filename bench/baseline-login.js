// @ts-check
/**
 * Baseline for the login: the essential work of an SSO callback on bare `node:http`, nothing
 * else: the same code exchange (fetch POST to the token endpoint), the same jose verification
 * against a cached remote JWKS (issuer, audience, RS256), a random session id in a Map, and a 302
 * with Set-Cookie. No validation beyond that, no replay guard, no logging, no rate limit.
 *
 * Child process of bench/run.js. Environment: EMULATOR_URL, CLIENT_ID, CLIENT_SECRET.
 * @module
 */
'use strict';

const http = require('node:http');
const { randomBytes } = require('node:crypto');
const { createRemoteJWKSet, jwtVerify } = require('jose');
const { listenAndServe } = require('./lib/ipc');

const issuer = /** @type {string} */ (process.env.EMULATOR_URL);
const clientId = /** @type {string} */ (process.env.CLIENT_ID);
const clientSecret = /** @type {string} */ (process.env.CLIENT_SECRET);
const tokenUrl = `${issuer}/v1/integrations/sso/token`;
const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks`));

/** @type {Map<string, Record<string, unknown>>} */
const sessions = new Map();

/**
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 */
async function callback(req, res) {
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const code = query.get('code');
  const state = query.get('state');
  if (!code || !state) {
    res.writeHead(400).end();
    return;
  }
  const answer = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'authorization_code',
      code,
      state,
      client_id: clientId,
      client_secret: clientSecret,
    }),
  });
  if (!answer.ok) {
    res.writeHead(400).end();
    return;
  }
  const { id_token: idToken } = /** @type {{ id_token: string }} */ (await answer.json());
  const { payload } = await jwtVerify(idToken, jwks, {
    issuer,
    audience: clientId,
    algorithms: ['RS256'],
  });
  const sid = randomBytes(32).toString('base64url');
  sessions.set(sid, {
    installationId: payload.installation_id,
    userId: payload.user_id,
    role: payload.user_role,
    loginAt: Date.now(),
  });
  const resourceId = query.get('resource_id');
  res.writeHead(302, {
    location: resourceId ? `/resources/${encodeURIComponent(resourceId)}` : '/',
    'set-cookie': `sid=${sid}; Path=/; HttpOnly; SameSite=Lax`,
    'cache-control': 'no-store',
    'content-length': '0',
  });
  res.end();
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url?.startsWith('/callback?')) {
    callback(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(401);
      res.end();
    });
    return;
  }
  res.writeHead(404).end();
});
listenAndServe(server);
