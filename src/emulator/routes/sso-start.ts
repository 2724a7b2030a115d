/**
 * `GET /sso/integrations/:slug/:installationId`: provider-initiated SSO (VERCEL-SSO.md §3).
 *
 * - unknown slug or installation → 404 page;
 * - `as=<userId>` naming a member of the installation → sign in as that person (`emu_user`);
 *   an `as` naming nobody in the installation → 400 chooser page;
 * - otherwise the `emu_user` cookie's person, if a member of the installation;
 * - otherwise (no cookie, or not a member) → 200 chooser page listing the installation's users
 *   as links to this same URL with `as=<userId>` added (original query kept).
 *
 * Once the user is known: mint a code like `/open` and 302 to the Redirect Login URL, forwarding
 * the incoming query's known context keys (`resource_id`, `url`, …; never `as`).
 *
 * @module
 */
import { Router, type Request, type Response } from 'express';
import type { EmulatorContext } from '../context';
import { LoginError, mintLogin, pickContext } from '../actions/login';
import {
  findInstallation,
  findMember,
  findMemberByPerson,
  findPerson,
  findTeam,
  type SeedInstallation,
  type SeedMember,
} from '../model/seed';
import { readEmulatorUser, setEmulatorUser } from '../http/session';
import { renderMessage, renderPage } from '../http/views';

/** Router serving provider-initiated SSO. */
export function ssoStartRouter(ctx: EmulatorContext): Router {
  const router = Router();
  router.get('/sso/integrations/:slug/:installationId', (req: Request, res: Response) => {
    const slug = String(req.params.slug);
    const installation = findInstallation(ctx.seed, String(req.params.installationId));
    if (slug !== ctx.integration.slug || !installation) {
      renderMessage(res, 404, 'Not found', 'No such integration installation.');
      return;
    }
    if (ctx.removedInstallations.has(installation.id)) {
      renderMessage(
        res,
        404,
        'Not installed',
        'The integration is no longer installed for this team.',
      );
      return;
    }
    const query = req.query as Record<string, unknown>;
    let member: SeedMember | undefined;
    if (query.as !== undefined) {
      member = typeof query.as === 'string' ? findMember(installation, query.as) : undefined;
      if (!member) {
        renderChooser(
          ctx,
          req,
          res,
          installation,
          400,
          'That user is not a member of this installation.',
        );
        return;
      }
      setEmulatorUser(res, member.personId);
    } else {
      const personId = readEmulatorUser(req);
      member = personId === undefined ? undefined : findMemberByPerson(installation, personId);
      if (!member) {
        renderChooser(ctx, req, res, installation, 200, undefined);
        return;
      }
    }
    try {
      const minted = mintLogin(ctx, {
        installationId: installation.id,
        userId: member.userId,
        context: pickContext(query),
      });
      res.set('Cache-Control', 'no-store').redirect(302, minted.redirectUrl);
    } catch (err) {
      if (err instanceof LoginError) {
        renderMessage(res, err.status, 'Cannot sign in', err.message);
        return;
      }
      throw err;
    }
  });
  return router;
}

function renderChooser(
  ctx: EmulatorContext,
  req: Request,
  res: Response,
  installation: SeedInstallation,
  status: number,
  error: string | undefined,
): void {
  const original = new URL(req.originalUrl, 'http://emulator.invalid');
  const team = findTeam(ctx.seed, installation.accountId);
  const users = installation.members.map((member) => {
    const params = new URLSearchParams(original.search);
    params.delete('as');
    params.set('as', member.userId);
    const person = findPerson(ctx.seed, member.personId);
    return {
      userId: member.userId,
      name: person?.name ?? member.userId,
      email: person?.email ?? '',
      role: member.role,
      href: `${original.pathname}?${params.toString()}`,
      testId: `as-${installation.id}-${member.userId}`,
    };
  });
  renderPage(
    res,
    'chooser',
    {
      title: 'Vercel emulator: choose an account',
      integrationName: ctx.integration.name,
      installationId: installation.id,
      teamName: team?.name ?? installation.accountId,
      error,
      users,
    },
    status,
  );
}
