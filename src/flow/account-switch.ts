import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { OneTimeStore } from '../stores/one-time-store';
import { HttpError, LINK_NO_LONGER_VALID } from '../web/http-error';
import { completeLogin, type PendingLogin } from './complete-login';
import type { AuxiliaryCookies } from './cookies';
import type { SessionIdentity } from './identity';
import { logLoginFailure } from './login-log';

/** How long an offered account switch can be confirmed, ms (5 minutes). */
export const ACCOUNT_SWITCH_TTL_MS = 5 * 60 * 1000;
const KEY_PREFIX = 'switch:';
const ID_PATTERN = /^[A-Za-z0-9_-]{24}$/;

interface SwitchRecord extends PendingLogin {
  /** The session the offer was made to: only that session may confirm it. */
  sessionId: string;
}

/**
 * Login CSRF defence (OWASP ASVS V3.2; RFC 9700 §4.7): Vercel mints `state`, so nothing binds a
 * callback to the browser that started it. When a browser that is already signed in as one Vercel
 * user receives a sign-in link for a *different* user (another installation, or someone else's
 * link), the session is not replaced silently: the user sees both identities and confirms with a
 * CSRF-protected POST. The verified login waits in the one-time store, bound to that session.
 */
export class AccountSwitch {
  constructor(
    private readonly store: OneTimeStore,
    private readonly cookies: AuxiliaryCookies,
    /** csrf-sync's token generator (stores the token in the current session). */
    private readonly csrfToken: (req: Request) => string,
  ) {}

  /** Stores `login` and renders the confirmation page (200). No session is created or changed. */
  async offer(req: Request, res: Response, current: SessionIdentity, login: PendingLogin): Promise<void> {
    const id = randomBytes(18).toString('base64url');
    const record: SwitchRecord = { ...login, sessionId: req.sessionID };
    await this.store.set(KEY_PREFIX + id, JSON.stringify(record), ACCOUNT_SWITCH_TTL_MS);
    req.log.info(
      {
        event: 'login',
        outcome: 'switch_offered',
        installation_id: login.identity.installationId,
        user_id: login.identity.userId,
        current_installation_id: current.installationId,
        current_user_id: current.userId,
      },
      'signed in as another user: asking before switching',
    );
    res.locals.identity = current;
    res.locals.csrfToken = this.csrfToken(req);
    res.status(200).render('switch-account', { title: 'Switch account?', current, next: login.identity, switchId: id, location: login.location });
  }

  /** `POST /switch-account` (after CSRF protection): confirms an offer made to this session. */
  confirm(): RequestHandler {
    return async (req, res) => {
      res.set('Cache-Control', 'no-store');
      const record = await this.ownRecord(req);
      // Consumed only by the session it was offered to: a stolen switch_id cannot cancel it.
      if (!record || (await this.store.take(KEY_PREFIX + String(req.body.switch_id))) === undefined) {
        logLoginFailure(req, 'switch_not_found');
        throw new HttpError(400, LINK_NO_LONGER_VALID, 'switch_not_found');
      }
      const { sessionId: _ignored, ...login } = record;
      await completeLogin({ oneTimeStore: this.store, cookies: this.cookies, prepareSession: (r) => void this.csrfToken(r) }, req, res, login, 303);
    };
  }

  /** `POST /switch-account/cancel` (after CSRF protection): drops the offer, keeps the current session. */
  cancel(): RequestHandler {
    return async (req, res) => {
      if (await this.ownRecord(req)) await this.store.delete(KEY_PREFIX + String(req.body.switch_id));
      req.log.info({ event: 'login', outcome: 'switch_declined' }, 'account switch declined');
      res.redirect(303, '/');
    };
  }

  /** The offer named by the form's `switch_id`, when it was made to this very session. */
  private async ownRecord(req: Request): Promise<SwitchRecord | undefined> {
    const id: unknown = req.body?.switch_id;
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) return undefined;
    const raw = await this.store.get(KEY_PREFIX + id);
    const record = raw ? (JSON.parse(raw) as SwitchRecord) : undefined;
    return record && record.sessionId === req.sessionID ? record : undefined;
  }
}
