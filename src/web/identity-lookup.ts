import type { Request } from 'express';
import type session from 'express-session';
import { unsign } from 'cookie-signature';
import type { SsoSettings } from '../config/options';
import { readCookie } from '../flow/cookies';
import type { SessionIdentity } from '../flow/identity';
import { sessionStoreUnavailable } from '../flow/session';

/** Longest session cookie value looked at (express-session's `s:<24-byte id>.<HMAC>` is about 80). */
const MAX_COOKIE_LENGTH = 256;

/**
 * Reads the signed-in identity for a per-request check without express-session's request
 * machinery: verifies the session cookie's signature (express-session's `s:` + cookie-signature
 * format, every secret tried, so rotation works as in the session middleware), reads the record,
 * and applies the absolute lifetime (OWASP ASVS V3.3.4). Never creates, saves, regenerates or
 * destroys a session and never sets a cookie; the idle TTL (ASVS V3.3.2) is refreshed with the
 * throttled `touch` express-session uses, at most one write per session per interval.
 */
export class IdentityLookup {
  /**
   * @param store - the session store the session middleware uses, whose `touch` is already
   *   throttled (`createStores` wraps it in a `TouchThrottledStore`); wrapping it again
   *   would throttle twice and let an active session idle out up to one interval early.
   */
  constructor(
    private readonly settings: Pick<SsoSettings, 'session'>,
    private readonly store: session.Store,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * @returns the identity of `req`'s session, or undefined (no cookie, bad signature, no record, expired).
   * @throws {@link LoginFailure} `session_store_unavailable` when the store fails.
   */
  async identity(req: Request): Promise<SessionIdentity | undefined> {
    return (await this.signedIn(req))?.identity;
  }

  /**
   * Like {@link identity}, with the session's CSRF token (csrf-sync keeps it in the session as
   * `csrfToken`; it is set at login), for the signed-in fast path of `requireUser`/`optionalUser`.
   * @returns the identity and token, or undefined when there is no valid session.
   * @throws {@link LoginFailure} `session_store_unavailable` when the store fails.
   */
  async signedIn(
    req: Request,
  ): Promise<{ identity: SessionIdentity; csrfToken: string | undefined } | undefined> {
    const sid = this.sessionId(req);
    if (!sid) return undefined;
    let data: session.SessionData | null | undefined;
    try {
      data = await new Promise<session.SessionData | null | undefined>((resolve, reject) =>
        this.store.get(sid, (error, value) => (error ? reject(error) : resolve(value))),
      );
    } catch (error) {
      throw sessionStoreUnavailable(error);
    }
    const identity = data?.identity;
    if (!data || !identity) return undefined;
    // Same rule as enforceSessionLifetimes: a record without a usable login time reads as expired.
    if (
      !Number.isFinite(identity.loginAt) ||
      !(this.now() - identity.loginAt <= this.settings.session.absoluteTimeoutSeconds * 1000)
    )
      return undefined;
    if (this.store.touch) this.store.touch(sid, data, () => undefined);
    const csrfToken = (data as { csrfToken?: unknown }).csrfToken;
    return { identity, csrfToken: typeof csrfToken === 'string' ? csrfToken : undefined };
  }

  /** The session id from the signed cookie, when its signature verifies with one of the secrets. */
  private sessionId(req: Request): string | undefined {
    const raw = readCookie(req, this.settings.session.cookieName);
    if (!raw || raw.length > MAX_COOKIE_LENGTH || !raw.startsWith('s:')) return undefined;
    for (const secret of this.settings.session.secrets) {
      const sid = unsign(raw.slice(2), secret);
      if (sid !== false) return sid;
    }
    return undefined;
  }
}
