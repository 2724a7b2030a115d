import { parse as parseCookie } from 'cookie';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { DASHBOARD_SECTIONS, isProviderId, isValidId, type VercelSso } from '../index';

/** Name of the one-time notice cookie (POST-redirect-GET: the POST sets it, the next GET shows and clears it). */
export const NOTICE_COOKIE = 'sso_demo_notice';
/** How long a notice waits for its page, seconds. */
export const NOTICE_MAX_AGE_SECONDS = 60;

/**
 * The notices a POST can leave for the page it redirects to. The cookie carries a key of this table,
 * never free text, so a forged cookie can only show one of these sentences.
 */
export const NOTICES = {
  'secret-rotated': 'The resource secret was rotated (placeholder action).',
} as const;

/**
 * The provider dashboard: placeholder pages a vendor replaces with their own. Each deep-link kind of
 * `src/flow/deep-links.ts` lands on one of these. All need a session (`sso.requireUser()`);
 * `USER` identities see read-only pages, and the example admin action refuses them with 403.
 */
export function dashboardRouter(sso: VercelSso, formBody: RequestHandler): Router {
  const router = Router();
  const signedIn = [sso.requireUser()];
  // The guard goes on each route (not router.use) so unknown paths stay 404s for everyone.

  router.get('/', ...signedIn, (_req, res) => {
    res.render('home', { title: 'Dashboard', sections: DASHBOARD_SECTIONS });
  });

  router.get('/resources/:resourceId', ...signedIn, (req, res) => {
    const resourceId = idParam(req, 'resourceId', isProviderId);
    const notice = takeNotice(req, res, `/resources/${encodeURIComponent(resourceId)}`);
    res.render('page', {
      title: `Resource ${resourceId}`,
      kind: 'resource',
      id: resourceId,
      resourceId,
      sections: DASHBOARD_SECTIONS,
      ...(notice ? { notice } : {}),
    });
  });

  router.get('/resources/:resourceId/:section', ...signedIn, (req, res) => {
    const resourceId = idParam(req, 'resourceId', isProviderId);
    const section = sectionParam(req);
    res.render('page', {
      title: `${label(section)} · ${resourceId}`,
      kind: section,
      id: resourceId,
      resourceId,
    });
  });

  router.post(
    '/resources/:resourceId/rotate-secret',
    formBody,
    sso.requireUser({ role: 'ADMIN', csrf: true }),
    (req, res) => {
      const resourceId = idParam(req, 'resourceId', isProviderId);
      const identity = res.locals.identity as { installationId: string; userId: string };
      req.log.info(
        {
          event: 'admin_action',
          action: 'rotate_secret',
          resource_id: resourceId,
          installation_id: identity.installationId,
          user_id: identity.userId,
        },
        'admin action',
      );
      // POST-redirect-GET: a reload of the result page repeats nothing.
      const page = `/resources/${encodeURIComponent(resourceId)}`;
      res.cookie(NOTICE_COOKIE, 'secret-rotated', {
        path: page,
        httpOnly: true,
        sameSite: 'lax',
        secure: req.secure,
        maxAge: NOTICE_MAX_AGE_SECONDS * 1000,
      });
      res.redirect(303, page);
    },
  );

  router.get('/projects/:projectId', ...signedIn, (req, res) => {
    const projectId = idParam(req, 'projectId');
    res.render('page', {
      title: `Project ${projectId}`,
      kind: 'project',
      id: projectId,
      resourceId: resourceQuery(req),
    });
  });

  router.get('/checks/:checkId', ...signedIn, (req, res) => {
    const checkId = idParam(req, 'checkId');
    const projectId =
      typeof req.query.project_id === 'string' && isValidId(req.query.project_id)
        ? req.query.project_id
        : undefined;
    res.render('page', {
      title: `Check ${checkId}`,
      kind: 'check',
      id: checkId,
      projectId,
      resourceId: resourceQuery(req),
    });
  });

  router.get('/invoices/:invoiceId', ...signedIn, (req, res) => {
    const invoiceId = idParam(req, 'invoiceId', isProviderId);
    res.render('page', {
      title: `Invoice ${invoiceId}`,
      kind: 'invoice',
      id: invoiceId,
      resourceId: resourceQuery(req),
    });
  });

  router.get('/experimentation/:itemId', ...signedIn, (req, res) => {
    const itemId = idParam(req, 'itemId', isProviderId);
    res.render('page', {
      title: `Experimentation item ${itemId}`,
      kind: 'experimentation',
      id: itemId,
      resourceId: resourceQuery(req),
    });
  });

  router.get('/support', ...signedIn, (req, res) => {
    res.render('page', { title: 'Support', kind: 'support', resourceId: resourceQuery(req) });
  });

  for (const section of DASHBOARD_SECTIONS) {
    router.get(`/${section}`, ...signedIn, (_req, res) => {
      res.render('page', { title: label(section), kind: section });
    });
  }

  return router;
}

/** Reads and clears the one-time notice of `path` (see {@link NOTICES}); undefined when there is none. */
function takeNotice(req: Request, res: Response, path: string): string | undefined {
  const key = readCookie(req, NOTICE_COOKIE);
  if (key === undefined) return undefined;
  res.clearCookie(NOTICE_COOKIE, { path, httpOnly: true, sameSite: 'lax', secure: req.secure });
  return Object.prototype.hasOwnProperty.call(NOTICES, key)
    ? NOTICES[key as keyof typeof NOTICES]
    : undefined;
}

function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return undefined;
  return parseCookie(header)[name];
}

/**
 * A path id, or 404. Provider-minted ids (resources, invoices, experimentation items) take any printable
 * character ({@link isProviderId}); Vercel-minted ones (`prj_…`, `chk_…`) the strict alphabet (VERCEL-SSO.md §5).
 */
function idParam(
  req: Request,
  name: string,
  valid: (value: string) => boolean = isValidId,
): string {
  const value = req.params[name];
  if (typeof value !== 'string' || !valid(value)) throw notFound('malformed_id');
  return value;
}

/** The `resource_id` that came with a deep link (VERCEL-SSO.md §5), when well-formed; shown beside the page's own id. */
function resourceQuery(req: Request): string | undefined {
  const value = req.query.resource_id;
  return typeof value === 'string' && isProviderId(value) ? value : undefined;
}

function sectionParam(req: Request): string {
  const value = req.params.section;
  if (!DASHBOARD_SECTIONS.some((s) => s === value)) throw notFound('unknown_section');
  return value as string;
}

function label(section: string): string {
  return section.charAt(0).toUpperCase() + section.slice(1);
}

function notFound(type: string): Error {
  return Object.assign(new Error('not found'), { status: 404, type });
}
