/**
 * Test controls: programmatic (`emulator.controls`) and over HTTP under `/_emulator/*` for the
 * browser e2e and benchmark scripts. Request bodies are validated with zod; bad input → 400
 * `{"error":{"code":"invalid_request","message":…}}`.
 *
 * | HTTP | body | 200 answer |
 * |---|---|---|
 * | `POST /_emulator/rotate-key` | `{keepPrevious?: boolean}` (default true) | `{kid}` |
 * | `POST /_emulator/faults` | `{target, fault: Fault \| null, times?}` | `{ok: true}` |
 * | `DELETE /_emulator/faults` | — | `{ok: true}` |
 * | `POST /_emulator/next-token` | a `TokenOverride` | `{ok: true}` |
 * | `DELETE /_emulator/next-token` | — | `{ok: true}` (clears the pending override) |
 * | `POST /_emulator/mint-login` | `{installationId, userId, context?}` | `{code, state, redirectUrl}` |
 * | `POST /_emulator/id-token-shape` | `{shape: "current" \| "legacy"}` | `{ok: true}` |
 * | `POST /_emulator/partner-token` | `{installationId, kind: 'user'\|'system', userId?, override?}` | `{token, headers}` |
 * | `POST /_emulator/uninstall` | `{installationId}` | an `UninstallResult` |
 * | `GET /_emulator/stats` | — | stats object |
 * | `DELETE /_emulator/stats` | — | `{ok: true}` (resets the counters) |
 *
 * @module
 */
import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { z } from 'zod';
import { createHash } from 'node:crypto';
import {
  zeroStats,
  type EmulatorContext,
  type EmulatorStats,
  type TokenRequestRecord,
} from '../context';
import { sendVercelError } from '../http/errors';
import { faultSchema, faultTargetSchema, type Fault, type FaultTarget } from '../http/faults';
import { LoginError, mintLogin, type MintedLogin, type MintLoginInput } from '../actions/login';
import {
  mintPartnerToken,
  partnerTokenInputSchema,
  PartnerTokenError,
  uninstall,
  type PartnerToken,
  type PartnerTokenInput,
  type UninstallResult,
} from '../actions/partner';
import { tokenOverrideSchema, type IdTokenShape, type TokenOverride } from '../model/tokens';

/** The programmatic controls (see `Emulator.controls`). */
export interface EmulatorControls {
  /**
   * Generate a new active signing key.
   * @param opts.keepPrevious - default `true`: old keys stay in the JWKS; `false`: only the new key.
   * @param opts.decoySharingKid - default `false`; `true` also publishes a never-signing key with
   *   the new key's `kid`, listed before it (programmatic only; see `KeyRing.rotate`).
   * @returns the new `kid`.
   */
  rotateKey(opts?: { keepPrevious?: boolean; decoySharingKid?: boolean }): Promise<string>;
  /**
   * What the token endpoint received when `code` was last presented (field names, content type,
   * `grant_type`, answer status; no secret values), or `undefined` when it was not among the last
   * 500 token requests. Programmatic only.
   */
  tokenRequest(code: string): TokenRequestRecord | undefined;
  /**
   * Set (or with `null` clear) the fault of a target.
   * @param opts.times - apply to the next N requests then clear; default persistent.
   * @throws TypeError on invalid input (e.g. `missing_id_token` on `jwks`).
   */
  setFault(target: FaultTarget, fault: Fault | null, opts?: { times?: number }): void;
  /** Remove all faults. */
  clearFaults(): void;
  /**
   * Override the next successful token response only (`null` clears a pending one).
   * @throws TypeError when the override does not match the {@link TokenOverride} shape.
   */
  setNextTokenOverride(override: TokenOverride | null): void;
  /**
   * Mint a single-use code exactly as an Open-in-Provider click does.
   * @returns code, state and the full redirect URL to the Redirect Login URL.
   * @throws LoginError unknown installation / non-member user / invalid Redirect Login URL.
   */
  mintLogin(input: MintLoginInput): MintedLogin;
  /**
   * Claim shape of the id_tokens issued from now on (see `IdTokenShape`): `current` (2026, the
   * default) or `legacy` (pre-2026: `type` claim, no `nbf`).
   * @throws TypeError on any other value.
   */
  setIdTokenShape(shape: IdTokenShape): void;
  /**
   * Mint a Partner API token as Vercel sends it (VERCEL-SSO.md §4): `{token, headers}` with
   * `authorization` and `x-vercel-auth`.
   * @throws PartnerTokenError unknown installation or user; TypeError for a bad override.
   */
  mintPartnerToken(input: PartnerTokenInput): Promise<PartnerToken>;
  /**
   * Uninstall an installation as Vercel does: `DELETE /v1/installations/{id}` on the provider with a
   * system token, then the signed `integration-configuration.removed` webhook (VERCEL-SSO.md §4, §4a).
   * @throws PartnerTokenError unknown installation.
   */
  uninstall(installationId: string): Promise<UninstallResult>;
  /** A snapshot of the request counters. */
  stats(): EmulatorStats;
  /** Zero the counters. */
  resetStats(): void;
}

/** Create the programmatic controls over the shared state. */
export function createControls(ctx: EmulatorContext): EmulatorControls {
  return {
    rotateKey: async (opts) => {
      const kid = await ctx.keys.rotate(opts?.keepPrevious ?? true, opts?.decoySharingKid ?? false);
      ctx.logger.info(
        { kid, keepPrevious: opts?.keepPrevious ?? true },
        'emulator: signing key rotated',
      );
      return kid;
    },
    tokenRequest: (code) => {
      const hash = createHash('sha256').update(code).digest('base64url');
      return [...ctx.tokenRequests].reverse().find((r) => r.codeSha256 === hash);
    },
    setFault: (target, fault, opts) => ctx.faults.set(target, fault, opts),
    clearFaults: () => ctx.faults.clear(),
    setNextTokenOverride: (override) => {
      if (override === null) {
        ctx.nextTokenOverride = null;
        return;
      }
      const parsed = tokenOverrideSchema.safeParse(override);
      if (!parsed.success)
        throw new TypeError(`invalid token override: ${z.prettifyError(parsed.error)}`);
      ctx.nextTokenOverride = parsed.data;
    },
    mintLogin: (input) => mintLogin(ctx, input),
    setIdTokenShape: (shape) => {
      const parsed = shapeSchema.shape.shape.safeParse(shape);
      if (!parsed.success) throw new TypeError('id token shape must be "current" or "legacy"');
      ctx.idTokenShape = parsed.data;
    },
    mintPartnerToken: (input) => {
      const parsed = partnerTokenInputSchema.safeParse(input);
      if (!parsed.success)
        return Promise.reject(
          new TypeError(`invalid partner token input: ${z.prettifyError(parsed.error)}`),
        );
      return mintPartnerToken(ctx, parsed.data);
    },
    uninstall: (installationId) => uninstall(ctx, installationId),
    stats: () => ({ ...ctx.stats }),
    resetStats: () => {
      Object.assign(ctx.stats, zeroStats());
    },
  };
}

const shapeSchema = z.object({ shape: z.enum(['current', 'legacy']) }).strict();
const rotateSchema = z.object({ keepPrevious: z.boolean().optional() }).strict();
const faultBodySchema = z
  .object({
    target: faultTargetSchema,
    fault: faultSchema.nullable(),
    times: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();
const mintSchema = z
  .object({
    installationId: z.string().min(1).max(200),
    userId: z.string().min(1).max(200),
    context: z.record(z.string().max(100), z.string().max(4096)).optional(),
  })
  .strict();

const uninstallSchema = z.object({ installationId: z.string().min(1).max(200) }).strict();

function badRequest(res: Response, error: z.ZodError | string): void {
  sendVercelError(
    res,
    400,
    'invalid_request',
    typeof error === 'string' ? error : z.prettifyError(error),
  );
}

/** Router serving `/_emulator/*`. Bodies: JSON, at most 16 KiB; an absent body counts as `{}`. */
export function controlsRouter(controls: EmulatorControls): Router {
  const router = Router();
  const json = express.json({ limit: '16kb' });
  const body = (req: Request): unknown => req.body ?? {};

  router.post('/_emulator/rotate-key', json, async (req: Request, res: Response) => {
    const parsed = rotateSchema.safeParse(body(req));
    if (!parsed.success) return badRequest(res, parsed.error);
    res.json({ kid: await controls.rotateKey(parsed.data) });
  });
  router.post('/_emulator/faults', json, (req: Request, res: Response) => {
    const parsed = faultBodySchema.safeParse(body(req));
    if (!parsed.success) return badRequest(res, parsed.error);
    try {
      controls.setFault(parsed.data.target, parsed.data.fault, { times: parsed.data.times });
    } catch (err) {
      return badRequest(res, err instanceof TypeError ? err.message : 'invalid fault');
    }
    res.json({ ok: true });
  });
  router.delete('/_emulator/faults', (_req: Request, res: Response) => {
    controls.clearFaults();
    res.json({ ok: true });
  });
  router.post('/_emulator/next-token', json, (req: Request, res: Response) => {
    const parsed = tokenOverrideSchema.safeParse(body(req));
    if (!parsed.success) return badRequest(res, parsed.error);
    controls.setNextTokenOverride(parsed.data);
    res.json({ ok: true });
  });
  router.delete('/_emulator/next-token', (_req: Request, res: Response) => {
    controls.setNextTokenOverride(null);
    res.json({ ok: true });
  });
  router.post('/_emulator/mint-login', json, (req: Request, res: Response) => {
    const parsed = mintSchema.safeParse(body(req));
    if (!parsed.success) return badRequest(res, parsed.error);
    try {
      res.json(controls.mintLogin(parsed.data));
    } catch (err) {
      if (err instanceof LoginError)
        return sendVercelError(
          res,
          err.status,
          err.status === 404 ? 'not_found' : 'invalid_request',
          err.message,
        );
      throw err;
    }
  });
  router.post('/_emulator/id-token-shape', json, (req: Request, res: Response) => {
    const parsed = shapeSchema.safeParse(body(req));
    if (!parsed.success) return badRequest(res, parsed.error);
    controls.setIdTokenShape(parsed.data.shape);
    res.json({ ok: true });
  });
  router.post('/_emulator/partner-token', json, async (req: Request, res: Response) => {
    const parsed = partnerTokenInputSchema.safeParse(body(req));
    if (!parsed.success) return badRequest(res, parsed.error);
    try {
      res.set('Cache-Control', 'no-store').json(await controls.mintPartnerToken(parsed.data));
    } catch (err) {
      if (err instanceof PartnerTokenError)
        return sendVercelError(
          res,
          err.status,
          err.status === 404 ? 'not_found' : 'invalid_request',
          err.message,
        );
      throw err;
    }
  });
  router.post('/_emulator/uninstall', json, async (req: Request, res: Response) => {
    const parsed = uninstallSchema.safeParse(body(req));
    if (!parsed.success) return badRequest(res, parsed.error);
    try {
      res.json(await controls.uninstall(parsed.data.installationId));
    } catch (err) {
      if (err instanceof PartnerTokenError)
        return sendVercelError(res, err.status, 'not_found', err.message);
      throw err;
    }
  });
  router.get('/_emulator/stats', (_req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store').json(controls.stats());
  });
  router.delete('/_emulator/stats', (_req: Request, res: Response) => {
    controls.resetStats();
    res.json({ ok: true });
  });

  const bodyErrors: ErrorRequestHandler = (err: unknown, _req, res, next) => {
    const e = err as { type?: unknown; status?: unknown };
    if (
      typeof e.type === 'string' &&
      typeof e.status === 'number' &&
      e.status >= 400 &&
      e.status < 500
    ) {
      return sendVercelError(
        res,
        e.status === 413 ? 413 : 400,
        'invalid_request',
        'Malformed request body',
      );
    }
    next(err);
  };
  router.use('/_emulator', bodyErrors);
  return router;
}
