import { Router } from 'express';
import type { VercelSso } from '../index';

/**
 * Example Partner API routes (VERCEL-SSO.md §4) and the webhook (§4a) of the reference service.
 * They store nothing of a vendor's domain; they show the authentication and the revocation:
 * - `GET /v1/installations/:installationId`: a user or system token of that installation; answers
 *   who called (never the token);
 * - `DELETE /v1/installations/:installationId`: the uninstall call (Vercel's Partner API reference,
 *   "Delete Installation"), a system token or an ADMIN user token of that installation; ends every
 *   session of the installation and answers `{"finalized":true}` (nothing left to invoice here);
 * - `POST /webhooks/vercel`: `sso.webhooks()`, which revokes the sessions on
 *   `integration-configuration.removed`.
 */
export function partnerApiRouter(sso: VercelSso): Router {
  const router = Router();
  router.get(
    '/v1/installations/:installationId',
    sso.requireVercelAuth({ allow: ['user', 'system'] }),
    (req, res) => {
      const caller = req.vercelCaller!;
      res.json({
        installation_id: req.params.installationId,
        caller: {
          kind: caller.kind,
          account_id: caller.accountId,
          ...(caller.kind === 'user' ? { user_id: caller.userId, user_role: caller.role } : {}),
        },
      });
    },
  );
  router.delete(
    '/v1/installations/:installationId',
    sso.requireVercelAuth({ allow: ['system', 'user'], role: 'ADMIN' }),
    async (req, res) => {
      try {
        await sso.revokeInstallation(String(req.params.installationId));
      } catch {
        // The session store failed (logged by the store client): Vercel retries a failed uninstall.
        res
          .status(503)
          .set('Retry-After', '5')
          .json({
            error: { code: 'store_unavailable', message: 'Temporarily unavailable; retry later.' },
          });
        return;
      }
      res.json({ finalized: true });
    },
  );
  router.post('/webhooks/vercel', sso.webhooks());
  return router;
}
