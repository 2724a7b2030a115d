/**
 * `GET /open?installation=…&user=…&<context>`: what clicking an "Open in Provider" link does
 * (VERCEL-SSO.md §1.1-1.2). Signs the emulated browser in as that user's person (`emu_user`
 * cookie), mints a single-use code + fresh state and 302s to
 * `redirectLoginUrl?mode=sso&code=…&state=…&<known context params>`.
 *
 * Errors (HTML pages): 400 missing/repeated `installation`/`user` or user not a member,
 * 404 unknown installation, 500 invalid Redirect Login URL.
 *
 * @module
 */
import { Router, type Request, type Response } from 'express';
import type { EmulatorContext } from '../context';
import { LoginError, mintLogin, pickContext } from '../actions/login';
import { findInstallation, findMember } from '../model/seed';
import { setEmulatorUser } from '../http/session';
import { renderMessage } from '../http/views';

/** Router serving `GET /open`. */
export function openRouter(ctx: EmulatorContext): Router {
  const router = Router();
  router.get('/open', (req: Request, res: Response) => {
    const query = req.query as Record<string, unknown>;
    const installationId = query.installation;
    const userId = query.user;
    if (typeof installationId !== 'string' || typeof userId !== 'string') {
      renderMessage(res, 400, 'Bad request', 'Both installation and user are required, once each.');
      return;
    }
    if (ctx.removedInstallations.has(installationId)) {
      renderMessage(
        res,
        404,
        'Not installed',
        'The integration is no longer installed for this team.',
      );
      return;
    }
    try {
      const minted = mintLogin(ctx, { installationId, userId, context: pickContext(query) });
      const installation = findInstallation(ctx.seed, installationId);
      const member = installation && findMember(installation, userId);
      if (member) setEmulatorUser(res, member.personId);
      res.set('Cache-Control', 'no-store').redirect(302, minted.redirectUrl);
    } catch (err) {
      if (err instanceof LoginError) {
        renderMessage(
          res,
          err.status,
          err.status === 404 ? 'Not found' : 'Cannot open',
          err.message,
        );
        return;
      }
      throw err;
    }
  });
  return router;
}
