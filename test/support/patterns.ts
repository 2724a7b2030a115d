/**
 * A JSON Web Token such as an `id_token`: two base64url JSON objects (`eyJ…` is `{"`), header and
 * payload, joined by a dot. Tests that prove no token leaks match this, never a bare `eyJ`: random
 * base64url values (session ids, cookie signatures) contain `eyJ` by chance about once in 10 000,
 * and a session-store dump once failed CI that way.
 */
export const JWT_LIKE = /eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+/;

/**
 * The JSON objects that `text` carries base64url-encoded: each `eyJ…` run decoded (a run starting
 * with `eyJ` decodes from `{"`), kept when it opens like a JSON object (`{"name":`). Empty when no
 * token leaked: this finds an id_token whole (its header decodes to `{"alg":…`), a lone header or
 * payload segment, and a token inside base64 JSON (a cookie-session style `eyJpZF90b2tlbiI6…`),
 * none of which {@link JWT_LIKE} sees. A random base64url value (a session id, a signature) holds
 * `eyJ` about once in 10 000, and then opens like `{"name":` about once in 250 000 more: no chance
 * failure, where a bare `eyJ` failed CI once. Use: `expect(base64JsonIn(text)).toEqual([])`.
 */
export function base64JsonIn(text: string): string[] {
  const found: string[] = [];
  for (const [run] of text.matchAll(/eyJ[A-Za-z0-9_-]+/g)) {
    const decoded = Buffer.from(run, 'base64url').toString('latin1');
    if (/^\{"[A-Za-z_$][\w$-]*":/.test(decoded)) found.push(decoded.slice(0, 200));
  }
  return found;
}
