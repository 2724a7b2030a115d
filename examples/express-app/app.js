// A vendor's existing Express app (its own pages, its own session, its own 404) with Vercel
// Marketplace SSO added: the lines marked "Vercel SSO" are all it takes.
'use strict';

const express = require('express');
const session = require('express-session');
const { createVercelSso } = require('vercel-marketplace-sso'); // Vercel SSO

/**
 * Builds the vendor app.
 * @param {import('vercel-marketplace-sso').VercelSsoOptions} ssoOptions
 */
function createVendorApp(ssoOptions) {
  const app = express();
  app.use(
    session({
      name: 'vendor.sid',
      secret: process.env.VENDOR_SESSION_SECRET || 'change-me-vendor-secret-0123456789',
      resave: false,
      saveUninitialized: false,
    }),
  );

  // Vercel SSO: find or create the vendor's own organisation for the installation.
  const organisations = new Map();
  const sso = createVercelSso({
    ...ssoOptions,
    onLogin: ({ identity, req }) => {
      const org = organisations.get(identity.installationId) || {
        id: `org_${organisations.size + 1}`,
        plan: 'free',
      };
      organisations.set(identity.installationId, org);
      req.session.lastOrg = org.id; // the vendor's own session, untouched by the library otherwise
      return { allow: true, accountRef: org.id };
    },
  });
  app.use('/vercel', sso.router); // Vercel SSO: Redirect Login URL = <publicUrl>/vercel/callback

  app.get('/', (req, res) =>
    res.send('<h1>Vendor Cloud</h1><p><a href="/app">Open your dashboard</a></p>'),
  );
  app.get('/pricing', (req, res) => res.send('<h1>Pricing</h1>'));

  // Vercel SSO: guard the vendor's pages and read the signed-in user.
  app.get('/app', sso.requireUser(), (req, res) => {
    const user = sso.identity(req);
    res.send(
      `<h1>Hello ${escapeHtml(user.name || user.userId)}</h1><p>Organisation ${escapeHtml(user.accountRef)} · role ${user.role}</p>` +
        `<form method="post" action="/vercel/signout"><input type="hidden" name="_csrf" value="${sso.csrfToken(req)}"><button>Sign out</button></form>`,
    );
  });
  app.get('/api/me', sso.requireUser(), (req, res) => res.json(sso.identity(req)));
  app.post('/app/settings', sso.requireUser({ role: 'ADMIN' }), (req, res) =>
    res.send('settings saved'),
  );
  // Deep links from Vercel land on the vendor's own pages (the default map, see the README).
  app.get('/resources/:id', sso.requireUser(), (req, res) =>
    res.send(`<h1>Resource ${escapeHtml(req.params.id)}</h1>`),
  );

  app.use((req, res) => res.status(404).send('<h1>Vendor Cloud: page not found</h1>'));
  return { app, sso };
}

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

module.exports = { createVendorApp };
