// @ts-check
/**
 * The peer row's set-up: express-openid-connect (bench/peer-express-openid-connect.js) and a real
 * `appSession` cookie for it, made through its public API: a local OIDC provider (oidc-provider,
 * with its built-in development interactions, any login accepted) runs here in the bench's process
 * for the length of one login; a small browser (fetch, a tough-cookie jar, redirects followed by
 * hand, the provider's login and consent forms submitted as a user would) goes /login → the
 * provider's authorize endpoint → its interaction pages → the app's /callback, then keeps the app's
 * session cookie. The provider is closed afterwards: a signed-in request never calls it.
 * @module
 */
'use strict';

const http = require('node:http');
const { randomBytes } = require('node:crypto');
const { CookieJar } = require('tough-cookie');
const { startChild } = require('./proc');
const { freePort } = require('./net');

const CLIENT_ID = 'bench-peer-client';
const CLIENT_SECRET = 'bench-peer-client-secret-0123456789abcdef';

/**
 * Start oidc-provider on a free loopback port, with one confidential client for `redirectUri`.
 * @param {string} redirectUri
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
async function startProvider(redirectUri) {
  const { default: Provider } = await import('oidc-provider');
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], profile: ['name', 'picture'], email: ['email'] },
    findAccount: (/** @type {unknown} */ _ctx, /** @type {string} */ sub) => ({
      accountId: sub,
      claims: () => ({
        sub,
        name: 'Bench User',
        email: 'bench.user@example.com',
        picture: 'https://example.com/avatar.png',
      }),
    }),
    // The development interactions: its own login and consent forms.
    features: { devInteractions: { enabled: true } },
    ttl: {
      Interaction: 600,
      Session: 600,
      Grant: 600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
  });
  provider.on('server_error', () => undefined);
  const server = http.createServer(provider.callback());
  await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)));
  return {
    url: issuer,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The form of an HTML page: its action and its inputs' name → value.
 * @param {string} html
 * @returns {{ action: string, fields: Record<string, string> } | undefined}
 */
function parseForm(html) {
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  /** @type {Record<string, string>} */
  const fields = {};
  for (const input of (form[2] ?? '').matchAll(/<input\b([^>]*)>/gi)) {
    const attrs = input[1] ?? '';
    const name = /\bname="([^"]*)"/.exec(attrs)?.[1];
    if (!name) continue;
    fields[name] = /\bvalue="([^"]*)"/.exec(attrs)?.[1] ?? '';
  }
  return { action: (form[1] ?? '').replace(/&amp;/g, '&'), fields };
}

/**
 * Sign in at the app as a browser would; returns the app's `appSession=…` cookie pair.
 * @param {string} appUrl
 * @returns {Promise<string>}
 */
async function browserLogin(appUrl) {
  const jar = new CookieJar();
  /**
   * @param {string} url
   * @param {{ method?: string, body?: URLSearchParams }} [init]
   */
  const go = async (url, init = {}) => {
    const cookie = await jar.getCookieString(url);
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: init.body,
    });
    for (const line of res.headers.getSetCookie()) await jar.setCookie(line, url);
    return res;
  };
  let url = `${appUrl}/login`;
  /** @type {{ method?: string, body?: URLSearchParams }} */
  let init = {};
  for (let hop = 0; hop < 20; hop += 1) {
    const res = await go(url, init);
    init = {};
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url).toString();
      if (url === `${appUrl}/`) break; // the app's landing page after its callback
      continue;
    }
    const form = res.status === 200 ? parseForm(await res.text()) : undefined;
    if (!form) throw new Error(`peer login: ${res.status} at ${url} without a form`);
    // The provider's development login form takes any login and password; consent has none.
    const body = new URLSearchParams(form.fields);
    if ('login' in form.fields) body.set('login', 'bench-user');
    if ('password' in form.fields) body.set('password', 'bench-password');
    url = new URL(form.action, url).toString();
    init = { method: 'POST', body };
  }
  const pair = (await jar.getCookies(appUrl)).find((c) => c.key === 'appSession');
  if (!pair) throw new Error('peer login: no appSession cookie after the login');
  return `${pair.key}=${pair.value}`;
}

/**
 * Start the express-openid-connect child and sign in at it once.
 * @returns {Promise<{ child: import('./proc').Child, cookie: string }>}
 */
async function startPeer() {
  // oidc-provider prints development-mode warnings (in-memory adapter, development keys and
  // interactions, Node 20): true and intended here, so they are muted while it runs.
  const { warn, info } = console;
  console.warn = () => undefined;
  console.info = () => undefined;
  try {
    return await startPeerQuietly();
  } finally {
    console.warn = warn;
    console.info = info;
  }
}

async function startPeerQuietly() {
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const provider = await startProvider(`${appUrl}/callback`);
  try {
    const child = await startChild(
      'peer-express-openid-connect',
      require.resolve('../peer-express-openid-connect.js'),
      {
        env: {
          PORT: String(port),
          ISSUER_URL: provider.url,
          CLIENT_ID,
          CLIENT_SECRET,
          APP_SESSION_SECRET: randomBytes(32).toString('base64url'),
          NODE_ENV: 'production',
        },
      },
    );
    try {
      const cookie = await browserLogin(appUrl);
      const check = await fetch(`${appUrl}/api/session`, { headers: { cookie } });
      if (check.status !== 200)
        throw new Error(`peer /api/session with its cookie answered ${check.status}`);
      return { child, cookie };
    } catch (error) {
      await child.stop();
      throw error;
    }
  } finally {
    await provider.close();
  }
}

module.exports = { startPeer, parseForm };
