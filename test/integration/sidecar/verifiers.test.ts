/**
 * The example upstream apps (examples/sidecar/upstream-node with jose, upstream-python with PyJWT)
 * refuse every assertion they should: expired, wrong audience, wrong issuer, wrong key, `alg: none`
 * — so the examples are safe to copy. Each runs as its own process against a JWKS served here.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { exportJWK, SignJWT, base64url } from 'jose';
import { freePort, PYTHON, startUpstream, type Child } from '../../support/sidecar-stack';

const ISSUER = 'https://sso.example.test';
const KID = 'test-key-1';

const pythonReady =
  spawnSync(PYTHON, ['-c', 'import jwt, cryptography'], { stdio: 'ignore' }).status === 0;
if (!pythonReady && process.env.CI !== 'true')
  console.warn(
    `Skipping the Python verifier tests: ${PYTHON} cannot import jwt (apt-get install -y python3-jwt python3-cryptography). CI installs it and never skips.`,
  );

const verifiers = [
  { kind: 'node' as const, run: true },
  { kind: 'python' as const, run: pythonReady || process.env.CI === 'true' },
];

describe('example upstream verifiers', () => {
  let jwksServer: Server;
  let jwksUrl: string;
  let key: KeyObject;
  let otherKey: KeyObject;

  beforeAll(async () => {
    key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const publicJwk = { ...(await exportJWK(key)), kid: KID, alg: 'ES256', use: 'sig' };
    delete (publicJwk as { d?: string }).d;
    jwksServer = createServer((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ keys: [publicJwk] })),
    );
    const port = await freePort();
    await new Promise<void>((resolve) => jwksServer.listen(port, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${port}/jwks.json`;
  });

  afterAll(async () => {
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  for (const verifier of verifiers) {
    (verifier.run ? describe : describe.skip)(`${verifier.kind} example`, () => {
      let app: Child;
      let url: string;
      let audience: string;

      beforeAll(async () => {
        const port = await freePort();
        url = `http://127.0.0.1:${port}/page`;
        audience = `http://127.0.0.1:${port}`;
        app = await startUpstream(verifier.kind, port, {
          SSO_ORIGIN: ISSUER,
          AUDIENCE: audience,
          JWKS_URL: jwksUrl,
        });
      }, 20_000);

      afterAll(async () => {
        await app?.stop();
      });

      const claims = {
        installation_id: 'icfg_1',
        account_id: 'team_1',
        user_id: 'user_1',
        user_role: 'ADMIN',
      };

      async function token(
        options: { aud?: string; iss?: string; ageSeconds?: number; signWith?: KeyObject } = {},
      ): Promise<string> {
        const now = Math.floor(Date.now() / 1000) - (options.ageSeconds ?? 0);
        return new SignJWT(claims)
          .setProtectedHeader({ alg: 'ES256', kid: KID, typ: 'JWT' })
          .setSubject('account:team_1:user:user_1')
          .setIssuer(options.iss ?? ISSUER)
          .setAudience(options.aud ?? audience)
          .setIssuedAt(now)
          .setExpirationTime(now + 60)
          .sign(options.signWith ?? key);
      }

      async function answer(
        assertion: string | undefined,
      ): Promise<{ status: number; verified: boolean }> {
        const response = await fetch(url, {
          headers: assertion === undefined ? {} : { 'X-Vercel-SSO-Assertion': assertion },
        });
        const body = (await response.json()) as { verified: boolean };
        return { status: response.status, verified: body.verified };
      }

      it('accepts a valid assertion', async () => {
        expect(await answer(await token())).toEqual({ status: 200, verified: true });
      });

      it('refuses a missing, expired, wrongly addressed or wrongly issued assertion', async () => {
        expect(await answer(undefined)).toEqual({ status: 401, verified: false });
        expect(await answer(await token({ ageSeconds: 600 }))).toEqual({
          status: 401,
          verified: false,
        });
        expect(await answer(await token({ aud: 'https://other-app.example' }))).toEqual({
          status: 401,
          verified: false,
        });
        expect(await answer(await token({ iss: 'https://evil.example' }))).toEqual({
          status: 401,
          verified: false,
        });
      });

      it('refuses a token signed by another key under the same kid, and alg none', async () => {
        expect(await answer(await token({ signWith: otherKey }))).toEqual({
          status: 401,
          verified: false,
        });
        const now = Math.floor(Date.now() / 1000);
        const header = base64url.encode(JSON.stringify({ alg: 'none', kid: KID, typ: 'JWT' }));
        const payload = base64url.encode(
          JSON.stringify({
            ...claims,
            sub: 'account:team_1:user:user_1',
            iss: ISSUER,
            aud: audience,
            iat: now,
            exp: now + 60,
          }),
        );
        expect(await answer(`${header}.${payload}.`)).toEqual({ status: 401, verified: false });
        // A valid token with its signature cut off is no better.
        const valid = await token();
        expect(await answer(valid.slice(0, valid.lastIndexOf('.') + 1))).toEqual({
          status: 401,
          verified: false,
        });
      });
    });
  }
});
