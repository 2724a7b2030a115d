import helmet from 'helmet';
import type { RequestHandler } from 'express';
import type { SsoSettings } from '../config/options';

/** What {@link helmetOptions} reads from the settings. */
export type SecurityHeadersConfig = Pick<SsoSettings, 'publicUrl' | 'vercel' | 'deepLinks'>;

/**
 * helmet with a Content-Security-Policy our pages satisfy: no inline script or style, no framing
 * (OWASP ASVS V14.4). Avatars may come from https origins and from the configured Vercel origins
 * (the emulator in development). `Referrer-Policy: no-referrer` keeps the callback's `code` out of
 * Referer headers (RFC 9700 §4.2.4).
 *
 * `form-action` is `'self'` plus every allow-listed deep-link origin (`DEEP_LINK_ALLOWED_ORIGINS`):
 * browsers apply `form-action` to the redirects that follow a form submission (CSP Level 3
 * §6.4.1; Chromium enforces it), and the switch-account confirmation (a POST) answers 303 to the
 * deep link, which may be an allow-listed `url` on another origin (VERCEL-SSO.md §1.2 `url`; issue 13
 * item 9). Any future form whose answer can redirect off-origin must target an origin listed here.
 * @example
 * ```ts
 * import helmet from 'helmet';
 * import { helmetOptions, parseVercelSsoOptions } from 'vercel-marketplace-sso';
 * app.use(helmet(helmetOptions(parseVercelSsoOptions(options))));
 * ```
 */
export function helmetOptions(config: SecurityHeadersConfig): Parameters<typeof helmet>[0] {
  const https = config.publicUrl.protocol === 'https:';
  const vercelOrigins = [...new Set([config.vercel.apiUrl.origin, config.vercel.ssoUrl.origin])];
  const formTargets = [
    ...new Set(
      config.deepLinks.allowedOrigins.filter((origin) => origin !== config.publicUrl.origin),
    ),
  ];
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:', 'https:', ...vercelOrigins],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'form-action': ["'self'", ...formTargets],
        'frame-ancestors': ["'none'"],
        'base-uri': ["'none'"],
        'object-src': ["'none'"],
        ...(https ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  };
}

/** The security headers of the library's own routes (applied per route, never app-wide). */
export function securityHeaders(config: SecurityHeadersConfig): RequestHandler {
  return helmet(helmetOptions(config));
}
