/**
 * Deep links: maps the context parameters Vercel sends to the Redirect Login URL
 * (VERCEL-SSO.md §1.2) to a page of the provider dashboard. Pure: no I/O, no clock.
 *
 * Precedence (first match wins):
 *  1. `url`: only when its origin is allow-listed, its scheme is http(s) and it has no userinfo
 *     (Vercel: the provider "must validate" it; RFC 9700 §4.11 open redirectors). An `sso:` prefix
 *     (`sso:https://…`, VERCEL-SSO.md §5 "Notification and resource links") is removed first.
 *  2. `invoice_id`             → `/invoices/{invoice_id}`
 *  3. `support=true` or `path=support` → `/support` (`?resource_id=` when a resource is named)
 *  4. `check_id`               → `/checks/{check_id}` (`?project_id=` when present)
 *  5. `project_id`             → `/projects/{project_id}`
 *  6. `experimentation_item_id`→ `/experimentation/{experimentation_item_id}`
 *  7. `path` (billing, usage, onboarding, secrets) → `/resources/{resource_id}/{path}` or `/{path}`
 *  8. `resource_id`            → `/resources/{resource_id}`
 *  9. otherwise                → `/` (the dashboard home)
 * Rules 2, 4, 5 and 6 keep `resource_id` as `?resource_id=` when it came along (VERCEL-SSO.md §5:
 * these ids arrive together with the resource they belong to; the landing page shows both).
 * A parameter that is present but unusable (bad id, foreign origin) is skipped with a warning,
 * and the next rule is tried. `pr` is display-only and never a redirect target.
 *
 * Two id alphabets (VERCEL-SSO.md §5 "ids the provider itself minted"):
 * - ids the **provider** minted (`resource_id`, `invoice_id`, `product_id`, `experimentation_item_id`)
 *   may hold any printable character (`:`, `.`, `@`, `|`, unicode): see {@link isProviderId};
 * - ids **Vercel** minted (`project_id` `prj_…`, `check_id` `chk_…`, installation ids) keep the
 *   strict {@link isValidId} alphabet.
 * Every id is percent-encoded into its path segment or query value, and escaped on pages.
 */

/**
 * The deep-link parameters of a callback, each a single string when present.
 * @example
 * ```ts
 * landing: (deepLink: DeepLinkParams) => (deepLink.invoice_id ? `/billing/${encodeURIComponent(deepLink.invoice_id)}` : undefined),
 * ```
 */
export interface DeepLinkParams {
  product_id?: string;
  resource_id?: string;
  project_id?: string;
  check_id?: string;
  invoice_id?: string;
  experimentation_item_id?: string;
  pr?: string;
  path?: string;
  url?: string;
  support?: string;
}

/**
 * Names of the deep-link parameters, in the order they appear in VERCEL-SSO.md §1.2.
 * @example
 * ```ts
 * const context = Object.fromEntries(DEEP_LINK_PARAMS.filter((name) => deepLink[name]).map((name) => [name, deepLink[name]]));
 * ```
 */
export const DEEP_LINK_PARAMS = [
  'product_id',
  'resource_id',
  'project_id',
  'check_id',
  'invoice_id',
  'experimentation_item_id',
  'pr',
  'path',
  'url',
  'support',
] as const satisfies readonly (keyof DeepLinkParams)[];

/**
 * The page kinds a deep link can resolve to.
 * @example
 * ```ts
 * onLogin: ({ landing }) => (landing.kind === 'invoice' ? { allow: true, redirectTo: '/billing' } : { allow: true }),
 * ```
 */
export type DeepLinkKind =
  | 'url'
  | 'invoice'
  | 'support'
  | 'check'
  | 'project'
  | 'experimentation'
  | 'path'
  | 'resource'
  | 'home';

/**
 * The `path` values Vercel documents (VERCEL-SSO.md §1.2).
 * @example
 * ```ts
 * for (const section of DASHBOARD_SECTIONS) app.get(`/${section}`, sso.requireUser(), renderSection(section));
 * ```
 */
export const DASHBOARD_SECTIONS = ['billing', 'usage', 'onboarding', 'secrets'] as const;
export type DashboardSection = (typeof DASHBOARD_SECTIONS)[number];

/**
 * Where a deep link lands. `location` is a path on our origin, or an absolute allow-listed URL.
 * @example
 * ```ts
 * const target: DeepLinkTarget = resolveDeepLink({ resource_id: 'store_1' }, { publicOrigin, allowedOrigins: [publicOrigin] });
 * target.location; // '/resources/store_1'
 * ```
 */
export interface DeepLinkTarget {
  kind: DeepLinkKind;
  location: string;
  /** Why parameters were ignored; safe to log (no parameter values). */
  warnings: string[];
}

/**
 * Options for {@link resolveDeepLink}.
 * @example
 * ```ts
 * resolveDeepLink(deepLink, { publicOrigin: 'https://app.example.com', allowedOrigins: ['https://app.example.com', 'https://docs.example.com'] });
 * ```
 */
export interface DeepLinkOptions {
  /** Our public origin, e.g. `https://sso.example.com`. A `url` on it becomes a relative path. */
  publicOrigin: string;
  /** Origins a `url` may point to (exact `scheme://host[:port]` match). */
  allowedOrigins: readonly string[];
}

/** Vercel-minted ids (`prj_…`, `chk_…`, `icfg_…`): letters, digits, `_` and `-`, at most 128 characters. */
const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * True when `value` is a well-formed Vercel-minted id (`prj_…`, `chk_…`, `icfg_…`).
 * @example
 * ```ts
 * isValidId('prj_123'); // true
 * isValidId('../etc'); // false
 * ```
 */
export function isValidId(value: string | undefined): value is string {
  return value !== undefined && ID_PATTERN.test(value);
}

/** Upper bound on a provider-minted id, in UTF-16 code units (Vercel sets none; defence against abuse). */
export const MAX_PROVIDER_ID_LENGTH = 256;

/** C0 and C1 control characters and DEL: the only characters refused in a provider-minted id. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A UTF-16 surrogate without its pair (not a character; `encodeURIComponent` would throw on it). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when `value` is usable as an id the provider itself minted (`resource_id`, `invoice_id`,
 * `product_id`, `experimentation_item_id`; VERCEL-SSO.md §5: Vercel puts no format on them, e.g.
 * `flag:abc`, `a.b@c|d`, unicode): 1 to {@link MAX_PROVIDER_ID_LENGTH} characters, no control
 * character, no lone surrogate, and not `.` or `..` (a dot segment that browsers would resolve away
 * even percent-encoded: WHATWG URL "double-dot path segment", RFC 3986 §5.2.4).
 * @example
 * ```ts
 * isProviderId('flag:abc'); // true: providers mint their own ids (VERCEL-SSO.md §5)
 * isProviderId('a\nb'); // false: control characters
 * ```
 */
export function isProviderId(value: string | undefined): value is string {
  if (value === undefined || value.length === 0 || value.length > MAX_PROVIDER_ID_LENGTH)
    return false;
  if (CONTROL.test(value) || LONE_SURROGATE.test(value)) return false;
  return value !== '.' && value !== '..';
}

/**
 * Validates a `url` deep link: absolute http(s), no userinfo, allow-listed origin.
 * @returns the URL to land on (a path when it is on our own origin), or undefined.
 */
export function allowedUrl(raw: string, options: DeepLinkOptions): string | undefined {
  // VERCEL-SSO.md §5: notification and resource links may carry `sso:https://…` in `url`.
  if (raw.startsWith('sso:')) raw = raw.slice('sso:'.length);
  // eslint-disable-next-line no-control-regex -- refuses control characters on purpose
  if (raw.length > 2048 || /[\u0000-\u001f\u007f\\]/.test(raw)) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username || url.password) return undefined;
  if (!options.allowedOrigins.includes(url.origin)) return undefined;
  if (url.origin === options.publicOrigin)
    return safeLocalPath(`${url.pathname}${url.search}${url.hash}`);
  return url.href;
}

/**
 * Accepts a same-origin path (e.g. where the user wanted to go before provider-initiated SSO).
 * Refuses scheme-relative (`//host`), backslash (`/\host`) and control-character tricks.
 * @returns the path, or undefined when it is not a plain absolute path.
 */
export function safeLocalPath(path: string): string | undefined {
  if (path.length === 0 || path.length > 2048) return undefined;
  if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return undefined;
  // eslint-disable-next-line no-control-regex -- refuses control characters on purpose
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return undefined;
  // Re-parse against a dummy origin: the result must stay on it.
  const url = new URL(path, 'http://local.invalid');
  if (url.origin !== 'http://local.invalid') return undefined;
  // Dot segments are resolved by the parse: `/.//evil.example` becomes `//evil.example`, so check again.
  if (url.pathname.startsWith('//') || url.pathname.startsWith('/\\')) return undefined;
  return `${url.pathname}${url.search}${url.hash}`;
}

const segment = encodeURIComponent;

/**
 * Resolves the landing page for a set of deep-link parameters, following the precedence above.
 * Never throws; unusable input falls through to the next rule and finally to the home page.
 * @example
 * ```ts
 * resolveDeepLink({ invoice_id: 'inv_1' }, { publicOrigin, allowedOrigins: [publicOrigin] }).location; // '/invoices/inv_1'
 * ```
 */
export function resolveDeepLink(params: DeepLinkParams, options: DeepLinkOptions): DeepLinkTarget {
  const warnings: string[] = [];
  const read = (
    name: keyof DeepLinkParams,
    valid: (value: string) => boolean,
  ): string | undefined => {
    const value = params[name];
    if (value === undefined || value === '') return undefined;
    if (valid(value)) return value;
    warnings.push(`ignored malformed ${name}`);
    return undefined;
  };
  const vercelId = (name: 'project_id' | 'check_id') => read(name, isValidId);
  const providerId = (name: 'resource_id' | 'invoice_id' | 'experimentation_item_id') =>
    read(name, isProviderId);

  if (params.url !== undefined && params.url !== '') {
    const location = allowedUrl(params.url, options);
    if (location) return { kind: 'url', location, warnings };
    warnings.push('ignored url: not on an allowed origin');
  }

  const resourceId = providerId('resource_id');
  /** `?resource_id=…` (or `&…` after an existing query) when a resource came along. */
  const withResource = (location: string): string =>
    resourceId
      ? `${location}${location.includes('?') ? '&' : '?'}resource_id=${segment(resourceId)}`
      : location;

  const invoiceId = providerId('invoice_id');
  if (invoiceId)
    return { kind: 'invoice', location: withResource(`/invoices/${segment(invoiceId)}`), warnings };

  if (params.support === 'true' || params.path === 'support') {
    return { kind: 'support', location: withResource('/support'), warnings };
  }

  const projectId = vercelId('project_id');
  const checkId = vercelId('check_id');
  if (checkId) {
    const query = projectId ? `?project_id=${segment(projectId)}` : '';
    return {
      kind: 'check',
      location: withResource(`/checks/${segment(checkId)}${query}`),
      warnings,
    };
  }
  if (projectId)
    return { kind: 'project', location: withResource(`/projects/${segment(projectId)}`), warnings };

  const experimentationItemId = providerId('experimentation_item_id');
  if (experimentationItemId) {
    return {
      kind: 'experimentation',
      location: withResource(`/experimentation/${segment(experimentationItemId)}`),
      warnings,
    };
  }

  if (params.path !== undefined && params.path !== '') {
    const section = DASHBOARD_SECTIONS.find((s) => s === params.path);
    if (section) {
      const location = resourceId ? `/resources/${segment(resourceId)}/${section}` : `/${section}`;
      return { kind: 'path', location, warnings };
    }
    warnings.push('ignored unknown path');
  }

  if (resourceId)
    return { kind: 'resource', location: `/resources/${segment(resourceId)}`, warnings };
  return { kind: 'home', location: '/', warnings };
}
