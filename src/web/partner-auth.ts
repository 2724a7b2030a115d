import type { Request, RequestHandler, Response } from 'express';
import { errorForLog } from '../errors/base';
import { InvalidIdTokenError, KeysUnavailableError, type IdTokenVerifier } from '../flow/id-token';
import type { VercelRole } from '../flow/identity';
import {
  PARTNER_TOKEN_KINDS,
  type PartnerTokenKind,
  type VercelCaller,
} from '../flow/partner-caller';

declare global {
  namespace Express {
    interface Request {
      /** The verified Vercel caller of a Partner API route, set by `sso.requireVercelAuth()`. */
      vercelCaller?: VercelCaller;
    }
  }
}

/**
 * Options of `sso.requireVercelAuth()`.
 * @example
 * ```ts
 * app.get('/v1/installations/:installationId', sso.requireVercelAuth({ allow: ['user', 'system'], installationParam: 'installationId' }), getInstallation);
 * ```
 */
export interface RequireVercelAuthOptions {
  /**
   * Token kinds this route accepts (the `X-Vercel-Auth` header, VERCEL-SSO.md §4); another kind
   * gets 403. Default `['user', 'system']`.
   */
  allow?: PartnerTokenKind[];
  /**
   * The route parameter holding the installation id (`/v1/installations/:installationId`); the
   * token's `installation_id` must equal it, or 403 (VERCEL-SSO.md §4: PostHog and GrowthBook check
   * the same). A system token whose `installation_id` is null does not match any installation.
   * Default `'installationId'`, checked when the route has that parameter; `false` turns the check off.
   */
  installationParam?: string | false;
  /** Only user tokens with this `user_role` pass (others 403); system tokens are not affected (VERCEL-SSO.md §2). */
  role?: VercelRole;
}

/**
 * The `code` of every Partner API refusal, with its status.
 * @example
 * ```ts
 * PARTNER_AUTH_ERRORS.installation_mismatch; // 403
 * ```
 */
export const PARTNER_AUTH_ERRORS = {
  /** No `Authorization: Bearer <JWT>` header. */
  missing_token: 401,
  /** `X-Vercel-Auth` missing, repeated or not `user`/`system` (VERCEL-SSO.md §4). */
  invalid_auth_kind: 401,
  /** The token failed a check (signature, alg, iss, aud, exp, iat, or the claims of its kind). */
  invalid_token: 401,
  /** A valid token of a kind this route does not accept. */
  kind_not_allowed: 403,
  /** The token's `installation_id` differs from the one in the path. */
  installation_mismatch: 403,
  /** A user token whose role may not do this. */
  role_not_allowed: 403,
  /** Vercel's keys could not be fetched. */
  issuer_keys_unavailable: 503,
} as const;

/**
 * One code of {@link PARTNER_AUTH_ERRORS}.
 * @example
 * ```ts
 * const alertOn: PartnerAuthErrorCode[] = ['invalid_token', 'installation_mismatch'];
 * ```
 */
export type PartnerAuthErrorCode = keyof typeof PARTNER_AUTH_ERRORS;

const MESSAGES: Record<PartnerAuthErrorCode, string> = {
  missing_token: 'Missing bearer token.',
  invalid_auth_kind: 'Missing or invalid X-Vercel-Auth header (expected user or system).',
  invalid_token: 'Invalid token.',
  kind_not_allowed: 'This token kind may not call this endpoint.',
  installation_mismatch: 'The token is not for this installation.',
  role_not_allowed: 'The user role may not call this endpoint.',
  issuer_keys_unavailable: 'Unable to verify the token now. Retry later.',
};

/** Sends `{"error":{"code","message"}}` (Vercel's error shape, VERCEL-SSO.md §1.3) with the code's status. */
export function sendPartnerError(res: Response, code: PartnerAuthErrorCode): void {
  const status = PARTNER_AUTH_ERRORS[code];
  if (status === 401)
    res.set(
      'WWW-Authenticate',
      `Bearer error="${code === 'missing_token' ? 'invalid_request' : 'invalid_token'}"`,
    ); // RFC 6750 §3
  if (status === 503) res.set('Retry-After', '5');
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .json({ error: { code, message: MESSAGES[code] } });
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;

/**
 * Builds the `requireVercelAuth` middleware over the login's verifier (one JWKS per process).
 * `prepare` gives the request an id and a logger. Options are checked here, never per request.
 * @throws TypeError for an unknown kind in `allow`, an empty `allow`, a bad `role` or `installationParam`.
 */
export function createRequireVercelAuth(
  verifier: IdTokenVerifier,
  prepare: (req: Request, res: Response) => void,
) {
  return (options: RequireVercelAuthOptions = {}): RequestHandler => {
    const allow = options.allow ?? [...PARTNER_TOKEN_KINDS];
    if (
      !Array.isArray(allow) ||
      allow.length === 0 ||
      allow.some((kind) => !PARTNER_TOKEN_KINDS.includes(kind))
    ) {
      throw new TypeError(
        `requireVercelAuth({ allow }): expected a non-empty array of 'user' and 'system', got ${JSON.stringify(options.allow)}`,
      );
    }
    if (options.role !== undefined && options.role !== 'ADMIN' && options.role !== 'USER') {
      throw new TypeError(
        `requireVercelAuth({ role }): expected 'ADMIN' or 'USER', got ${JSON.stringify(options.role)}`,
      );
    }
    const param = options.installationParam ?? 'installationId';
    if (param !== false && (typeof param !== 'string' || param.length === 0)) {
      throw new TypeError(
        `requireVercelAuth({ installationParam }): expected a route parameter name or false, got ${JSON.stringify(options.installationParam)}`,
      );
    }

    return (req, res, next) => {
      prepare(req, res);
      res.set('Cache-Control', 'no-store');
      const refuse = (code: PartnerAuthErrorCode, details: Record<string, unknown> = {}) => {
        req.log.info(
          { event: 'partner_api_refused', reason: code, ...details },
          'Partner API call refused',
        );
        sendPartnerError(res, code);
      };
      const token = BEARER.exec(req.get('authorization') ?? '')?.[1];
      if (!token) return refuse('missing_token');
      const kind = req.get('x-vercel-auth')?.trim().toLowerCase();
      if (kind !== 'user' && kind !== 'system') return refuse('invalid_auth_kind');

      verifier.verifyPartnerToken(token, kind).then(
        (caller) => {
          const who = {
            kind: caller.kind,
            installation_id: caller.installationId,
            ...(caller.kind === 'user' ? { user_id: caller.userId } : {}),
          };
          if (!allow.includes(caller.kind)) return refuse('kind_not_allowed', who);
          const pathInstallation =
            param === false ? undefined : (req.params as Record<string, string | undefined>)[param];
          if (pathInstallation !== undefined && pathInstallation !== caller.installationId)
            return refuse('installation_mismatch', who);
          if (options.role && caller.kind === 'user' && caller.role !== options.role)
            return refuse('role_not_allowed', who);
          req.vercelCaller = caller;
          next();
        },
        (error: unknown) => {
          if (error instanceof InvalidIdTokenError)
            return refuse('invalid_token', { check: error.check, kind, err: errorForLog(error) });
          if (error instanceof KeysUnavailableError)
            return refuse('issuer_keys_unavailable', {
              cause: error.reason,
              err: errorForLog(error),
            });
          next(error);
        },
      );
    };
  };
}
