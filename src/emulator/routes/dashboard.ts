/**
 * `GET /`: the emulator's "Vercel dashboard". For every installation and every one of its users
 * it shows one "Open in Provider" link per deep-link kind (VERCEL-SSO.md §1.1-1.2). Each link
 * points at `/open?installation=…&user=…&<context>` and carries
 * `data-testid="open-<installationId>-<userId>-<kind>"`. Each installation has an "Uninstall" button
 * (`data-testid="uninstall-<installationId>"`, `POST /installations/:id/uninstall`) that plays Vercel
 * removing it (VERCEL-SSO.md §4, §4a; see `actions/partner.ts`).
 *
 * @module
 */
import { Router, type Request, type Response } from 'express';
import type { EmulatorContext } from '../context';
import type { DevToken } from '../model/dev-tokens';
import { findPerson, findTeam, type SeedInstallation, type UserRole } from '../model/seed';
import { PartnerTokenError, uninstall } from '../actions/partner';
import { renderMessage, renderPage } from '../http/views';

/** Deep-link kinds shown for each user, in display order. */
export const LINK_KINDS = [
  'plain',
  'resource',
  'project',
  'check',
  'invoice',
  'support',
  'path-billing',
  'path-usage',
  'path-onboarding',
  'path-secrets',
  'path-support',
  'experimentation',
  'url',
] as const;

/** One of {@link LINK_KINDS}. */
export type LinkKind = (typeof LINK_KINDS)[number];

/** One "Open in Provider" link. */
export interface DashboardLink {
  kind: LinkKind;
  /** Human label. */
  label: string;
  /** Relative href `/open?…` (already URL-encoded; the template HTML-escapes it). */
  href: string;
  /** `open-<installationId>-<userId>-<kind>`. */
  testId: string;
  /** Where Vercel means the link to land on the provider's side (VERCEL-SSO.md §1.2), e.g. "the resource's page". */
  lands: string;
}

/** One user row of an installation. */
export interface DashboardUser {
  userId: string;
  personId: string;
  name: string;
  email: string;
  role: UserRole;
  avatarPath: string;
  /** Set when the display name holds HTML metacharacters on purpose (the seed's escaping test person). */
  note?: string;
  links: DashboardLink[];
}

/** One installation card. */
export interface DashboardInstallation {
  installationId: string;
  teamName: string;
  teamSlug: string;
  accountId: string;
  ssoStartPath: string;
  /** `POST` here to uninstall (the dashboard's Uninstall button). */
  uninstallPath: string;
  /** Removed with Uninstall: its sign-in links answer "no longer installed". */
  removed: boolean;
  users: DashboardUser[];
}

/** One row of the "Development API tokens" table. */
export interface DashboardDevToken {
  personName: string;
  tokenId: string;
  bearerToken: string;
}

/** Everything the dashboard template shows. */
export interface DashboardView {
  title: string;
  integrationName: string;
  clientId: string;
  redirectLoginUrl: string;
  baseUrl: string;
  installations: DashboardInstallation[];
  /** Seeded development API tokens (`Authorization: Bearer …` for `/v3|v5|v6/user/tokens`). */
  devTokens: DashboardDevToken[];
  /** The provider's "Expire my provider session" page, when the integration names one (development only). */
  expireProviderSessionUrl?: string;
}

/** Where each link kind is meant to land on the provider's side (VERCEL-SSO.md §1.2), for its label. */
export const LINK_LANDINGS: Record<LinkKind, string> = {
  plain: 'dashboard home',
  resource: "the resource's page",
  project: 'the project page',
  check: 'the check',
  invoice: 'the invoice',
  support: 'support for the resource',
  'path-billing': "the resource's billing",
  'path-usage': "the resource's usage",
  'path-onboarding': "the resource's onboarding",
  'path-secrets': "the resource's secrets",
  'path-support': 'support for the resource',
  experimentation: 'the feature flag',
  url: 'the exact provider URL sent',
};

/** Characters that make a display name an escaping test (HTML metacharacters). */
const HTML_METACHARACTERS = /[<>"'&]/;

/**
 * The deep-link context for each kind, for one installation. Uses the installation's first
 * resource / project (and its first check) / invoice / experimentation item; a kind whose
 * object is missing is omitted. `url` is an absolute URL on the Redirect Login URL's origin
 * (`<origin>/resources/<resourceId>`); omitted when that URL is not a valid http(s) URL.
 */
export function linkContexts(
  installation: SeedInstallation,
  redirectLoginUrl: string,
): Array<{ kind: LinkKind; label: string; context: Record<string, string> }> {
  const resource = installation.resources[0];
  const project = installation.projects[0];
  const check = project?.checks[0];
  const invoice = installation.invoices[0];
  const item = installation.experimentationItems[0];
  let origin: string | undefined;
  try {
    const u = new URL(redirectLoginUrl);
    if (u.protocol === 'http:' || u.protocol === 'https:') origin = u.origin;
  } catch {
    origin = undefined;
  }
  const out: Array<{ kind: LinkKind; label: string; context: Record<string, string> }> = [];
  // VERCEL-SSO.md §5: experimentation_item_id, project_id and check_id arrive with the resource_id they belong to.
  const withResource: Record<string, string> = resource ? { resource_id: resource.id } : {};
  out.push({ kind: 'plain', label: 'Open in Provider', context: {} });
  if (resource)
    out.push({
      kind: 'resource',
      label: `Resource ${resource.name}`,
      context: { resource_id: resource.id, product_id: resource.productId },
    });
  if (project)
    out.push({
      kind: 'project',
      label: `Project ${project.name}`,
      context: { project_id: project.id, ...withResource },
    });
  if (project && check)
    out.push({
      kind: 'check',
      label: `Check ${check.name}`,
      context: { check_id: check.id, project_id: project.id, ...withResource },
    });
  if (invoice)
    out.push({
      kind: 'invoice',
      label: `Invoice ${invoice.description}`,
      context: { invoice_id: invoice.id },
    });
  if (resource) {
    out.push({
      kind: 'support',
      label: 'Support',
      context: { support: 'true', resource_id: resource.id },
    });
    for (const p of ['billing', 'usage', 'onboarding', 'secrets', 'support'] as const) {
      out.push({
        kind: `path-${p}`,
        label: `path=${p}`,
        context: { path: p, resource_id: resource.id },
      });
    }
  }
  if (item)
    out.push({
      kind: 'experimentation',
      label: `Flag ${item.name}`,
      context: { experimentation_item_id: item.id, ...withResource },
    });
  if (origin && resource) {
    out.push({
      kind: 'url',
      label: 'url= (provider page)',
      context: { url: `${origin}/resources/${encodeURIComponent(resource.id)}` },
    });
  }
  return out;
}

/** Build the dashboard view model from the current state (and the seeded development tokens, if any). */
export function buildDashboardView(
  ctx: EmulatorContext,
  devTokens: readonly DevToken[] = [],
): DashboardView {
  return {
    title: 'Vercel emulator: dashboard',
    integrationName: ctx.integration.name,
    clientId: ctx.integration.clientId,
    redirectLoginUrl: ctx.integration.redirectLoginUrl,
    baseUrl: ctx.baseUrl(),
    installations: ctx.seed.installations.map((installation) => {
      const team = findTeam(ctx.seed, installation.accountId);
      const contexts = linkContexts(installation, ctx.integration.redirectLoginUrl);
      return {
        installationId: installation.id,
        teamName: team?.name ?? installation.accountId,
        teamSlug: team?.slug ?? '',
        accountId: installation.accountId,
        ssoStartPath: `/sso/integrations/${encodeURIComponent(ctx.integration.slug)}/${encodeURIComponent(installation.id)}`,
        uninstallPath: `/installations/${encodeURIComponent(installation.id)}/uninstall`,
        removed: ctx.removedInstallations.has(installation.id),
        users: installation.members.map((member) => {
          const person = findPerson(ctx.seed, member.personId);
          return {
            userId: member.userId,
            personId: member.personId,
            name: person?.name ?? member.userId,
            email: person?.email ?? '',
            role: member.role,
            avatarPath: `/avatars/${encodeURIComponent(member.userId)}.svg`,
            ...(HTML_METACHARACTERS.test(person?.name ?? '')
              ? {
                  note: 'Escaping test: this name contains HTML on purpose; every page must show it as text.',
                }
              : {}),
            links: contexts.map(({ kind, label, context }) => {
              const params = new URLSearchParams({
                installation: installation.id,
                user: member.userId,
                ...context,
              });
              return {
                kind,
                label,
                href: `/open?${params.toString()}`,
                testId: `open-${installation.id}-${member.userId}-${kind}`,
                lands: LINK_LANDINGS[kind],
              };
            }),
          };
        }),
      };
    }),
    devTokens: devTokens.map(({ personName, tokenId, bearerToken }) => ({
      personName,
      tokenId,
      bearerToken,
    })),
    ...(ctx.integration.expireProviderSessionUrl
      ? { expireProviderSessionUrl: ctx.integration.expireProviderSessionUrl }
      : {}),
  };
}

/** Router serving `GET /`, `GET /dashboard` (a redirect to `/`, as `vercel.com/dashboard` is the real one) and `POST /installations/:installationId/uninstall`. */
export function dashboardRouter(ctx: EmulatorContext, devTokens: readonly DevToken[] = []): Router {
  const router = Router();
  router.get('/', (_req: Request, res: Response) => {
    renderPage(res, 'dashboard', buildDashboardView(ctx, devTokens));
  });
  router.post('/installations/:installationId/uninstall', async (req: Request, res: Response) => {
    // The form is the dashboard's own: refuse cross-site posts (Fetch Metadata).
    const site = req.get('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin')
      return renderMessage(res, 403, 'Refused', 'Uninstall is only possible from the dashboard.');
    const installationId = String(req.params.installationId);
    try {
      const result = await uninstall(ctx, installationId);
      const parts = [
        result.partnerApi
          ? `DELETE ${result.partnerApi.url} answered ${result.partnerApi.status ?? result.partnerApi.error}`
          : 'no Partner API URL configured',
        result.webhook
          ? `the webhook ${result.webhook.url} answered ${result.webhook.status ?? result.webhook.error}`
          : 'no webhook URL configured',
      ];
      renderMessage(
        res,
        200,
        'Installation removed',
        `Uninstalled ${installationId}: ${parts.join('; ')}.`,
      );
    } catch (error) {
      if (error instanceof PartnerTokenError)
        return renderMessage(res, 404, 'Not found', error.message);
      throw error;
    }
  });
  // vercel.com/dashboard is where providers send users to open the integration again.
  router.get('/dashboard', (_req: Request, res: Response) => {
    res.redirect(302, '/');
  });
  return router;
}
