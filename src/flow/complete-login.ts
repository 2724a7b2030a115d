import type { Request, Response } from 'express';
import type { OneTimeStore } from '../stores/one-time-store';
import { INSTALLATION_HINT_MAX_AGE_MS, type AuxiliaryCookies } from './cookies';
import type { SessionIdentity } from './identity';
import { logLoginFailure } from './login-log';
import { NO_OBSERVER, type CompleteObserver } from './observer';
import { RedeemedCode } from './redeemed-code';
import { establishSession } from './session';

export { REDEEMED_CODE_TTL_MS } from './redeemed-code';

/** A verified, allowed login waiting for its session. */
export interface PendingLogin {
  identity: SessionIdentity;
  /** Where to land: a path of the host app or an allow-listed URL. */
  location: string;
  /** The deep-link kind, for the log line. */
  deepLinkKind: string;
  /** The one-time key of the redeemed code (a hash, never the code). */
  codeKey: string;
}

/** What {@link completeLogin} needs. */
export interface CompleteLoginDependencies {
  oneTimeStore: OneTimeStore;
  cookies: AuxiliaryCookies;
  /** Adds to the new session before its one write (the CSRF token). */
  prepareSession?: (req: Request) => void;
  /** Told `loginOutcome('success')` or the failure (metrics); default: nobody. */
  observer?: CompleteObserver;
}

/**
 * The last step of every login: a fresh session (new id, identity only, saved before the redirect),
 * the redeemed-code record pointing at this identity (so a refresh lands again), the installation
 * hint cookie, one success log line, and the redirect.
 * @throws {@link LoginFailure} `session_store_unavailable` (503) when the session store fails; nothing else is written then.
 */
export async function completeLogin(
  deps: CompleteLoginDependencies,
  req: Request,
  res: Response,
  login: PendingLogin,
  status: 302 | 303 = 302,
): Promise<void> {
  const { identity } = login;
  const observer = deps.observer ?? NO_OBSERVER;
  try {
    await establishSession(req, identity, deps.prepareSession);
  } catch (error) {
    logLoginFailure(
      req,
      'session_store_unavailable',
      { installation_id: identity.installationId, user_id: identity.userId },
      { observer },
    );
    throw error;
  }
  await RedeemedCode.fromKey(deps.oneTimeStore, login.codeKey).markDone(identity);
  res.cookie(
    deps.cookies.installationHint,
    identity.installationId,
    deps.cookies.options(INSTALLATION_HINT_MAX_AGE_MS),
  );
  req.log.info(
    {
      event: 'login',
      outcome: 'success',
      installation_id: identity.installationId,
      account_id: identity.accountId,
      user_id: identity.userId,
      role: identity.role,
      deep_link: login.deepLinkKind,
    },
    'login succeeded',
  );
  observer.loginOutcome('success', 'none');
  res.redirect(status, login.location);
}
