import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { z } from 'zod';
import { errorForLog } from '../errors/base';
import type { OneTimeStore } from '../stores/one-time-store';

/**
 * The webhook event that removes an installation (VERCEL-SSO.md §4a; Vercel's Webhooks API
 * Reference, "integration-configuration.removed", whose `payload.configuration.id` is the
 * installation id).
 * @example
 * ```ts
 * onEvent: async (event) => {
 *   if (event.type === INSTALLATION_REMOVED_EVENT) await deleteTenantData(event.payload);
 * },
 * ```
 */
export const INSTALLATION_REMOVED_EVENT = 'integration-configuration.removed';

/** Default upper bound on a webhook body, bytes (Vercel's events are a few KiB). */
export const WEBHOOK_BODY_LIMIT_BYTES = 256 * 1024;

/** How long a handled delivery id is remembered, so a redelivery is acknowledged without running again, ms. */
export const WEBHOOK_DEDUPE_TTL_MS = 24 * 60 * 60 * 1000;

/** How long a delivery may be in progress before a redelivery may run it again, ms. */
const IN_PROGRESS_TTL_MS = 60_000;

/**
 * A verified webhook event (Vercel's Webhooks API Reference, "Payload").
 * @example
 * ```ts
 * app.post('/webhooks/vercel', sso.webhooks({ onEvent: async (event: VercelWebhookEvent) => log(event.type, event.id) }));
 * ```
 */
export interface VercelWebhookEvent {
  /** Delivery id; a redelivery carries the same one. */
  id: string;
  /** Event type, e.g. {@link INSTALLATION_REMOVED_EVENT}. */
  type: string;
  /** When Vercel created the event, ms since epoch (when sent). */
  createdAt?: number;
  /** The event's own data (untrusted shape: validate what you read). */
  payload: Record<string, unknown>;
}

/**
 * What `onEvent` receives besides the event.
 * @example
 * ```ts
 * sso.webhooks({ onEvent: async (event, { requestId }) => queue.push({ event, requestId }) });
 * ```
 */
export interface WebhookContext {
  req: Request;
  /** For {@link INSTALLATION_REMOVED_EVENT} (when `revokeOnUninstall`): the sessions just ended. */
  revokedSessions?: number;
}

/**
 * Options of `sso.webhooks()`.
 * @example
 * ```ts
 * const options: WebhooksOptions = { onEvent: async (event) => handle(event) };
 * app.post('/webhooks/vercel', sso.webhooks(options));
 * ```
 */
export interface WebhooksOptions {
  /**
   * Runs once per event id, after the signature is verified and, for an uninstall, after the
   * installation's sessions are revoked. Vercel gets 200 only when it resolves; a throw (or
   * rejection) answers 503 and the event may be delivered again.
   */
  onEvent?: (event: VercelWebhookEvent, context: WebhookContext) => void | Promise<void>;
  /** Revoke every session of the installation on {@link INSTALLATION_REMOVED_EVENT}. Default true. */
  revokeOnUninstall?: boolean;
  /** Largest accepted body, bytes; larger gets 413. Default {@link WEBHOOK_BODY_LIMIT_BYTES}. */
  bodyLimitBytes?: number;
}

/** What the webhook handler needs from the library. */
export interface WebhookDependencies {
  /** The integration's client secret: the HMAC key (VERCEL-SSO.md §4a). Never logged. */
  clientSecret: string;
  oneTimeStore: OneTimeStore;
  revokeInstallation(installationId: string): Promise<number>;
  /** Gives the request an id and a logger. */
  prepare(req: Request, res: Response): void;
}

const eventSchema = z.object({
  id: z.string().min(1).max(256),
  type: z.string().min(1).max(256),
  createdAt: z.number().optional(),
  payload: z.record(z.string(), z.unknown()).default({}),
});

const removedPayloadSchema = z.object({
  configuration: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) }),
});

function fail(res: Response, status: number, code: string, message: string): void {
  res.status(status).set('Cache-Control', 'no-store').json({ error: { code, message } });
}

/**
 * True when `signature` is the lowercase or uppercase hex HMAC-SHA1 of `body` keyed with `secret`
 * (VERCEL-SSO.md §4a; Vercel's example integration `app/webhook/route.ts`), compared in constant
 * time (`crypto.timingSafeEqual`, OWASP ASVS V11.5.2-style comparison of secrets).
 * @example
 * ```ts
 * const ok = verifyWebhookSignature(rawBody, req.get('x-vercel-signature'), process.env.INTEGRATION_CLIENT_SECRET!);
 * ```
 */
export function verifyWebhookSignature(
  body: Buffer,
  signature: string | undefined,
  secret: string,
): boolean {
  if (typeof signature !== 'string' || !/^[0-9a-fA-F]{40}$/.test(signature)) return false;
  const expected = createHmac('sha1', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

/**
 * Builds `sso.webhooks()`: an Express handler for `POST <your webhook URL>`. Order: bounded raw
 * body (413 beyond the limit) → `x-vercel-signature` (401 when missing or wrong) → JSON (400 when
 * malformed) → one run per event id across instances (one-time store claim; a redelivery of a
 * handled event gets 200 without running again, one still in progress 409) → revocation on
 * uninstall → `onEvent` → 200 `{"received":true}`. Errors in Vercel's shape `{"error":{"code","message"}}`.
 * Mount it before any body parser of the host app (it needs the raw bytes).
 * @throws TypeError for a bad `onEvent` or `bodyLimitBytes` (at construction).
 */
export function createWebhookHandler(
  deps: WebhookDependencies,
  options: WebhooksOptions = {},
): RequestHandler {
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function')
    throw new TypeError('webhooks({ onEvent }): expected a function (event, context) => void');
  const limit = options.bodyLimitBytes ?? WEBHOOK_BODY_LIMIT_BYTES;
  if (!Number.isInteger(limit) || limit < 1)
    throw new TypeError(
      `webhooks({ bodyLimitBytes }): expected a positive whole number of bytes, got ${JSON.stringify(options.bodyLimitBytes)}`,
    );
  const revokeOnUninstall = options.revokeOnUninstall ?? true;
  const raw = express.raw({ type: () => true, limit });

  return (req, res, next: NextFunction) => {
    deps.prepare(req, res);
    res.set('Cache-Control', 'no-store');
    raw(req, res, (error?: unknown) => {
      if (error) {
        const status = (error as { status?: number }).status;
        req.log.info(
          { event: 'webhook_refused', reason: status === 413 ? 'too_large' : 'unreadable_body' },
          'webhook refused',
        );
        if (status === 413)
          return fail(res, 413, 'payload_too_large', `The body is larger than ${limit} bytes.`);
        return fail(res, 400, 'invalid_request', 'The body could not be read.');
      }
      handle(req, res).catch(next);
    });
  };

  async function handle(req: Request, res: Response): Promise<void> {
    if (!Buffer.isBuffer(req.body)) {
      // A body parser of the host app ran first: the raw bytes the signature covers are gone.
      req.log.error(
        { event: 'webhook_misconfigured' },
        'webhook handler mounted after a body parser: mount sso.webhooks() before express.json()',
      );
      return fail(res, 500, 'webhook_misconfigured', 'The webhook endpoint is misconfigured.');
    }
    if (!verifyWebhookSignature(req.body, req.get('x-vercel-signature'), deps.clientSecret)) {
      req.log.warn(
        {
          event: 'webhook_refused',
          reason: req.get('x-vercel-signature') ? 'bad_signature' : 'missing_signature',
        },
        'webhook refused',
      );
      return fail(res, 401, 'invalid_signature', 'Missing or invalid x-vercel-signature.');
    }
    let json: unknown;
    try {
      json = JSON.parse(req.body.toString('utf8'));
    } catch {
      req.log.info({ event: 'webhook_refused', reason: 'malformed_json' }, 'webhook refused');
      return fail(res, 400, 'invalid_json', 'The body is not JSON.');
    }
    const parsed = eventSchema.safeParse(json);
    if (!parsed.success) {
      req.log.info({ event: 'webhook_refused', reason: 'malformed_event' }, 'webhook refused');
      return fail(
        res,
        400,
        'invalid_event',
        'The body is not a webhook event (id, type, payload).',
      );
    }
    const event: VercelWebhookEvent = parsed.data;
    const log = { event_id: event.id, event_type: event.type };
    const key = `webhook:${createHash('sha256').update(event.id).digest('base64url')}`;

    let claimed: boolean;
    try {
      claimed = await deps.oneTimeStore.claim(key, 'pending', IN_PROGRESS_TTL_MS);
      if (!claimed) {
        const state = await deps.oneTimeStore.get(key);
        if (state === 'done') {
          req.log.info({ event: 'webhook_duplicate', ...log }, 'webhook already handled');
          res.status(200).json({ received: true, duplicate: true });
          return;
        }
        req.log.info(
          { event: 'webhook_in_progress', ...log },
          'webhook delivery already in progress',
        );
        return fail(res, 409, 'in_progress', 'This event is being handled; retry later.');
      }
    } catch {
      req.log.warn(
        { event: 'webhook_store_unavailable', ...log },
        'webhook not handled: store unavailable',
      );
      res.set('Retry-After', '5');
      return fail(res, 503, 'store_unavailable', 'Temporarily unavailable; retry later.');
    }

    try {
      const context: WebhookContext = { req };
      if (event.type === INSTALLATION_REMOVED_EVENT && revokeOnUninstall) {
        const removed = removedPayloadSchema.safeParse(event.payload);
        if (removed.success) {
          context.revokedSessions = await deps.revokeInstallation(removed.data.configuration.id);
        } else {
          req.log.warn(
            { event: 'webhook_unexpected_payload', ...log },
            'uninstall event without payload.configuration.id: nothing revoked',
          );
        }
      }
      await options.onEvent?.(event, context);
      await deps.oneTimeStore.set(key, 'done', WEBHOOK_DEDUPE_TTL_MS);
    } catch (error) {
      await deps.oneTimeStore.delete(key).catch(() => undefined);
      req.log.error(
        { event: 'webhook_failed', ...log, err: errorForLog(error) },
        'webhook not handled',
      );
      res.set('Retry-After', '5');
      return fail(res, 503, 'event_not_handled', 'The event could not be handled; retry later.');
    }
    req.log.info({ event: 'webhook_handled', ...log }, 'webhook handled');
    res.status(200).json({ received: true });
  }
}
