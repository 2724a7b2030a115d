/**
 * Vercel calling the provider (VERCEL-SSO.md §4, §4a): Partner API tokens (user and system
 * kinds, signed by the issuer's active key, with the `X-Vercel-Auth` header that names the kind),
 * and the uninstall of an installation: `DELETE {partnerApiUrl}/v1/installations/{id}` with a system
 * token, then the signed `integration-configuration.removed` webhook to `webhookUrl`.
 *
 * @module
 */
import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { idTokenTtl, type EmulatorContext } from '../context';
import { EmulatorError } from '../error-base';
import { findInstallation, findMember, findPerson } from '../model/seed';
import {
  buildIdTokenClaims,
  mergeWithDeletes,
  signIdToken,
  tokenOverrideSchema,
  type TokenOverride,
} from '../model/tokens';

/** Partner API token kinds, as the `X-Vercel-Auth` header spells them. */
export type PartnerTokenKind = 'user' | 'system';

/** Input of {@link mintPartnerToken}. */
export interface PartnerTokenInput {
  /** `icfg_…` installation id (the `installation_id` claim; a system token may set it to null with an override). */
  installationId: string;
  kind: PartnerTokenKind;
  /** For `user` tokens: a member of the installation. */
  userId?: string;
  /** Test override of claims, header or signing, as for the token endpoint (see `TokenOverride`). */
  override?: TokenOverride;
}

/** A minted Partner API token and the headers Vercel would send with it. */
export interface PartnerToken {
  token: string;
  headers: { authorization: string; 'x-vercel-auth': PartnerTokenKind };
}

/** zod schema of {@link PartnerTokenInput} (the HTTP control). */
export const partnerTokenInputSchema = z
  .object({
    installationId: z.string().min(1).max(200),
    kind: z.enum(['user', 'system']),
    userId: z.string().min(1).max(200).optional(),
    override: tokenOverrideSchema.optional(),
  })
  .strict();

/** Thrown for an unknown installation or user; `status` is the HTTP status to answer. */
export class PartnerTokenError extends EmulatorError<'ERR_EMULATOR_PARTNER_TOKEN'> {
  readonly code = 'ERR_EMULATOR_PARTNER_TOKEN' as const;
  constructor(
    message: string,
    readonly status: 400 | 404,
  ) {
    super(message);
    this.name = 'PartnerTokenError';
  }
}

/**
 * Mints a Partner API token. `user`: the §2 claims of that member with `type: 'access_token'`.
 * `system`: `sub` = `account:<accountId>`, `account_id`, `installation_id`, no user claims.
 * Both: issuer = the emulator, `aud` = the client id, lifetime = the id_token lifetime.
 * @throws {@link PartnerTokenError} unknown installation (404), missing or unknown user (400/404).
 */
export async function mintPartnerToken(
  ctx: EmulatorContext,
  input: PartnerTokenInput,
): Promise<PartnerToken> {
  const installation = findInstallation(ctx.seed, input.installationId);
  if (!installation)
    throw new PartnerTokenError(`unknown installation ${input.installationId}`, 404);
  const nowSeconds = Math.floor(Date.now() / 1000);
  let claims: Record<string, unknown>;
  if (input.kind === 'user') {
    if (!input.userId) throw new PartnerTokenError('userId is required for a user token', 400);
    const member = findMember(installation, input.userId);
    const person = member && findPerson(ctx.seed, member.personId);
    if (!member || !person)
      throw new PartnerTokenError(
        `user ${input.userId} is not a member of ${installation.id}`,
        404,
      );
    claims = {
      ...buildIdTokenClaims({
        issuer: ctx.baseUrl(),
        clientId: ctx.integration.clientId,
        installation,
        member,
        person,
        nowSeconds,
        ttlSeconds: idTokenTtl(ctx),
      }),
      type: 'access_token',
    };
  } else {
    claims = {
      iss: ctx.baseUrl(),
      aud: ctx.integration.clientId,
      sub: `account:${installation.accountId}`,
      account_id: installation.accountId,
      installation_id: installation.id,
      iat: nowSeconds,
      exp: nowSeconds + idTokenTtl(ctx),
    };
  }
  const token = await signIdToken(
    mergeWithDeletes(claims, input.override?.claims),
    ctx.keys,
    input.override,
  );
  return { token, headers: { authorization: `Bearer ${token}`, 'x-vercel-auth': input.kind } };
}

/** The hex HMAC-SHA1 of `body` keyed with the client secret: the `x-vercel-signature` header (VERCEL-SSO.md §4a). */
export function webhookSignature(body: string | Buffer, clientSecret: string): string {
  return createHmac('sha1', clientSecret).update(body).digest('hex');
}

/** What one uninstall did. Statuses are `null` when the call was not made or failed before an answer. */
export interface UninstallResult {
  installationId: string;
  /** `DELETE {partnerApiUrl}/v1/installations/{id}`: its URL and answer status. */
  partnerApi: { url: string; status: number | null; error?: string } | null;
  /** The `integration-configuration.removed` webhook: URL, event id and answer status. */
  webhook: { url: string; eventId: string; status: number | null; error?: string } | null;
}

/** How long the emulator waits for the provider's answer to each uninstall call, ms. */
const PROVIDER_TIMEOUT_MS = 5000;

/**
 * Plays Vercel removing an installation: marks it removed (no new sign-in starts for it), calls the provider's Partner API uninstall with a system
 * token (when `integration.partnerApiUrl` or, by default, the Redirect Login URL's origin is an
 * http(s) URL) and sends the signed webhook (when `integration.webhookUrl` is set).
 * @throws {@link PartnerTokenError} for an unknown installation.
 */
export async function uninstall(
  ctx: EmulatorContext,
  installationId: string,
): Promise<UninstallResult> {
  const installation = findInstallation(ctx.seed, installationId);
  if (!installation) throw new PartnerTokenError(`unknown installation ${installationId}`, 404);
  const result: UninstallResult = { installationId, partnerApi: null, webhook: null };
  ctx.removedInstallations.add(installationId);

  const base = partnerApiBase(ctx);
  if (base) {
    const url = `${base}/v1/installations/${encodeURIComponent(installationId)}`;
    const { headers } = await mintPartnerToken(ctx, { installationId, kind: 'system' });
    result.partnerApi = await call(url, {
      method: 'DELETE',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ cascadeResourceDeletion: true }),
    });
  }
  const webhookUrl = ctx.integration.webhookUrl;
  if (webhookUrl) {
    const eventId = `evt_${randomBytes(12).toString('hex')}`;
    const body = JSON.stringify({
      id: eventId,
      type: 'integration-configuration.removed',
      createdAt: Date.now(),
      payload: {
        configuration: { id: installationId, projectSelection: 'all' },
        team: { id: installation.accountId },
        user: { id: installation.members[0]?.userId ?? null },
      },
    });
    const answer = await call(webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-vercel-signature': webhookSignature(body, ctx.integration.clientSecret),
      },
      body,
    });
    result.webhook = { ...answer, eventId };
  }
  ctx.logger.info(
    {
      installationId,
      partnerApi: result.partnerApi?.status ?? null,
      webhook: result.webhook?.status ?? null,
    },
    'emulator: installation uninstalled',
  );
  return result;
}

function partnerApiBase(ctx: EmulatorContext): string | undefined {
  const raw = ctx.integration.partnerApiUrl ?? ctx.integration.redirectLoginUrl;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return ctx.integration.partnerApiUrl ? url.href.replace(/\/+$/, '') : url.origin;
  } catch {
    return undefined;
  }
}

async function call(
  url: string,
  init: RequestInit,
): Promise<{ url: string; status: number | null; error?: string }> {
  try {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    });
    await response.arrayBuffer().catch(() => undefined);
    return { url, status: response.status };
  } catch (error) {
    return { url, status: null, error: (error as Error).name };
  }
}
