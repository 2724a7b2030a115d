/**
 * vercel-marketplace-sso: "Open in <Provider>" sign-in for Vercel Marketplace integrations.
 *
 * The public face of the package. Everything a vendor imports comes from here (or from
 * `vercel-marketplace-sso/emulator` for the local Vercel emulator).
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createVercelSso } from 'vercel-marketplace-sso';
 *
 * const app = express();
 * const sso = createVercelSso({ clientId, clientSecret, publicUrl, sessionSecret });
 * app.use('/vercel', sso.router);
 * app.get('/dashboard', sso.requireUser(), (req, res) => res.json(sso.identity(req)));
 * app.post('/admin', sso.requireUser({ role: 'ADMIN' }), (req, res) => res.send('ok'));
 * ```
 * @packageDocumentation
 */
export {
  createVercelSso,
  type RequireUserOptions,
  type VercelSso,
  type VercelSsoReadiness,
} from './web/vercel-sso';
export {
  parseVercelSsoOptions,
  vercelSsoOptionsSchema,
  type LoginContext,
  type LoginDecision,
  type PageContext,
  type PageKind,
  type SsoSettings,
  type VercelSsoOptions,
} from './config/options';
export type {
  JwksFetchResult,
  LoginOutcome,
  LoginOutcomeReason,
  SsoObserver,
  StoreErrorKind,
  StoreName,
} from './flow/observer';
export {
  InvalidCallbackError,
  InvalidIdTokenError,
  isVercelSsoError,
  KeysUnavailableError,
  LOGIN_FAILURE_CODES,
  LOGIN_FAILURE_STATUS,
  LoginFailure,
  StoreTimeoutError,
  StoreUnavailableError,
  VERCEL_SSO_ERROR_CODES,
  VercelApiError,
  VercelSsoError,
  VercelSsoOptionsError,
  VercelUnavailableError,
  type AnyVercelSsoError,
  type CallbackErrorCode,
  type IdTokenErrorCode,
  type LoginFailureCode,
  type LoginFailureDetails,
  type OptionsErrorCode,
  type StoreErrorCode,
  type VercelErrorCode,
  type VercelSsoErrorCode,
  type VercelUnavailableReason,
} from './errors';
export type { SessionIdentity, VercelIdentity, VercelRole } from './flow/identity';
export {
  DASHBOARD_SECTIONS,
  DEEP_LINK_PARAMS,
  isProviderId,
  isValidId,
  resolveDeepLink,
  type DeepLinkKind,
  type DeepLinkOptions,
  type DeepLinkParams,
  type DeepLinkTarget,
} from './flow/deep-links';
export { helmetOptions } from './web/security-headers';
export {
  PARTNER_AUTH_ERRORS,
  type PartnerAuthErrorCode,
  type RequireVercelAuthOptions,
} from './web/partner-auth';
export type {
  PartnerTokenKind,
  VercelCaller,
  VercelSystemCaller,
  VercelUserCaller,
} from './flow/partner-caller';
export {
  INSTALLATION_REMOVED_EVENT,
  verifyWebhookSignature,
  type VercelWebhookEvent,
  type WebhookContext,
  type WebhooksOptions,
} from './web/webhooks';
