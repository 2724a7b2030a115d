import type { StoreErrorKind, StoreName } from '../stores/observed';
import type { LoginFailureCode } from './errors';

export type { StoreErrorKind, StoreName } from '../stores/observed';

/**
 * How a sign-in ended, for metrics: `success` (a session was created), `replayed` (the same browser
 * came back with a code it had already redeemed and landed again), `cancelled` (Vercel sent
 * `error=…`, RFC 6749 §4.1.2.1), `failure` (any other {@link LoginFailureCode}).
 * @example
 * ```ts
 * const outcome: LoginOutcome = 'failure';
 * ```
 */
export type LoginOutcome = 'success' | 'replayed' | 'cancelled' | 'failure';

/**
 * The `reason` of a {@link LoginOutcome}: the failure code (closed set), or `none` for a success.
 * @example
 * ```ts
 * const reason: LoginOutcomeReason = 'exchange_rejected';
 * ```
 */
export type LoginOutcomeReason = LoginFailureCode | 'none';

/**
 * The answer to one JWKS request: `ok` (HTTP 200), `http_error` (any other status), `failed`
 * (network error, timeout, or an answer over the size limit).
 * @example
 * ```ts
 * const result: JwksFetchResult = 'ok';
 * ```
 */
export type JwksFetchResult = 'ok' | 'http_error' | 'failed';

/**
 * What the library reports as it works, for metrics (issue 14 item 2). Pass one as the `metrics`
 * option of `createVercelSso`; every method is optional and defaults to doing nothing. Each argument
 * is from a closed set (a failure code, a route template of the SSO router, a fixed word) or a
 * number: never an id, a code, a token or a path, so each can be a metric label as it is.
 * Methods are called synchronously on the request path: keep them cheap and never throw (a throw is
 * caught and ignored).
 * @example
 * ```ts
 * const logins = new Counter({ name: 'logins_total', help: 'Logins', labelNames: ['outcome', 'reason'] });
 * const sso = createVercelSso({ ...options, metrics: { loginOutcome: (outcome, reason) => logins.inc({ outcome, reason }) } });
 * ```
 */
export interface SsoObserver {
  /** Once per sign-in attempt that reached the callback, with how it ended. */
  loginOutcome?(outcome: LoginOutcome, reason: LoginOutcomeReason): void;
  /** Duration of each code exchange (`POST /v1/integrations/sso/token`, VERCEL-SSO.md §1), successful or not, seconds. */
  exchangeDuration?(seconds: number): void;
  /** Each request for the issuer's JWKS (VERCEL-SSO.md §2), with its result. */
  jwksFetch?(result: JwksFetchResult): void;
  /** Each failed operation on a shared store (Redis). */
  storeError?(store: StoreName, kind: StoreErrorKind): void;
  /** Sessions ended by a revocation (uninstall webhook, `revokeInstallation`, `revokeUser`); called with 0 too. */
  sessionsRevoked?(count: number): void;
  /** A request refused by a rate limit (OWASP ASVS V11.1.4); `route` is the route template inside the SSO router, e.g. `/callback`. */
  rateLimited?(route: string): void;
}

/** An {@link SsoObserver} with every method present. */
export type CompleteObserver = Required<SsoObserver>;

/** The observer that records nothing (the default). */
export const NO_OBSERVER: CompleteObserver = Object.freeze({
  loginOutcome: () => undefined,
  exchangeDuration: () => undefined,
  jwksFetch: () => undefined,
  storeError: () => undefined,
  sessionsRevoked: () => undefined,
  rateLimited: () => undefined,
});

/**
 * `observer` with every method present: a missing one does nothing, and a throwing one is contained
 * (metrics never break a login).
 */
export function completeObserver(observer: SsoObserver | undefined): CompleteObserver {
  if (!observer) return NO_OBSERVER;
  const guard =
    <A extends unknown[]>(method: ((...args: A) => void) | undefined): ((...args: A) => void) =>
    (...args: A) => {
      if (!method) return;
      try {
        method(...args);
      } catch {
        // A metrics bug must not fail the request.
      }
    };
  return {
    loginOutcome: guard(observer.loginOutcome?.bind(observer)),
    exchangeDuration: guard(observer.exchangeDuration?.bind(observer)),
    jwksFetch: guard(observer.jwksFetch?.bind(observer)),
    storeError: guard(observer.storeError?.bind(observer)),
    sessionsRevoked: guard(observer.sessionsRevoked?.bind(observer)),
    rateLimited: guard(observer.rateLimited?.bind(observer)),
  };
}
