import type { Request, Response } from 'express';
import type { LoginContext, LoginDecision, SsoSettings } from '../config/options';
import { errorForLog } from '../errors/base';
import type { OneTimeStore } from '../stores/one-time-store';
import { VercelApiError, VercelUnavailableError } from '../vercel/errors';
import { exchangeSsoCode, type SsoTokenResponse } from '../vercel/sso-token';
import type { AccountSwitch, SwitchOffer } from './account-switch';
import { InvalidCallbackError, parseCallbackQuery, readCallbackQuery } from './callback-params';
import { completeLogin, type PendingLogin } from './complete-login';
import type { AuxiliaryCookies } from './cookies';
import {
  allowedUrl,
  resolveDeepLink,
  safeLocalPath,
  type DeepLinkParams,
  type DeepLinkTarget,
} from './deep-links';
import { LoginFailure, type LoginFailureCode } from './errors';
import { InvalidIdTokenError, KeysUnavailableError } from './id-token';
import { identityKey, type SessionIdentity, type VercelIdentity } from './identity';
import { logLoginFailure, type LoginFailureLogOptions } from './login-log';
import { NO_OBSERVER, type CompleteObserver } from './observer';
import { RedeemedCode } from './redeemed-code';
import type { ReturnToRecords } from './return-to';
import { currentIdentity } from './session';

/** The settings the callback reads. */
export type CallbackSettings = Pick<
  SsoSettings,
  'integration' | 'vercel' | 'http' | 'publicUrl' | 'deepLinks' | 'session' | 'onLogin' | 'landing'
>;

/** Dependencies of {@link createCallbackFlow}. */
export interface CallbackDependencies {
  config: CallbackSettings;
  verifier: { verify(idToken: string): Promise<VercelIdentity> };
  oneTimeStore: OneTimeStore;
  cookies: AuxiliaryCookies;
  returnTo: ReturnToRecords;
  /** Asks before replacing a signed-in user's session with another user's. */
  accountSwitch: AccountSwitch;
  /** Adds to a new session before its one write (the CSRF token). */
  prepareSession?: (req: Request) => void;
  /** The code exchange; defaults to `POST /v1/integrations/sso/token` on `config.vercel.apiUrl`. */
  exchange?: (code: string, state: string) => Promise<SsoTokenResponse>;
  /** fetch used for the exchange (default: the global fetch). */
  fetch?: typeof fetch;
  /** Clock, ms since epoch. */
  now?: () => number;
  /** Told each login's outcome and each exchange's duration (metrics); default: nobody. */
  observer?: CompleteObserver;
}

/** What a callback ended with when it did not throw: the user was redirected, or must confirm a switch. */
export type CallbackOutcome = { kind: 'redirected' } | { kind: 'switch'; offer: SwitchOffer };

/** Longest `accountRef` kept in the session. */
export const MAX_ACCOUNT_REF_LENGTH = 256;
/** Longest refusal reason shown to the user. */
export const MAX_REFUSAL_REASON_LENGTH = 300;

/**
 * The Redirect Login URL (VERCEL-SSO.md §1), as a framework-neutral step over express's req/res:
 *  1. validate the query (parsed here with node:querystring, whatever the host app's query parser;
 *     single string values, `mode=sso`, bounded `code`/`state`) → `invalid_callback`, no upstream call;
 *  2. `error`/`error_description` → `login_cancelled`;
 *  3. claim the code once (replay guard shared by all instances) → a replay lands the same user, or `code_replayed`;
 *  4. exchange the code → `exchange_rejected`, `exchange_rate_limited`, `client_misconfigured`, `exchange_timeout`, `exchange_failed`;
 *  5. verify the id_token → `invalid_id_token`, `issuer_keys_unavailable`;
 *  6. the vendor's `onLogin` → `account_refused`, `account_hook_failed`;
 *  7. already signed in as another user → a {@link SwitchOffer} (login CSRF defence);
 *  8. a fresh session (new id, identity only, saved) → 302 to the landing page.
 * Every outcome writes one `event: "login"` log line with installation and user ids, never a secret.
 * The returned function takes the request carrying the library's session, the response, and the
 * host app's own request (what `onLogin` receives; the same object unless the adapter separates them).
 * @throws {@link LoginFailure} for every failure (the adapter renders its page).
 */
export function createCallbackFlow(
  deps: CallbackDependencies,
): (req: Request, res: Response, hostReq?: Request) => Promise<CallbackOutcome> {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  const observer = deps.observer ?? NO_OBSERVER;
  /** The failure line and the failure count, in one call. */
  const failed = (
    req: Request,
    reason: LoginFailureCode,
    fields: Record<string, unknown> = {},
    options: Omit<LoginFailureLogOptions, 'observer'> = {},
  ) => logLoginFailure(req, reason, fields, { ...options, observer });
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
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      }));
  const deepLinkOptions = {
    publicOrigin: config.publicUrl.origin,
    allowedOrigins: config.deepLinks.allowedOrigins,
  };

  return async (req, res, hostReq = req) => {
    if (config.session.secureCookies && !req.secure) {
      // The browser would never get the Secure session cookie: a silent failed login. Usually a
      // proxy terminating TLS without `trust proxy`, or one that does not send X-Forwarded-Proto.
      failed(
        req,
        'insecure_request',
        { trust_proxy: Boolean(req.app?.get('trust proxy')) },
        {
          level: 'error',
          message:
            'login refused: request not seen as https; check trust proxy (TRUST_PROXY) and X-Forwarded-Proto',
        },
      );
      throw new LoginFailure('insecure_request');
    }

    let callback: ReturnType<typeof parseCallbackQuery>;
    try {
      callback = parseCallbackQuery(readCallbackQuery(req.originalUrl ?? req.url ?? ''), {
        issuer: config.vercel.issuer,
      });
    } catch (error) {
      if (!(error instanceof InvalidCallbackError)) throw error;
      failed(req, 'invalid_callback', { detail: error.reason, err: errorForLog(error) });
      throw new LoginFailure('invalid_callback', {}, { cause: error });
    }

    if (callback.kind === 'error') {
      req.log.info(
        { event: 'login', outcome: 'cancelled', error: callback.error },
        'login cancelled by Vercel',
      );
      observer.loginOutcome('cancelled', 'login_cancelled');
      throw new LoginFailure('login_cancelled', {
        userMessage: callback.error,
        ...(callback.description !== undefined ? { description: callback.description } : {}),
      });
    }

    const target = landingFor(callback.deepLink);
    if (target.warnings.length > 0)
      req.log.warn(
        { event: 'deep_link', warnings: target.warnings },
        'deep link parameters ignored; landing on a fallback page',
      );

    const code = new RedeemedCode(deps.oneTimeStore, callback.code);
    let won: boolean;
    try {
      won = await code.claim();
    } catch (error) {
      failed(req, 'store_unavailable', { operation: 'code claim', err: errorForLog(error) });
      throw new LoginFailure('store_unavailable', { retryAfterSeconds: 5 }, { cause: error });
    }
    if (!won) {
      const signedIn = currentIdentity(req);
      if (signedIn && (await code.wasRedeemedBy(signedIn))) {
        req.log.info(
          {
            event: 'login',
            outcome: 'replay_same_session',
            installation_id: signedIn.installationId,
            user_id: signedIn.userId,
            deep_link: target.kind,
          },
          'code already redeemed by this session; continuing',
        );
        observer.loginOutcome('replayed', 'none');
        res.redirect(302, target.location);
        return { kind: 'redirected' };
      }
      failed(req, 'code_replayed');
      throw new LoginFailure('code_replayed');
    }

    let tokens: SsoTokenResponse;
    const exchangeStartedAt = performance.now();
    try {
      tokens = await exchange(callback.code, callback.state);
    } catch (error) {
      observer.exchangeDuration((performance.now() - exchangeStartedAt) / 1000);
      throw await exchangeFailure(req, error, code);
    }
    observer.exchangeDuration((performance.now() - exchangeStartedAt) / 1000);

    let verified: VercelIdentity;
    try {
      verified = await deps.verifier.verify(tokens.id_token);
    } catch (error) {
      if (error instanceof InvalidIdTokenError) {
        failed(req, 'invalid_id_token', { check: error.check, err: errorForLog(error) });
        throw new LoginFailure('invalid_id_token', {}, { cause: error });
      }
      if (error instanceof KeysUnavailableError) {
        failed(req, 'issuer_keys_unavailable', {
          detail: error.reason,
          err: errorForLog(error),
        });
        await code.release();
        throw new LoginFailure(
          'issuer_keys_unavailable',
          { retryAfterSeconds: 5 },
          { cause: error },
        );
      }
      throw error;
    }

    const decision = await decide(req, hostReq, res, verified, callback.deepLink, target);
    const location = decision.redirectTo ?? target.location;
    const identity: SessionIdentity = {
      ...verified,
      ...(decision.accountRef ? { accountRef: decision.accountRef } : {}),
      loginAt: now(),
    };
    const returnTo = await deps.returnTo.consume(req, res).catch(() => undefined);
    const useReturnTo =
      target.kind === 'home' && decision.redirectTo === undefined && returnTo !== undefined;
    const login: PendingLogin = {
      identity,
      location: useReturnTo ? returnTo : location,
      deepLinkKind: useReturnTo
        ? 'return_to'
        : decision.redirectTo !== undefined
          ? 'on_login'
          : target.kind,
      codeKey: code.key,
    };
    const signedIn = currentIdentity(req);
    if (signedIn && identityKey(signedIn) !== identityKey(identity)) {
      return { kind: 'switch', offer: await deps.accountSwitch.offer(req, signedIn, login) };
    }
    await completeLogin({ ...deps, observer }, req, res, login);
    return { kind: 'redirected' };
  };

  /** The default deep-link map, or the vendor's `landing` function when it returns a usable path. */
  function landingFor(deepLink: DeepLinkParams): DeepLinkTarget {
    const target = resolveDeepLink(deepLink, deepLinkOptions);
    if (!config.landing) return target;
    let custom: unknown;
    try {
      custom = config.landing({ ...deepLink }, target);
    } catch {
      return { ...target, warnings: [...target.warnings, 'ignored landing(): it threw'] };
    }
    if (custom === undefined) return target;
    const location =
      typeof custom === 'string'
        ? (safeLocalPath(custom) ?? allowedUrl(custom, deepLinkOptions))
        : undefined;
    if (location === undefined)
      return {
        ...target,
        warnings: [...target.warnings, 'ignored landing(): not a local path or allow-listed URL'],
      };
    return { kind: target.kind, location, warnings: target.warnings };
  }

  /** Runs `onLogin`; maps a refusal to `account_refused` and a throw or a malformed answer to `account_hook_failed`. */
  async function decide(
    req: Request,
    hostReq: Request,
    res: Response,
    identity: VercelIdentity,
    deepLink: DeepLinkParams,
    landing: DeepLinkTarget,
  ): Promise<{ accountRef?: string; redirectTo?: string }> {
    if (!config.onLogin) return {};
    const ids = { installation_id: identity.installationId, user_id: identity.userId };
    let decision: LoginDecision;
    try {
      const context: LoginContext = {
        identity,
        deepLink: { ...deepLink },
        landing,
        req: hostReq,
        res,
        requestId: String(req.id),
      };
      decision = await config.onLogin(context);
      if (typeof decision !== 'object' || decision === null || typeof decision.allow !== 'boolean')
        throw new TypeError('onLogin must return { allow: true | false, … }');
    } catch (error) {
      failed(req, 'account_hook_failed', {
        ...ids,
        err: {
          name: (error as Error)?.name,
          message: String((error as Error)?.message ?? '').slice(0, 200),
        },
      });
      throw new LoginFailure('account_hook_failed', { retryAfterSeconds: 5 }, { cause: error });
    }
    if (!decision.allow) {
      const reason =
        typeof decision.reason === 'string' && decision.reason.trim()
          ? decision.reason.trim().slice(0, MAX_REFUSAL_REASON_LENGTH)
          : 'Your account cannot use this integration.';
      failed(req, 'account_refused', { ...ids, detail: reason.slice(0, 200) });
      throw new LoginFailure('account_refused', { userMessage: reason });
    }
    const out: { accountRef?: string; redirectTo?: string } = {};
    if (typeof decision.accountRef === 'string' && decision.accountRef.length > 0)
      out.accountRef = decision.accountRef.slice(0, MAX_ACCOUNT_REF_LENGTH);
    if (decision.redirectTo !== undefined) {
      const location =
        typeof decision.redirectTo === 'string'
          ? (safeLocalPath(decision.redirectTo) ?? allowedUrl(decision.redirectTo, deepLinkOptions))
          : undefined;
      if (location !== undefined) out.redirectTo = location;
      else
        req.log.warn(
          {
            event: 'deep_link',
            warnings: ['ignored onLogin redirectTo: not a local path or allow-listed URL'],
          },
          'onLogin redirectTo ignored',
        );
    }
    return out;
  }

  /**
   * Maps an exchange failure to its code; releases the code claim when Vercel may not have used it.
   * Issue 13 item 4 (VERCEL-SSO.md §1.3, §5): a 429 is not the user's fault (503, Retry-After, claim
   * released); a 401/403 means our client credentials are wrong (502, error log naming the variables);
   * other 4xx mean the code is bad, expired or reused.
   */
  async function exchangeFailure(
    req: Request,
    error: unknown,
    code: RedeemedCode,
  ): Promise<LoginFailure> {
    if (error instanceof VercelApiError && (error.status === 401 || error.status === 403)) {
      await code.release();
      failed(
        req,
        'client_misconfigured',
        { upstream_status: error.status, upstream_code: error.apiCode, err: errorForLog(error) },
        {
          level: 'error',
          message:
            'login failed: Vercel refused our client credentials; check INTEGRATION_CLIENT_ID and INTEGRATION_CLIENT_SECRET (clientId/clientSecret)',
        },
      );
      return new LoginFailure('client_misconfigured', {}, { cause: error });
    }
    if (error instanceof VercelApiError && error.status === 429) {
      await code.release();
      const retryAfterSeconds = Math.min(300, Math.max(1, error.retryAfterSeconds ?? 5));
      failed(req, 'exchange_rate_limited', {
        upstream_status: 429,
        retry_after_seconds: retryAfterSeconds,
        err: errorForLog(error),
      });
      return new LoginFailure('exchange_rate_limited', { retryAfterSeconds }, { cause: error });
    }
    if (error instanceof VercelApiError && error.status >= 400 && error.status < 500) {
      failed(req, 'exchange_rejected', {
        upstream_status: error.status,
        upstream_code: error.apiCode,
        err: errorForLog(error),
      });
      return new LoginFailure('exchange_rejected', {}, { cause: error });
    }
    await code.release();
    if (error instanceof VercelUnavailableError && error.reason === 'timeout') {
      failed(req, 'exchange_timeout', {
        timeout_ms: config.http.tokenExchangeTimeoutMs,
        err: errorForLog(error),
      });
      return new LoginFailure('exchange_timeout', {}, { cause: error });
    }
    const detail =
      error instanceof VercelApiError
        ? { upstream_status: error.status }
        : error instanceof VercelUnavailableError
          ? { detail: error.reason, ...(error.limitBytes ? { limit_bytes: error.limitBytes } : {}) }
          : {};
    failed(req, 'exchange_failed', { ...detail, err: errorForLog(error) });
    return new LoginFailure('exchange_failed', {}, { cause: error });
  }
}
