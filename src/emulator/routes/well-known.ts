/**
 * `GET /.well-known/openid-configuration` and `GET /.well-known/jwks` (VERCEL-SSO.md §2), plus the
 * same key set at `GET /.well-known/jwks.json` (VERCEL-SSO.md §5: PostHog fetches that path; the
 * discovery document's `jwks_uri` stays the authority). Each request is counted in the stats and may
 * be faulted (targets `discovery` and `jwks`).
 *
 * @module
 */
import { Router, type Request, type Response } from 'express';
import type { EmulatorContext } from '../context';
import { applyFault } from '../http/faults';

/** The discovery document served by the emulator. */
export interface DiscoveryDocument {
  issuer: string;
  jwks_uri: string;
  token_endpoint: string;
  authorization_endpoint: string;
  response_types_supported: string[];
  subject_types_supported: string[];
  id_token_signing_alg_values_supported: string[];
}

/**
 * Build the discovery document for a base URL. `issuer` is the base URL itself (no trailing
 * slash), which is what openid-client v6 `discovery()` requires when discovering from it.
 * `authorization_endpoint` is advertised for spec compliance but not served (404).
 */
export function discoveryDocument(baseUrl: string): DiscoveryDocument {
  return {
    issuer: baseUrl,
    jwks_uri: `${baseUrl}/.well-known/jwks`,
    token_endpoint: `${baseUrl}/v1/integrations/sso/token`,
    authorization_endpoint: `${baseUrl}/sso/authorize`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  };
}

/** Router serving the two well-known documents. */
export function wellKnownRouter(ctx: EmulatorContext): Router {
  const router = Router();
  router.get('/.well-known/openid-configuration', async (req: Request, res: Response) => {
    ctx.stats.discoveryRequests += 1;
    if ((await applyFault(ctx.faults.take('discovery'), req, res)) === 'handled') return;
    res.set('Cache-Control', 'public, max-age=300').json(discoveryDocument(ctx.baseUrl()));
  });
  router.get(
    ['/.well-known/jwks', '/.well-known/jwks.json'],
    async (req: Request, res: Response) => {
      ctx.stats.jwksRequests += 1;
      if ((await applyFault(ctx.faults.take('jwks'), req, res)) === 'handled') return;
      res.set('Cache-Control', 'public, max-age=60').json(ctx.keys.jwks());
    },
  );
  return router;
}
