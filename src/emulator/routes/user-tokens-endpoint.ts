/**
 * Vercel's user-token endpoints (docs/VERCEL-SSO.md §5, Vercel REST API: Authentication), backed by
 * {@link UserTokenStore}. Every error is `{"error":{"code","message"}}`; bad input is never a 500.
 *
 * Checks, in order, on every endpoint:
 *
 * | check | status | `error.code` |
 * |---|---|---|
 * | method not served on a known path | 405 (`Allow` set) | `method_unknown` |
 * | no `Authorization: Bearer …` header | 401 | `not_authenticated` |
 * | bearer token unknown, deleted, revoked or expired | 403 `{"error":{"code":"forbidden","message":"Not authorized","invalidToken":true}}` (VERCEL-SSO.md §5, as production answers) | `forbidden` |
 * | `teamId`/`slug`/`limit`/`until`/`since` repeated, empty or malformed; `teamId` and `slug` naming different teams | 400 | `invalid_request` |
 * | `teamId`/`slug` of a team the token's user is not a member of (or no such team) | 403 | `forbidden` |
 * | path `tokenId` not `current` nor `[A-Za-z0-9_-]{1,128}` | 400 | `invalid_request` |
 * | `POST`: body larger than 16 KiB | 413 | `invalid_request` |
 * | `POST`: body not JSON / not an object / `name` missing or empty / `expiresAt` not a future integer (ms) / `projectId` not an id / unknown field | 400 | `invalid_request` |
 * | `POST`: the user already has 500 tokens | 400 | `token_limit_reached` |
 * | token id unknown or another user's | 404 | `not_found` |
 * | any other method or path under these prefixes | 404 | `not_found` |
 *
 * | call | 200 body |
 * |---|---|
 * | `POST /v3/user/tokens` | `{token: AuthToken, bearerToken}`; team-scoped with `teamId`/`slug`; only the sha256 of the value is stored |
 * | `DELETE /v3/user/tokens/{tokenId\|current}` | `{tokenId}`; `current` deletes the calling token |
 * | `GET /v5/user/tokens/{tokenId\|current}` | `{token: AuthToken}` |
 * | `GET /v5/user/tokens` | `{tokens, pagination: {count, next, prev}}`, newest first; `limit` 1-100 (default 20), `until` or `since` (ms); cursors are ms numbers |
 * | `GET /v6/user/tokens` | the same, but `next`/`prev` are opaque **string** cursors (VERCEL-SSO.md §5, since 2026-03); `until`/`since` take a cursor or ms |
 *
 * `teamId` is a seeded team's account id, `slug` its slug. Vercel documents `teamId`/`slug` on create
 * only; the emulator still honours them everywhere. The `method_unknown` status (405) is the emulator's
 * choice: Vercel's status for it is not documented. The token ids, values and the owner's
 * identity are never logged together with a value.
 *
 * @module
 */
import express, {
  Router,
  type ErrorRequestHandler,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { z } from 'zod';
import type { EmulatorContext } from '../context';
import { sendVercelError } from '../http/errors';
import type { SeedTeam } from '../model/seed';
import {
  TokenLimitError,
  toAuthToken,
  type StoredUserToken,
  type UserTokenStore,
} from '../model/user-tokens';

/** The path prefixes this router answers under. */
export const USER_TOKEN_PREFIXES = [
  '/v3/user/tokens',
  '/v5/user/tokens',
  '/v6/user/tokens',
] as const;

/** Page size bounds and default of the list endpoints. */
export const LIST_LIMIT = { min: 1, max: 100, default: 20 } as const;

const TOKEN_ID = /^[A-Za-z0-9_-]{1,128}$/;

const createBodySchema = z.strictObject({
  name: z
    .string()
    .max(256)
    .refine((s) => s.trim().length > 0, 'must not be empty'),
  expiresAt: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
  projectId: z.string().regex(TOKEN_ID).optional(),
});

/** What `authenticate` leaves in `res.locals`. */
interface Caller {
  token: StoredUserToken;
  team: SeedTeam | undefined;
}

function caller(res: Response): Caller {
  return res.locals.userTokenCaller as Caller;
}

/** A single query value: `undefined` when absent, `null` when repeated or not a string. */
function queryValue(req: Request, name: string): string | undefined | null {
  const value: unknown = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : null;
}

/** Prefix of the emulator's opaque `/v6` cursors (base64url of `t:<ms>` follows it). */
const CURSOR_PREFIX = 'c1.';

/** The opaque `/v6` cursor of a ms timestamp (VERCEL-SSO.md §5: string cursors on `/v6`). */
export function encodeCursor(ms: number): string {
  return `${CURSOR_PREFIX}${Buffer.from(`t:${ms}`, 'utf8').toString('base64url')}`;
}

/** A cursor or ms query value: `undefined` when absent, `null` when invalid. */
function cursorQuery(req: Request, name: string): number | undefined | null {
  const raw = queryValue(req, name);
  if (raw === undefined || raw === null || !raw.startsWith(CURSOR_PREFIX))
    return integerQuery(req, name);
  const match = /^t:(\d{1,16})$/.exec(
    Buffer.from(raw.slice(CURSOR_PREFIX.length), 'base64url').toString('utf8'),
  );
  const n = match ? Number(match[1]) : NaN;
  return Number.isSafeInteger(n) ? n : null;
}

/** A non-negative integer query value (ms or a count): `undefined` when absent, `null` when invalid. */
function integerQuery(req: Request, name: string): number | undefined | null {
  const raw = queryValue(req, name);
  if (raw === undefined) return undefined;
  if (raw === null || !/^\d{1,16}$/.test(raw)) return null;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : null;
}

function isMember(ctx: EmulatorContext, personId: string, team: SeedTeam): boolean {
  return ctx.seed.installations.some(
    (i) => i.accountId === team.accountId && i.members.some((m) => m.personId === personId),
  );
}

/** Bearer authentication, then `teamId`/`slug` resolution and membership (401 / 400 / 403). */
function authenticate(ctx: EmulatorContext, store: UserTokenStore): RequestHandler {
  return (req, res, next) => {
    const header = req.get('authorization');
    if (header === undefined || header.trim() === '') {
      sendVercelError(
        res,
        401,
        'not_authenticated',
        'Missing bearer token in the Authorization header',
      );
      return;
    }
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
    const token = match?.[1] !== undefined ? store.authenticate(match[1]) : undefined;
    if (!token) {
      // VERCEL-SSO.md §5 "Observed in production": 403 with invalidToken, not 401.
      sendVercelError(res, 403, 'forbidden', 'Not authorized', { invalidToken: true });
      return;
    }
    const teamId = queryValue(req, 'teamId');
    const slug = queryValue(req, 'slug');
    if (teamId === null || slug === null || teamId === '' || slug === '') {
      sendVercelError(
        res,
        400,
        'invalid_request',
        'teamId and slug must each be given at most once and not be empty',
      );
      return;
    }
    const byId =
      teamId === undefined ? undefined : ctx.seed.teams.find((t) => t.accountId === teamId);
    const bySlug = slug === undefined ? undefined : ctx.seed.teams.find((t) => t.slug === slug);
    if (byId && bySlug && byId !== bySlug) {
      sendVercelError(res, 400, 'invalid_request', 'teamId and slug name different teams');
      return;
    }
    const team = byId ?? bySlug;
    const asked = teamId !== undefined || slug !== undefined;
    if (
      asked &&
      (!team ||
        (teamId !== undefined && !byId) ||
        (slug !== undefined && !bySlug) ||
        !isMember(ctx, token.personId, team))
    ) {
      sendVercelError(res, 403, 'forbidden', 'You do not have permission to access this resource');
      return;
    }
    res.locals.userTokenCaller = { token, team } satisfies Caller;
    next();
  };
}

/** The `tokenId` path parameter resolved against the caller (`current` = the calling token). */
function resolveTokenId(req: Request, res: Response): string | undefined {
  const raw = req.params.tokenId;
  if (typeof raw !== 'string' || (raw !== 'current' && !TOKEN_ID.test(raw))) {
    sendVercelError(res, 400, 'invalid_request', 'tokenId must be "current" or a token id');
    return undefined;
  }
  return raw === 'current' ? caller(res).token.id : raw;
}

function createToken(ctx: EmulatorContext, store: UserTokenStore): RequestHandler {
  return (req, res) => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      sendVercelError(res, 400, 'invalid_request', 'Expected a JSON object body');
      return;
    }
    const parsed = createBodySchema.safeParse(body);
    if (!parsed.success) {
      const fields = [
        ...new Set(
          parsed.error.issues.flatMap((i) =>
            i.code === 'unrecognized_keys'
              ? i.keys.map((k) => `${k} (unknown field)`)
              : [String(i.path[0] ?? 'body')],
          ),
        ),
      ];
      sendVercelError(
        res,
        400,
        'invalid_request',
        `Invalid request body: ${fields.join(', ').slice(0, 300)}`,
      );
      return;
    }
    const { name, expiresAt, projectId } = parsed.data;
    if (expiresAt !== undefined && expiresAt <= store.now()) {
      sendVercelError(
        res,
        400,
        'invalid_request',
        'expiresAt must be in the future (milliseconds since the epoch)',
      );
      return;
    }
    const { token: callerToken, team } = caller(res);
    try {
      const { token, bearerToken } = store.create({
        personId: callerToken.personId,
        name,
        ...(expiresAt !== undefined ? { expiresAt } : {}),
        ...(projectId !== undefined ? { projectId } : {}),
        ...(team ? { teamId: team.accountId } : {}),
      });
      ctx.logger.info(
        { tokenId: token.id, personId: token.personId },
        'emulator: user token created',
      );
      res
        .status(200)
        .set('Cache-Control', 'no-store')
        .json({ token: toAuthToken(token), bearerToken });
    } catch (error) {
      if (!(error instanceof TokenLimitError)) throw error;
      sendVercelError(res, 400, 'token_limit_reached', error.message);
    }
  };
}

function deleteToken(ctx: EmulatorContext, store: UserTokenStore): RequestHandler {
  return (req, res) => {
    const id = resolveTokenId(req, res);
    if (id === undefined) return;
    if (!store.delete(caller(res).token.personId, id)) {
      sendVercelError(res, 404, 'not_found', 'Token not found with the requested tokenId');
      return;
    }
    ctx.logger.info({ tokenId: id }, 'emulator: user token deleted');
    res.status(200).set('Cache-Control', 'no-store').json({ tokenId: id });
  };
}

function getToken(store: UserTokenStore): RequestHandler {
  return (req, res) => {
    const id = resolveTokenId(req, res);
    if (id === undefined) return;
    const token = store.get(caller(res).token.personId, id);
    if (!token) {
      sendVercelError(res, 404, 'not_found', 'Token not found with the requested tokenId');
      return;
    }
    res
      .status(200)
      .set('Cache-Control', 'no-store')
      .json({ token: toAuthToken(token) });
  };
}

function listTokens(store: UserTokenStore, cursors: 'ms' | 'opaque'): RequestHandler {
  return (req, res) => {
    const limit = integerQuery(req, 'limit');
    const until = cursorQuery(req, 'until');
    const since = cursorQuery(req, 'since');
    if (
      limit === null ||
      (limit !== undefined && (limit < LIST_LIMIT.min || limit > LIST_LIMIT.max))
    ) {
      sendVercelError(
        res,
        400,
        'invalid_request',
        `limit must be an integer from ${LIST_LIMIT.min} to ${LIST_LIMIT.max}`,
      );
      return;
    }
    if (until === null || since === null) {
      sendVercelError(
        res,
        400,
        'invalid_request',
        'until and since must be timestamps in milliseconds',
      );
      return;
    }
    if (until !== undefined && since !== undefined) {
      sendVercelError(res, 400, 'invalid_request', 'Give either until or since, not both');
      return;
    }
    const page = store.list(caller(res).token.personId, {
      limit: limit ?? LIST_LIMIT.default,
      ...(until !== undefined ? { until } : {}),
      ...(since !== undefined ? { since } : {}),
    });
    const cursor = (ms: number | null): number | string | null =>
      ms === null || cursors === 'ms' ? ms : encodeCursor(ms);
    const pagination = {
      count: page.pagination.count,
      next: cursor(page.pagination.next),
      prev: cursor(page.pagination.prev),
    };
    res
      .status(200)
      .set('Cache-Control', 'no-store')
      .json({ tokens: page.tokens.map(toAuthToken), pagination });
  };
}

/** Router for the four user-token endpoints (its own body parser, 404 and error answers in Vercel's shape). */
export function userTokensRouter(ctx: EmulatorContext, store: UserTokenStore): Router {
  const router = Router();
  const auth = authenticate(ctx, store);
  router.post('/v3/user/tokens', auth, express.json({ limit: '16kb' }), createToken(ctx, store));
  router.delete('/v3/user/tokens/:tokenId', auth, deleteToken(ctx, store));
  router.get('/v5/user/tokens/:tokenId', auth, getToken(store));
  router.get('/v5/user/tokens', auth, listTokens(store, 'ms'));
  router.get('/v6/user/tokens', auth, listTokens(store, 'opaque'));
  for (const [path, allow] of [
    ['/v3/user/tokens', 'POST'],
    ['/v3/user/tokens/:tokenId', 'DELETE'],
    ['/v5/user/tokens/:tokenId', 'GET'],
    ['/v5/user/tokens', 'GET'],
    ['/v6/user/tokens', 'GET'],
  ] as const) {
    router.all(path, (_req: Request, res: Response) => {
      res.set('Allow', allow);
      sendVercelError(res, 405, 'method_unknown', `This endpoint only responds to ${allow}`);
    });
  }
  router.use([...USER_TOKEN_PREFIXES], (_req: Request, res: Response) => {
    sendVercelError(res, 404, 'not_found', 'Not found');
  });
  const errors: ErrorRequestHandler = (
    err: unknown,
    req: Request,
    res: Response,
    _next: NextFunction,
  ) => {
    const e = err as { status?: unknown; type?: unknown };
    const status =
      typeof e.status === 'number' && e.status >= 400 && e.status < 500 ? e.status : 500;
    if (status === 500)
      ctx.logger.error({ err, path: req.path }, 'emulator: user-token endpoint failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (status === 413) sendVercelError(res, 413, 'invalid_request', 'Request body too large');
    else if (status < 500) sendVercelError(res, 400, 'invalid_request', 'Malformed request');
    else sendVercelError(res, 500, 'internal_server_error', 'Internal emulator error');
  };
  router.use([...USER_TOKEN_PREFIXES], errors);
  return router;
}
