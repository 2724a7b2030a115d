/**
 * Fault injection for the endpoints a provider's server calls: the token endpoint, the JWKS and
 * the discovery document. Lets the backend's tests prove that "any non-2xx, non-JSON body or
 * missing `id_token`" is a failed login and never a 500 or a hang (VERCEL-SSO.md §1.3).
 *
 * @module
 */
import type { Request, Response } from 'express';
import { z } from 'zod';

/**
 * A fault to inject.
 * - `delay`: wait `ms` milliseconds, then answer normally.
 * - `status`: answer `status` with `body` (default: a Vercel error JSON) and `contentType`
 *   (default `text/html; charset=utf-8` when `body` is given).
 * - `non_json`: 200 with a `text/html` body.
 * - `missing_id_token`: token endpoint only; the request is processed normally (the code is
 *   consumed) but a successful 200 JSON lacks `id_token`.
 * - `null_access_token`: token endpoint only; processed normally, and a successful response has
 *   `access_token: null, token_type: null` (a *valid* Vercel response, VERCEL-SSO.md §1.3).
 * - `unavailable`: 503 with a Vercel error JSON.
 * - `rate_limited`: 429 `{"error":{"code":"rate_limited","message",…,"limit":{remaining: 0, reset, resetMs, total}}}`
 *   with `Retry-After: retryAfterSeconds` (default 30; VERCEL-SSO.md §5, "Rate limiting on the REST API").
 * - `hang`: never answers until the server closes or the client aborts.
 */
export type Fault =
  | { kind: 'delay'; ms: number }
  | { kind: 'status'; status: number; body?: string; contentType?: string }
  | { kind: 'non_json' }
  | { kind: 'missing_id_token' }
  | { kind: 'null_access_token' }
  | { kind: 'unavailable' }
  | { kind: 'rate_limited'; retryAfterSeconds?: number }
  | { kind: 'hang' };

/** Where a fault applies: `token` = `POST /v1/integrations/sso/token`, `jwks`, `discovery`. */
export type FaultTarget = 'token' | 'jwks' | 'discovery';

/** zod schema of {@link FaultTarget}. */
export const faultTargetSchema = z.enum(['token', 'jwks', 'discovery']);

/** zod schema of {@link Fault} (delay at most 120 000 ms; status 200-599; body at most 64 KiB). */
export const faultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('delay'), ms: z.number().int().min(0).max(120_000) }).strict(),
  z
    .object({
      kind: z.literal('status'),
      status: z.number().int().min(200).max(599),
      body: z.string().max(65_536).optional(),
      contentType: z
        .string()
        .min(1)
        .max(200)
        .regex(/^[\x20-\x7e]+$/)
        .optional(),
    })
    .strict(),
  z.object({ kind: z.literal('non_json') }).strict(),
  z.object({ kind: z.literal('missing_id_token') }).strict(),
  z.object({ kind: z.literal('null_access_token') }).strict(),
  z.object({ kind: z.literal('unavailable') }).strict(),
  z
    .object({
      kind: z.literal('rate_limited'),
      retryAfterSeconds: z.number().int().min(0).max(86_400).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('hang') }).strict(),
]);

/** Kinds that only make sense on the token endpoint. */
const TOKEN_ONLY_KINDS: ReadonlySet<Fault['kind']> = new Set([
  'missing_id_token',
  'null_access_token',
]);

interface ActiveFault {
  fault: Fault;
  /** Remaining applications; `undefined` = persistent. */
  remaining: number | undefined;
}

/**
 * Per-target fault slots. At most one fault per target; setting a new one replaces the old.
 */
export class FaultRegistry {
  private readonly slots = new Map<FaultTarget, ActiveFault>();

  /**
   * Set (or with `null`, clear) the fault for a target.
   * @param opts.times - apply to the next `times` requests, then clear; default persistent.
   * @throws TypeError on an invalid target/fault/times, or a token-only kind on `jwks`/`discovery`.
   */
  set(target: FaultTarget, fault: Fault | null, opts?: { times?: number }): void {
    const t = faultTargetSchema.safeParse(target);
    if (!t.success) throw new TypeError(`invalid fault target: ${String(target)}`);
    if (fault === null) {
      this.slots.delete(target);
      return;
    }
    const f = faultSchema.safeParse(fault);
    if (!f.success) throw new TypeError(`invalid fault: ${z.prettifyError(f.error)}`);
    if (target !== 'token' && TOKEN_ONLY_KINDS.has(f.data.kind)) {
      throw new TypeError(`fault kind ${f.data.kind} applies to the token endpoint only`);
    }
    const times = opts?.times;
    if (times !== undefined && (!Number.isInteger(times) || times < 1)) {
      throw new TypeError('times must be a positive integer');
    }
    this.slots.set(target, { fault: f.data, remaining: times });
  }

  /** Remove every fault. */
  clear(): void {
    this.slots.clear();
  }

  /** The fault to apply to this request (consuming one of its `times`), or `null`. */
  take(target: FaultTarget): Fault | null {
    const slot = this.slots.get(target);
    if (!slot) return null;
    if (slot.remaining !== undefined) {
      slot.remaining -= 1;
      if (slot.remaining <= 0) this.slots.delete(target);
    }
    return slot.fault;
  }
}

/** Sleep `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Apply the part of a fault that happens before normal processing.
 * @returns `'continue'` when the handler must go on processing normally (no fault, `delay`
 *   after waiting, or the token-only post-processing kinds), `'handled'` when a response has
 *   been sent (or, for `hang`, deliberately never will be).
 */
export async function applyFault(
  fault: Fault | null,
  req: Request,
  res: Response,
): Promise<'continue' | 'handled'> {
  if (!fault) return 'continue';
  switch (fault.kind) {
    case 'delay':
      await sleep(fault.ms);
      return req.socket.destroyed ? 'handled' : 'continue';
    case 'status':
      res.status(fault.status);
      if (fault.body === undefined) {
        res.json({ error: { code: 'internal_server_error', message: 'Injected fault' } });
      } else {
        res.type(fault.contentType ?? 'text/html; charset=utf-8').send(fault.body);
      }
      return 'handled';
    case 'non_json':
      res
        .status(200)
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><html><head><title>Vercel</title></head><body><h1>Something went wrong</h1></body></html>',
        );
      return 'handled';
    case 'unavailable':
      res
        .status(503)
        .set('Retry-After', '1')
        .json({ error: { code: 'service_unavailable', message: 'Service unavailable' } });
      return 'handled';
    case 'rate_limited': {
      const retryAfterSeconds = fault.retryAfterSeconds ?? 30;
      const resetMs = Date.now() + retryAfterSeconds * 1000;
      res
        .status(429)
        .set('Retry-After', String(retryAfterSeconds))
        .set('Cache-Control', 'no-store')
        .json({
          error: {
            code: 'rate_limited',
            message: `Rate limit exceeded. Try again in ${retryAfterSeconds} seconds.`,
            limit: { remaining: 0, reset: Math.ceil(resetMs / 1000), resetMs, total: 100 },
          },
        });
      return 'handled';
    }
    case 'hang':
      // Never answer. The emulator's close() destroys open connections; a client abort closes this one.
      return 'handled';
    case 'missing_id_token':
    case 'null_access_token':
      return 'continue';
  }
}
