import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { OneTimeStore } from '../stores/one-time-store';
import { completeLogin, type PendingLogin } from './complete-login';
import { readCookie, type AuxiliaryCookies } from './cookies';
import { LoginFailure } from './errors';
import type { SessionIdentity } from './identity';
import { logLoginFailure } from './login-log';
import { NO_OBSERVER, type CompleteObserver } from './observer';

/** How long an offered account switch can be confirmed, ms (5 minutes). */
export const ACCOUNT_SWITCH_TTL_MS = 5 * 60 * 1000;
const KEY_PREFIX = 'switch:';
const ID_PATTERN = /^[A-Za-z0-9_-]{24}$/;

interface SwitchRecord extends PendingLogin {
  /** The session the offer was made to: only that session may confirm it. */
  sessionId: string;
}

/** An account switch waiting for the user's answer: what the confirmation page shows. */
export interface SwitchOffer {
  current: SessionIdentity;
  next: SessionIdentity;
  /** The offer's random id (a form field). */
  switchId: string;
  /** Where the new login would land. */
  location: string;
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
    /** Adds the CSRF token to a new session (csrf-sync's generator). */
    private readonly prepareSession: (req: Request) => void,
    /** Told how each confirmed switch's login ends (metrics). */
    private readonly observer: CompleteObserver = NO_OBSERVER,
  ) {}

  /** Stores `login` for this session and returns what the confirmation page shows. No session is created or changed. */
  async offer(req: Request, current: SessionIdentity, login: PendingLogin): Promise<SwitchOffer> {
    const switchId = randomBytes(18).toString('base64url');
    const record: SwitchRecord = { ...login, sessionId: req.sessionID };
    await this.store.set(KEY_PREFIX + switchId, JSON.stringify(record), ACCOUNT_SWITCH_TTL_MS);
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
    return { current, next: login.identity, switchId, location: login.location };
  }

  /**
   * Remembers the offer in this browser (an HttpOnly cookie, as long as the offer lives) so that the
   * prompt can be shown by `GET …/switch-account` and survives a reload (POST-redirect-GET).
   */
  remember(res: Response, offer: SwitchOffer): void {
    res.cookie(
      this.cookies.switchOffer,
      offer.switchId,
      this.cookies.options(ACCOUNT_SWITCH_TTL_MS),
    );
  }

  /**
   * The offer this browser remembers, when it is still alive and was made to this very session
   * (`req` carries the library's session); undefined otherwise. Consumes nothing.
   */
  async pending(req: Request): Promise<SwitchOffer | undefined> {
    const current = req.session?.identity;
    const switchId = readCookie(req, this.cookies.switchOffer);
    if (!current || switchId === undefined) return undefined;
    const record = await this.record(req, switchId);
    if (!record) return undefined;
    return { current, next: record.identity, switchId, location: record.location };
  }

  /**
   * `POST …/switch-account` (after CSRF protection): confirms an offer made to this session (303 to its page).
   * @throws {@link LoginFailure} `switch_not_found` for an unknown, expired or foreign offer.
   */
  async confirm(req: Request, res: Response): Promise<void> {
    const record = await this.ownRecord(req);
    // Consumed only by the session it was offered to: a stolen switch_id cannot cancel it.
    if (!record || (await this.store.take(KEY_PREFIX + String(switchIdOf(req)))) === undefined) {
      logLoginFailure(req, 'switch_not_found', {}, { observer: this.observer });
      throw new LoginFailure('switch_not_found');
    }
    const { sessionId: _ignored, ...login } = record;
    res.clearCookie(this.cookies.switchOffer, this.cookies.options());
    await completeLogin(
      {
        oneTimeStore: this.store,
        cookies: this.cookies,
        prepareSession: this.prepareSession,
        observer: this.observer,
      },
      req,
      res,
      login,
      303,
    );
  }

  /** `POST …/switch-account/cancel` (after CSRF protection): drops the offer, keeps the current session. */
  async cancel(req: Request, res?: Response): Promise<void> {
    res?.clearCookie(this.cookies.switchOffer, this.cookies.options());
    if (await this.ownRecord(req)) await this.store.delete(KEY_PREFIX + String(switchIdOf(req)));
    req.log.info({ event: 'login', outcome: 'switch_declined' }, 'account switch declined');
  }

  /** The offer named by the form's `switch_id`, when it was made to this very session. */
  private ownRecord(req: Request): Promise<SwitchRecord | undefined> {
    return this.record(req, switchIdOf(req));
  }

  /** The offer `id`, when it was made to this very session. */
  private async record(req: Request, id: unknown): Promise<SwitchRecord | undefined> {
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) return undefined;
    const raw = await this.store.get(KEY_PREFIX + id);
    const record = raw ? (JSON.parse(raw) as SwitchRecord) : undefined;
    return record && record.sessionId === req.sessionID ? record : undefined;
  }
}

/** The form's `switch_id` field (Express types `req.body` as `any`). */
function switchIdOf(req: Request): unknown {
  return (req.body as { switch_id?: unknown } | undefined)?.switch_id;
}
