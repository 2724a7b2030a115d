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
export function identityHeaders(identity: SessionIdentity, assertion: string): Record<(typeof IDENTITY_HEADERS)[number], string> {
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
 * Removes every `X-Vercel-*` header a client sent (header spoofing: only the sidecar may set them).
 * @returns how many were removed.
 */
export function stripClientIdentityHeaders(headers: IncomingHttpHeaders): number {
  let removed = 0;
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase().startsWith('x-vercel-')) {
      delete headers[name];
      removed += 1;
    }
  }
  return removed;
}
