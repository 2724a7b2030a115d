// Runs the example against the Vercel emulator or real Vercel, from the environment:
//   INTEGRATION_CLIENT_ID, INTEGRATION_CLIENT_SECRET, SESSION_SECRET, PUBLIC_URL (default
//   http://localhost:3000), VERCEL_API_URL / VERCEL_ISSUER / VERCEL_SSO_URL (the emulator's URL in
//   development), INTEGRATION_SLUG, PORT (default 3000), RATE_LIMIT_CALLBACK_MAX (the conformance kit needs ~1000).
'use strict';

const { createVendorApp } = require('./app');

const env = process.env;
const emulator = env.VERCEL_API_URL;
const { app } = createVendorApp({
  clientId: env.INTEGRATION_CLIENT_ID,
  clientSecret: env.INTEGRATION_CLIENT_SECRET,
  publicUrl: env.PUBLIC_URL || 'http://localhost:3000',
  sessionSecret: env.SESSION_SECRET,
  integrationSlug: env.INTEGRATION_SLUG,
  productName: 'Vendor Cloud',
  // The conformance kit signs in about 60 times a minute: raise the per-IP callback limit for it.
  ...(env.RATE_LIMIT_CALLBACK_MAX
    ? { rateLimit: { callbackMax: Number(env.RATE_LIMIT_CALLBACK_MAX) } }
    : {}),
  ...(emulator
    ? {
        vercel: {
          apiUrl: emulator,
          issuer: env.VERCEL_ISSUER || emulator,
          ssoUrl: env.VERCEL_SSO_URL || emulator,
        },
      }
    : {}),
});
const port = Number(env.PORT || 3000);
app.listen(port, () =>
  process.stdout.write(
    `Vendor app on http://localhost:${port} (Redirect Login URL: /vercel/callback)\n`,
  ),
);
