// An upstream app behind the sidecar, in Node: trusts nothing but the signed assertion.
//
//   npm install jose
//   PORT=8000 SSO_ORIGIN=https://app.example.com AUDIENCE=http://127.0.0.1:8000 node server.mjs
//
// SSO_ORIGIN is the sidecar's PUBLIC_URL (the assertion's `iss`; its keys are at
// SSO_ORIGIN/.well-known/jwks.json unless JWKS_URL says otherwise); AUDIENCE is the sidecar's
// ASSERTION_AUDIENCE (default: UPSTREAM_URL's origin).
import { createServer } from 'node:http';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const port = Number(process.env.PORT ?? 8000);
const issuer = process.env.SSO_ORIGIN;
const audience = process.env.AUDIENCE;
if (!issuer || !audience) {
  console.error('SSO_ORIGIN and AUDIENCE are required');
  process.exit(1);
}
// jose caches the key set and re-fetches it when a token names a kid it does not know (key rotation).
const jwks = createRemoteJWKSet(new URL(process.env.JWKS_URL ?? `${issuer}/.well-known/jwks.json`));

/** The verified identity, or throws. Pin the algorithm (never `none`), issuer, audience and a 60 s lifetime. */
export async function verifyAssertion(token) {
  const { payload } = await jwtVerify(token, jwks, {
    issuer,
    audience,
    algorithms: ['ES256'],
    maxTokenAge: '60s',
    requiredClaims: ['sub', 'exp', 'iat', 'installation_id', 'user_id', 'user_role'],
  });
  return payload;
}

const server = createServer(async (req, res) => {
  const token = req.headers['x-vercel-sso-assertion'];
  let user;
  try {
    if (typeof token !== 'string') throw new Error('no assertion');
    user = await verifyAssertion(token);
  } catch (error) {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ verified: false, reason: error.code ?? error.message }));
    return;
  }
  // Use the verified claims; the plain X-Vercel-* headers are echoed only to show what arrived.
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      verified: true,
      path: req.url,
      user: {
        sub: user.sub,
        installation_id: user.installation_id,
        account_id: user.account_id,
        user_id: user.user_id,
        user_role: user.user_role,
        user_name: user.user_name ?? null,
        user_email: user.user_email ?? null,
        account_ref: user.account_ref ?? null,
      },
      received: {
        'x-vercel-user-id': req.headers['x-vercel-user-id'] ?? null,
        'x-vercel-user-name': req.headers['x-vercel-user-name'] ?? null,
      },
    }),
  );
});
server.listen(port, process.env.HOST ?? '127.0.0.1', () =>
  console.log(`upstream (node) listening on ${port}`),
);
