/**
 * Every scenario of the conformance kit, in play order (key rotations last: they change the
 * issuer's keys for every later scenario). Ids are stable: never rename one, add new ones.
 *
 * @module
 */
import type { Scenario } from './types';
import { scenario as happyPlain } from './scenarios/happy-plain';
import { scenario as happyResource } from './scenarios/happy-resource';
import { scenario as happyProject } from './scenarios/happy-project';
import { scenario as happyCheck } from './scenarios/happy-check';
import { scenario as happyInvoice } from './scenarios/happy-invoice';
import { scenario as happySupport } from './scenarios/happy-support';
import { scenario as happyPathBilling } from './scenarios/happy-path-billing';
import { scenario as happyPathUsage } from './scenarios/happy-path-usage';
import { scenario as happyPathOnboarding } from './scenarios/happy-path-onboarding';
import { scenario as happyPathSecrets } from './scenarios/happy-path-secrets';
import { scenario as happyPathSupport } from './scenarios/happy-path-support';
import { scenario as happyExperimentation } from './scenarios/happy-experimentation';
import { scenario as happyUrl } from './scenarios/happy-url';
import { scenario as exchangeRequest } from './scenarios/exchange-request';
import { scenario as exchangeUpstream500 } from './scenarios/exchange-upstream-500';
import { scenario as exchangeHtmlBody } from './scenarios/exchange-html-body';
import { scenario as exchangeMissingIdToken } from './scenarios/exchange-missing-id-token';
import { scenario as exchangeHang } from './scenarios/exchange-hang';
import { scenario as idTokenWrongAud } from './scenarios/id-token-wrong-aud';
import { scenario as idTokenWrongIss } from './scenarios/id-token-wrong-iss';
import { scenario as idTokenExpired } from './scenarios/id-token-expired';
import { scenario as idTokenIatFuture } from './scenarios/id-token-iat-future';
import { scenario as idTokenAlgNone } from './scenarios/id-token-alg-none';
import { scenario as idTokenHs256PublicKey } from './scenarios/id-token-hs256-public-key';
import { scenario as idTokenUnknownKid } from './scenarios/id-token-unknown-kid';
import { scenario as idTokenSystemToken } from './scenarios/id-token-system-token';
import { scenario as idTokenBadRole } from './scenarios/id-token-bad-role';
import { scenario as idTokenAccessTokenType } from './scenarios/id-token-access-token-type';
import { scenario as idTokenMissingInstallation } from './scenarios/id-token-missing-installation';
import { scenario as callbackReplayFreshBrowser } from './scenarios/callback-replay-fresh-browser';
import { scenario as callbackDuplicateParams } from './scenarios/callback-duplicate-params';
import { scenario as callbackModeMissing } from './scenarios/callback-mode-missing';
import { scenario as callbackModeWrong } from './scenarios/callback-mode-wrong';
import { scenario as callbackLongState } from './scenarios/callback-long-state';
import { scenario as callbackErrorMarkup } from './scenarios/callback-error-markup';
import { scenario as redirectUrlProtocolRelative } from './scenarios/redirect-url-protocol-relative';
import { scenario as redirectUrlBackslash } from './scenarios/redirect-url-backslash';
import { scenario as redirectUrlJavascript } from './scenarios/redirect-url-javascript';
import { scenario as redirectUrlUserinfo } from './scenarios/redirect-url-userinfo';
import { scenario as redirectUrlForeignOrigin } from './scenarios/redirect-url-foreign-origin';
import { scenario as redirectPathProtocolRelative } from './scenarios/redirect-path-protocol-relative';
import { scenario as redirectPathBackslash } from './scenarios/redirect-path-backslash';
import { scenario as browserNoIdToken } from './scenarios/browser-no-id-token';
import { scenario as browserCookieFlags } from './scenarios/browser-cookie-flags';
import { scenario as browserNoSecretEcho } from './scenarios/browser-no-secret-echo';
import { scenario as accountEmailLinking } from './scenarios/account-email-linking';
import { scenario as keysRotation } from './scenarios/keys-rotation';
import { scenario as keysSharedKid } from './scenarios/keys-shared-kid';

/** All scenarios, in play order. */
export const SCENARIOS: readonly Scenario[] = [
  happyPlain,
  happyResource,
  happyProject,
  happyCheck,
  happyInvoice,
  happySupport,
  happyPathBilling,
  happyPathUsage,
  happyPathOnboarding,
  happyPathSecrets,
  happyPathSupport,
  happyExperimentation,
  happyUrl,
  exchangeRequest,
  exchangeUpstream500,
  exchangeHtmlBody,
  exchangeMissingIdToken,
  exchangeHang,
  idTokenWrongAud,
  idTokenWrongIss,
  idTokenExpired,
  idTokenIatFuture,
  idTokenAlgNone,
  idTokenHs256PublicKey,
  idTokenUnknownKid,
  idTokenSystemToken,
  idTokenBadRole,
  idTokenAccessTokenType,
  idTokenMissingInstallation,
  callbackReplayFreshBrowser,
  callbackDuplicateParams,
  callbackModeMissing,
  callbackModeWrong,
  callbackLongState,
  callbackErrorMarkup,
  redirectUrlProtocolRelative,
  redirectUrlBackslash,
  redirectUrlJavascript,
  redirectUrlUserinfo,
  redirectUrlForeignOrigin,
  redirectPathProtocolRelative,
  redirectPathBackslash,
  browserNoIdToken,
  browserCookieFlags,
  browserNoSecretEcho,
  accountEmailLinking,
  keysRotation,
  keysSharedKid,
];
