/**
 * `POST /v1/integrations/sso/token`: the code exchange (VERCEL-SSO.md §1.3).
 *
 * Accepts `application/json` and `application/x-www-form-urlencoded` bodies up to 16 KiB.
 * Processing order and answers (all errors are `{"error":{"code","message"}}`):
 *
 * | check | status | `error.code` |
 * |---|---|---|
 * | fault on target `token` (before anything else, after counting) | per fault | — |
 * | body malformed (bad JSON) | 400 | `invalid_request` |
 * | body too large (> 16 KiB) | 413 | `invalid_request` |
 * | body not an object / unsupported content type (no body parsed) | 400 | `invalid_request` |
 * | `grant_type` present and not `authorization_code` nor `refresh_token` | 400 | `unsupported_grant_type` |
 * | code grant: `code`, `client_id` or `client_secret` missing / not a string (`state` is optional) | 400 | `invalid_request` |
 * | refresh grant: `refresh_token`, `client_id` or `client_secret` missing / not a string | 400 | `invalid_request` |
 * | `client_id` / `client_secret` wrong (constant-time compare) | 403 | `invalid_client` |
 * | code unknown | 400 | `invalid_grant` |
 * | code already used | 400 | `invalid_grant` |
 * | code minted for another client id (not consumed) | 400 | `invalid_grant` |
 * | code expired (older than `codeTtlSeconds`; consumed) | 400 | `invalid_grant` |
 * | `state` given and different from the one minted with the code (consumed) | 400 | `invalid_grant` |
 * | refresh token unknown, used, expired or another client's | 400 | `invalid_grant` |
 * | user no longer a member (seed changed) | 400 | `invalid_grant` |
 *
 * The body is a `oneOf` in Vercel's 2026 spec (VERCEL-SSO.md §5): the code grant (`state` optional)
 * or the refresh grant `{grant_type: "refresh_token", refresh_token, client_id, client_secret}`.
 *
 * Success: 200 `{id_token, access_token, token_type: 'Bearer', expires_in, refresh_token}` (the spec's
 * variant with every field non-null) with `expires_in` = the id_token lifetime (seconds) and
 * `Cache-Control: no-store`. A refresh token is single use. The `client_secret` is never logged.
 *
 * Bench mode (`presigned` given): the id_token of an exchange without an override is the one
 * cached for its (installation, user), signed at most once per ~30 s (see `PresignedTokens`);
 * every check above still runs per request.
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import express, {
  Router,
  type ErrorRequestHandler,
  type NextFunction,
  type Request,
  type Response,
} from 'express';
import { z } from 'zod';
import { constantTimeEqual, type RedeemFailure } from '../model/codes';
import {
  idTokenTtl,
  TOKEN_REQUEST_LOG_SIZE,
  type EmulatorContext,
  type TokenRequestRecord,
} from '../context';
import { sendVercelError } from '../http/errors';
import { applyFault, type Fault } from '../http/faults';
import { findInstallation, findMember, findPerson } from '../model/seed';
import {
  buildIdTokenClaims,
  mergeWithDeletes,
  signIdToken,
  type PresignedTokens,
} from '../model/tokens';

/** Path of the token endpoint, as on api.vercel.com. */
export const TOKEN_PATH = '/v1/integrations/sso/token';

/** Maximum accepted request body. */
export const TOKEN_BODY_LIMIT = '16kb';

/** The successful token response (VERCEL-SSO.md §1.3 and §5). */
export interface TokenResponse {
  id_token?: string;
  access_token: string | null;
  token_type: string | null;
  /** Seconds. */
  expires_in: number;
  /** Single use; redeem with the refresh grant. */
  refresh_token: string;
}

const clientSchema = {
  client_id: z.string().min(1).max(1024),
  client_secret: z.string().min(1).max(4096),
};
const codeGrantSchema = z.object({
  grant_type: z.literal('authorization_code').optional(),
  code: z.string().min(1).max(4096),
  state: z.string().min(1).max(4096).optional(),
  ...clientSchema,
  redirect_uri: z.string().max(4096).optional(),
});
const refreshGrantSchema = z.object({
  grant_type: z.literal('refresh_token'),
  refresh_token: z.string().min(1).max(4096),
  ...clientSchema,
});

const REDEEM_MESSAGES: Record<RedeemFailure, string> = {
  unknown_code: 'The authorization code is invalid',
  code_used: 'The authorization code has already been used',
  client_mismatch: 'The authorization code was issued to another client',
  code_expired: 'The authorization code has expired',
  state_mismatch: 'The state does not match the authorization code',
};

/**
 * Router for the token endpoint (with its own body parsers and body-error handling).
 * @param presigned - bench mode: reuse recently signed id_tokens (default: sign one per request).
 */
export function tokenRouter(ctx: EmulatorContext, presigned?: PresignedTokens): Router {
  const router = Router();
  const bodyErrors: ErrorRequestHandler = (err: unknown, _req, res, next) => {
    const e = err as { type?: unknown; status?: unknown };
    if (
      typeof e.type === 'string' &&
      typeof e.status === 'number' &&
      e.status >= 400 &&
      e.status < 500
    ) {
      sendVercelError(
        res,
        e.status === 413 ? 413 : 400,
        'invalid_request',
        e.status === 413 ? 'Request body too large' : 'Malformed request body',
      );
      return;
    }
    next(err);
  };
  router.post(
    TOKEN_PATH,
    async (req: Request, res: Response, next: NextFunction) => {
      ctx.stats.tokenRequests += 1;
      const fault = ctx.faults.take('token');
      if ((await applyFault(fault, req, res)) === 'handled') return;
      res.locals.emulatorFault = fault;
      next();
    },
    express.json({ limit: TOKEN_BODY_LIMIT }),
    express.urlencoded({ extended: false, limit: TOKEN_BODY_LIMIT }),
    async (req: Request, res: Response) => {
      await exchange(ctx, req, res, (res.locals.emulatorFault as Fault | null) ?? null, presigned);
      recordTokenRequest(ctx, req, res.statusCode);
    },
    bodyErrors,
  );
  return router;
}

/** Remember what this request carried (never a value but `grant_type`; the code only hashed). */
function recordTokenRequest(ctx: EmulatorContext, req: Request, status: number): void {
  const body: unknown = req.body;
  const fields =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {};
  const record: TokenRequestRecord = {
    codeSha256:
      typeof fields.code === 'string'
        ? createHash('sha256').update(fields.code).digest('base64url')
        : undefined,
    contentType: req.get('content-type'),
    json: req.is('application/json') === 'application/json',
    fields: Object.keys(fields).sort(),
    grantType: typeof fields.grant_type === 'string' ? fields.grant_type : undefined,
    status,
  };
  ctx.tokenRequests.push(record);
  if (ctx.tokenRequests.length > TOKEN_REQUEST_LOG_SIZE) ctx.tokenRequests.shift();
}

async function exchange(
  ctx: EmulatorContext,
  req: Request,
  res: Response,
  fault: Fault | null,
  presigned?: PresignedTokens,
): Promise<void> {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    sendVercelError(res, 400, 'invalid_request', 'Expected a JSON or form-encoded object body');
    return;
  }
  const grantType = (body as Record<string, unknown>).grant_type;
  if (
    grantType !== undefined &&
    grantType !== 'authorization_code' &&
    grantType !== 'refresh_token'
  ) {
    sendVercelError(
      res,
      400,
      'unsupported_grant_type',
      'grant_type must be authorization_code or refresh_token',
    );
    return;
  }
  const parsed =
    grantType === 'refresh_token'
      ? refreshGrantSchema.safeParse(body)
      : codeGrantSchema.safeParse(body);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? 'body')))].join(
      ', ',
    );
    sendVercelError(res, 400, 'invalid_request', `Missing or invalid parameter(s): ${fields}`);
    return;
  }
  const input = parsed.data;
  const idOk = constantTimeEqual(input.client_id, ctx.integration.clientId);
  const secretOk = constantTimeEqual(input.client_secret, ctx.integration.clientSecret);
  if (!(idOk && secretOk)) {
    ctx.logger.info('emulator: token request with invalid client credentials');
    sendVercelError(res, 403, 'invalid_client', 'Invalid client credentials');
    return;
  }
  let grant: { installationId: string; userId: string };
  if ('refresh_token' in input) {
    const refreshed = ctx.refreshTokens.redeem(input.refresh_token, input.client_id);
    if (!refreshed) {
      ctx.logger.info('emulator: refresh token refused');
      sendVercelError(
        res,
        400,
        'invalid_grant',
        'The refresh token is invalid, expired or already used',
      );
      return;
    }
    grant = refreshed;
  } else {
    const redeemed = ctx.codes.redeem(input.code, input.client_id, input.state);
    if (!redeemed.ok) {
      ctx.logger.info({ reason: redeemed.reason }, 'emulator: token request refused');
      sendVercelError(res, 400, 'invalid_grant', REDEEM_MESSAGES[redeemed.reason]);
      return;
    }
    grant = redeemed.grant;
  }
  const { installationId, userId } = grant;
  const installation = findInstallation(ctx.seed, installationId);
  const member = installation && findMember(installation, userId);
  const person = member && findPerson(ctx.seed, member.personId);
  if (!installation || !member || !person) {
    sendVercelError(
      res,
      400,
      'invalid_grant',
      'The user no longer has access to this installation',
    );
    return;
  }
  const override = ctx.nextTokenOverride;
  ctx.nextTokenOverride = null;
  const issuer = ctx.baseUrl();
  const ttlSeconds = idTokenTtl(ctx);
  const shape = ctx.idTokenShape;
  const sign = (): Promise<string> => {
    const claims = buildIdTokenClaims({
      issuer,
      clientId: ctx.integration.clientId,
      installation,
      member,
      person,
      nowSeconds: Math.floor(Date.now() / 1000),
      ttlSeconds,
      shape,
    });
    return signIdToken(
      mergeWithDeletes({ ...claims }, override?.claims),
      ctx.keys,
      override ?? undefined,
    );
  };
  const idToken =
    presigned && override === null
      ? await presigned.get(
          {
            installationId,
            userId,
            issuer,
            clientId: ctx.integration.clientId,
            kid: ctx.keys.active.kid,
            ttlSeconds,
            shape,
          },
          sign,
        )
      : await sign();
  const response: TokenResponse = {
    id_token: idToken,
    access_token: randomBytes(32).toString('base64url'),
    token_type: 'Bearer',
    expires_in: ttlSeconds,
    refresh_token: ctx.refreshTokens.issue({
      clientId: ctx.integration.clientId,
      installationId,
      userId,
    }),
  };
  if (fault?.kind === 'missing_id_token') delete response.id_token;
  if (fault?.kind === 'null_access_token') {
    response.access_token = null;
    response.token_type = null;
  }
  ctx.logger.info(
    { installationId, userId, override: override !== null },
    'emulator: token issued',
  );
  res.status(200).set('Cache-Control', 'no-store').set('Pragma', 'no-cache').json(response);
}
