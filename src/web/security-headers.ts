import helmet from 'helmet';
import type { RequestHandler } from 'express';
import type { SsoSettings } from '../config/options';

/**
 * helmet with a Content-Security-Policy our pages satisfy: no inline script or style, forms post
 * to ourselves only, no framing (OWASP ASVS V14.4). Avatars may come from https origins and from
 * the configured Vercel origins (the emulator in development). `Referrer-Policy: no-referrer` keeps
 * the callback's `code` out of Referer headers (RFC 9700 §4.2.4).
  * @example
 * ```ts
 * import helmet from 'helmet';
 * import { helmetOptions, parseVercelSsoOptions } from 'vercel-marketplace-sso';
 * app.use(helmet(helmetOptions(parseVercelSsoOptions(options))));
 * ```
 */
export function helmetOptions(config: Pick<SsoSettings, 'publicUrl' | 'vercel' | 'deepLinks'>): Parameters<typeof helmet>[0] {
  const https = config.publicUrl.protocol === 'https:';
  const vercelOrigins = [...new Set([config.vercel.apiUrl.origin, config.vercel.ssoUrl.origin])];
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
        'form-action': ["'self'"],
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
export function securityHeaders(config: Pick<SsoSettings, 'publicUrl' | 'vercel' | 'deepLinks'>): RequestHandler {
  return helmet(helmetOptions(config));
}
