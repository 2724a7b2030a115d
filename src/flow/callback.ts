import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Config } from '../config';
import type { OneTimeStore } from '../stores/one-time-store';
import { exchangeSsoCode, type SsoTokenResponse } from '../vercel/sso-token';
import { VercelApiError, VercelUnavailableError } from '../vercel/errors';
import { HttpError, LINK_NO_LONGER_VALID } from '../web/http-error';
import type { AccountResolver } from './account-hook';
import { InvalidCallbackError, parseCallbackQuery, type SsoCallback } from './callback-params';
import type { AccountSwitch } from './account-switch';
import { completeLogin, REDEEMED_CODE_TTL_MS, type PendingLogin } from './complete-login';
import type { AuxiliaryCookies } from './cookies';
import { resolveDeepLink, type DeepLinkTarget } from './deep-links';
import { InvalidIdTokenError, KeysUnavailableError } from './id-token';
import { identityKey, type SessionIdentity, type VercelIdentity } from './identity';
import type { ReturnToRecords } from './return-to';
import { logLoginFailure } from './login-log';
import { currentIdentity } from './session';

/** Dependencies of {@link createCallbackHandler}. */
export interface CallbackDependencies {
  config: Config;
  verifier: { verify(idToken: string): Promise<VercelIdentity> };
  oneTimeStore: OneTimeStore;
  resolveAccount: AccountResolver;
  cookies: AuxiliaryCookies;
  returnTo: ReturnToRecords;
  /** Asks before replacing a signed-in user's session with another user's. */
  accountSwitch: AccountSwitch;
  /** Adds to a new session before its one write (the CSRF token). */
  prepareSession?: (req: Request) => void;
  /** The code exchange; defaults to `POST /v1/integrations/sso/token` on `config.vercel.apiUrl`. */
  exchange?: (code: string, state: string) => Promise<SsoTokenResponse>;
  /** Clock, ms since epoch. */
  now?: () => number;
}

const INVALID_LINK = new HttpError(
  400,
  { title: 'This sign-in link is not valid', message: 'The link is incomplete or malformed. Open the integration again from your Vercel dashboard.' },
  'invalid_callback',
);

/**
 * `GET /callback`, the Redirect Login URL (VERCEL-SSO.md §1):
 *  1. validate the query (single string values, `mode=sso`, bounded `code`/`state`) → 400, no upstream call;
 *  2. `error`/`error_description` → a friendly page;
 *  3. claim the code once (replay guard shared by all instances) → a replay lands the same user, or 400;
 *  4. exchange the code → 400 when Vercel refuses it, 502/504 when Vercel fails;
 *  5. verify the id_token → 401 when invalid, 503 when the keys are unreachable;
 *  6. the vendor account hook → 403 when it refuses;
 *  7. already signed in as another user → a confirmation page (login CSRF defence, see AccountSwitch);
 *  8. a fresh session (new id, identity only, saved) → 302 to the deep link's page.
 * Every outcome writes one `event: "login"` log line with installation and user ids, never a secret.
 */
export function createCallbackHandler(deps: CallbackDependencies): RequestHandler {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  const exchange =
    deps.exchange ??
    ((code: string, state: string) =>
      exchangeSsoCode({
        apiUrl: config.vercel.apiUrl,
        code,
        state,
        clientId: config.integration.clientId,
        clientSecret: config.integration.clientSecret,
        timeoutMs: config.http.tokenExchangeTimeoutMs,
      }));
  const deepLinkOptions = { publicOrigin: config.publicUrl.origin, allowedOrigins: config.deepLinks.allowedOrigins };

  return async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.set('Referrer-Policy', 'no-referrer');

    if (config.session.secureCookies && !req.secure) {
      // The browser would never get the Secure session cookie: a silent failed login. Usually a
      // proxy terminating TLS without TRUST_PROXY, or one that does not send X-Forwarded-Proto.
      req.log.error({ event: 'login', outcome: 'failure', reason: 'insecure_request', trust_proxy: config.trustProxy !== false }, 'login refused: request not seen as https; check TRUST_PROXY and X-Forwarded-Proto');
      throw new HttpError(503, { title: 'Sign-in is misconfigured', message: 'This service must be reached over HTTPS. Please contact the provider’s support.' }, 'insecure_request');
    }

    let callback: ReturnType<typeof parseCallbackQuery>;
    try {
      callback = parseCallbackQuery(req.query as Record<string, unknown>);
    } catch (error) {
      if (!(error instanceof InvalidCallbackError)) throw error;
      logLoginFailure(req, 'invalid_callback', { detail: error.reason });
      throw INVALID_LINK;
    }

    if (callback.kind === 'error') {
      req.log.info({ event: 'login', outcome: 'cancelled', error: callback.error }, 'login cancelled by Vercel');
      res.status(400).render('signin-error', {
        title: 'Sign-in did not complete',
        error: callback.error,
        description: callback.description,
      });
      return;
    }

    const target = resolveDeepLink(callback.deepLink, deepLinkOptions);
    if (target.warnings.length > 0) req.log.warn({ event: 'deep_link', warnings: target.warnings }, 'deep link parameters ignored; landing on a fallback page');

    const codeKey = `code:${createHash('sha256').update(callback.code).digest('base64url')}`;
    const won = await deps.oneTimeStore.claim(codeKey, 'pending', REDEEMED_CODE_TTL_MS).catch((error: unknown) => {
      logLoginFailure(req, 'one_time_store_unavailable');
      // A claim that timed out may still run when a stalled connection recovers; this delete is
      // queued behind it on the same connection, so a retry of the link is not refused as a replay.
      void deps.oneTimeStore.delete(codeKey).catch(() => undefined);
      throw error; // a StoreUnavailableError: the error handler answers 503
    });
    if (!won) {
      await handleReplay(req, res, codeKey, target);
      return;
    }

    let tokens: SsoTokenResponse;
    try {
      tokens = await exchange(callback.code, callback.state);
    } catch (error) {
      throw await exchangeFailure(req, error, codeKey);
    }

    let verified: VercelIdentity;
    try {
      verified = await deps.verifier.verify(tokens.id_token);
    } catch (error) {
      if (error instanceof InvalidIdTokenError) {
        logLoginFailure(req, 'invalid_id_token', { check: error.check });
        throw new HttpError(401, { title: 'Sign-in failed', message: 'Vercel’s answer could not be verified. Open the integration again from your Vercel dashboard.' }, 'invalid_id_token');
      }
      if (error instanceof KeysUnavailableError) {
        logLoginFailure(req, 'issuer_keys_unavailable', { detail: error.reason });
        await deps.oneTimeStore.delete(codeKey).catch(() => undefined);
        throw new HttpError(503, { title: 'Sign-in is temporarily unavailable', message: 'We could not reach Vercel to check your sign-in. Please try again in a moment.' }, 'issuer_keys_unavailable', { 'Retry-After': '5' });
      }
      throw error;
    }

    const decision = await deps.resolveAccount(verified, { requestId: String(req.id) }).catch((error: unknown) => {
      logLoginFailure(req, 'account_hook_failed', { installation_id: verified.installationId, user_id: verified.userId, err: { name: (error as Error)?.name } });
      throw new HttpError(503, { title: 'Sign-in is temporarily unavailable', message: 'Your account could not be loaded. Please try again in a moment.' }, 'account_hook_failed');
    });
    if (!decision.allow) {
      logLoginFailure(req, 'account_refused', { installation_id: verified.installationId, user_id: verified.userId, detail: decision.reason.slice(0, 200) });
      throw new HttpError(403, { title: 'Sign-in refused', message: decision.reason }, 'account_refused');
    }

    const identity: SessionIdentity = {
      ...(decision.identity ?? verified),
      ...(decision.accountRef ? { accountRef: decision.accountRef } : {}),
      loginAt: now(),
    };
    const returnTo = await deps.returnTo.consume(req, res).catch(() => undefined);
    const useReturnTo = target.kind === 'home' && returnTo !== undefined;
    const login: PendingLogin = {
      identity,
      location: useReturnTo ? returnTo : target.location,
      deepLinkKind: useReturnTo ? 'return_to' : target.kind,
      codeKey,
    };
    const signedIn = currentIdentity(req);
    if (signedIn && identityKey(signedIn) !== identityKey(identity)) {
      await deps.accountSwitch.offer(req, res, signedIn, login);
      return;
    }
    await completeLogin(deps, req, res, login);
  };

  /** A code seen before: same browser and identity → its destination; otherwise "no longer valid". */
  async function handleReplay(req: Request, res: Response, codeKey: string, target: DeepLinkTarget): Promise<void> {
    const record = await deps.oneTimeStore.get(codeKey).catch(() => undefined);
    const signedIn = currentIdentity(req);
    if (signedIn && record === `done:${identityKey(signedIn)}`) {
      req.log.info({ event: 'login', outcome: 'replay_same_session', installation_id: signedIn.installationId, user_id: signedIn.userId, deep_link: target.kind }, 'code already redeemed by this session; continuing');
      res.redirect(302, target.location);
      return;
    }
    logLoginFailure(req, 'code_replayed');
    throw new HttpError(400, LINK_NO_LONGER_VALID, 'code_replayed');
  }

  /** Maps an exchange failure to the page; releases the code claim when Vercel may not have used it. */
  async function exchangeFailure(req: Request, error: unknown, codeKey: string): Promise<HttpError> {
    if (error instanceof VercelApiError && error.status >= 400 && error.status < 500) {
      logLoginFailure(req, 'exchange_rejected', { upstream_status: error.status, upstream_code: error.code });
      return new HttpError(400, LINK_NO_LONGER_VALID, 'exchange_rejected');
    }
    await deps.oneTimeStore.delete(codeKey).catch(() => undefined);
    if (error instanceof VercelUnavailableError && error.reason === 'timeout') {
      logLoginFailure(req, 'exchange_timeout', { timeout_ms: config.http.tokenExchangeTimeoutMs });
      return new HttpError(504, { title: 'Vercel did not answer in time', message: 'Please open the integration again from your Vercel dashboard in a moment.' }, 'exchange_timeout');
    }
    const detail = error instanceof VercelApiError ? { upstream_status: error.status } : error instanceof VercelUnavailableError ? { detail: error.reason, ...(error.limitBytes ? { limit_bytes: error.limitBytes } : {}) } : { err: { name: (error as Error)?.name } };
    logLoginFailure(req, 'exchange_failed', detail);
    return new HttpError(502, { title: 'Vercel could not complete the sign-in', message: 'Please open the integration again from your Vercel dashboard in a moment.' }, 'exchange_failed');
  }
}
