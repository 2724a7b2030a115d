/**
 * A JSON Web Token such as an `id_token`: two base64url JSON objects (`eyJ…` is `{"`), header and
 * payload, joined by a dot. Tests that prove no token leaks match this, never a bare `eyJ`: random
 * base64url values (session ids, cookie signatures) contain `eyJ` by chance about once in 10 000,
 * and a session-store dump once failed CI that way.
 */
export const JWT_LIKE = /eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+/;
