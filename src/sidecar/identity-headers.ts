import type { IncomingHttpHeaders } from 'node:http';
import type { SessionIdentity } from '../index';

/** The header carrying the signed assertion (see `AssertionSigner`). */
export const ASSERTION_HEADER = 'X-Vercel-SSO-Assertion';

/** Header names the sidecar hands to the upstream, in order. */
export const IDENTITY_HEADERS = [
  'X-Vercel-Installation-Id',
  'X-Vercel-Account-Id',
  'X-Vercel-User-Id',
  'X-Vercel-User-Role',
  'X-Vercel-User-Name',
  'X-Vercel-User-Email',
  'X-Vercel-Account-Ref',
  ASSERTION_HEADER,
] as const;

/**
 * The identity as request headers (issue 11 "Forward-auth endpoint"). Ids and the role are plain
 * (`[A-Za-z0-9_-]`, VERCEL-SSO.md §2); the name, e-mail and account reference are percent-encoded
 * UTF-8 (`encodeURIComponent`; decode with `decodeURIComponent` / `urllib.parse.unquote`), since
 * header values are Latin-1 (RFC 9110 §5.5). Absent values are sent as empty strings so a proxy
 * that copies them (nginx `auth_request_set`) overwrites whatever the client sent.
 * The upstream should trust only {@link ASSERTION_HEADER}, verified against the JWKS; the others
 * are conveniences for an upstream reachable only through the proxy.
 */
export function identityHeaders(
  identity: SessionIdentity,
  assertion: string,
): Record<(typeof IDENTITY_HEADERS)[number], string> {
  return {
    'X-Vercel-Installation-Id': identity.installationId,
    'X-Vercel-Account-Id': identity.accountId,
    'X-Vercel-User-Id': identity.userId,
    'X-Vercel-User-Role': identity.role,
    'X-Vercel-User-Name': encodeURIComponent(identity.name ?? ''),
    'X-Vercel-User-Email': encodeURIComponent(identity.email ?? ''),
    'X-Vercel-Account-Ref': encodeURIComponent(identity.accountRef ?? ''),
    [ASSERTION_HEADER]: assertion,
  };
}

/**
 * Removes every `X-Vercel-*` header a client sent (header spoofing: only the sidecar may set them),
 * in any spelling a CGI/WSGI/Rack-style upstream would read as the same variable (`X_Vercel_User_Id`
 * becomes `HTTP_X_VERCEL_USER_ID` just as `X-Vercel-User-Id` does).
 * @returns how many were removed.
 */
export function stripClientIdentityHeaders(headers: IncomingHttpHeaders): number {
  let removed = 0;
  for (const name of Object.keys(headers)) {
    if (/^x[-_]vercel[-_]/i.test(name)) {
      delete headers[name];
      removed += 1;
    }
  }
  return removed;
}

/** Headers that describe the client's connection; only a trusted proxy in front may set them. */
const FORWARDING_HEADERS = /^(x[-_]forwarded[-_].*|forwarded|x[-_]real[-_]ip)$/i;

/**
 * Removes client-sent forwarding headers (`X-Forwarded-*`, `Forwarded`, `X-Real-IP`) when no trusted
 * proxy stands in front of the sidecar: as the edge proxy it sets them itself, so a client cannot
 * choose the host, scheme or address the upstream app sees (RFC 7239 §8).
 * @returns how many were removed.
 */
export function stripClientForwardingHeaders(headers: IncomingHttpHeaders): number {
  let removed = 0;
  for (const name of Object.keys(headers)) {
    if (FORWARDING_HEADERS.test(name)) {
      delete headers[name];
      removed += 1;
    }
  }
  return removed;
}

/**
 * Removes the named cookies from a request's `Cookie` header (the sidecar's own session cookie never
 * reaches the upstream app, which could otherwise log or replay it).
 */
export function stripCookies(headers: IncomingHttpHeaders, names: ReadonlySet<string>): void {
  const header = headers.cookie;
  if (typeof header !== 'string' || names.size === 0) return;
  const kept = header
    .split(';')
    .map((pair) => pair.trim())
    .filter(
      (pair) =>
        pair.length > 0 &&
        !names.has(
          pair.slice(0, pair.indexOf('=') === -1 ? pair.length : pair.indexOf('=')).trim(),
        ),
    );
  if (kept.length === 0) delete headers.cookie;
  else headers.cookie = kept.join('; ');
}
