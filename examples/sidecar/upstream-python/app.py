"""An upstream app behind the sidecar, in Python: trusts nothing but the signed assertion.

Debian: apt-get install python3-jwt python3-cryptography (PyJWT + its ES256 backend).

    PORT=8000 SSO_ORIGIN=https://app.example.com AUDIENCE=http://127.0.0.1:8000 python3 app.py

SSO_ORIGIN is the sidecar's PUBLIC_URL (the assertion's `iss`; keys at SSO_ORIGIN/.well-known/jwks.json
unless JWKS_URL says otherwise); AUDIENCE is the sidecar's ASSERTION_AUDIENCE (default: UPSTREAM_URL's origin).
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt  # PyJWT

ISSUER = os.environ.get("SSO_ORIGIN")
AUDIENCE = os.environ.get("AUDIENCE")
if not ISSUER or not AUDIENCE:
    sys.exit("SSO_ORIGIN and AUDIENCE are required")
# PyJWKClient caches the key set and fetches it again when a token names an unknown kid (rotation).
JWKS = jwt.PyJWKClient(os.environ.get("JWKS_URL", ISSUER + "/.well-known/jwks.json"), cache_jwk_set=True, lifespan=300)


def verify_assertion(token):
    """The verified claims, or raises jwt.PyJWTError. The algorithm is pinned: `none` and HS256 are refused."""
    key = JWKS.get_signing_key_from_jwt(token)
    claims = jwt.decode(
        token,
        key.key,
        algorithms=["ES256"],
        audience=AUDIENCE,
        issuer=ISSUER,
        options={"require": ["sub", "exp", "iat", "iss", "aud"]},
    )
    if claims["exp"] - claims["iat"] > 60:
        raise jwt.InvalidTokenError("lifetime over 60 s")
    return claims


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        token = self.headers.get("X-Vercel-SSO-Assertion")
        try:
            if not token:
                raise jwt.InvalidTokenError("no assertion")
            user = verify_assertion(token)
        except Exception as error:  # any failure is a refusal, never a crash
            return self.answer(401, {"verified": False, "reason": type(error).__name__})
        keys = ("sub", "installation_id", "account_id", "user_id", "user_role", "user_name", "user_email", "account_ref")
        self.answer(200, {
            "verified": True,
            "path": self.path,
            "user": {k: user.get(k) for k in keys},
            "received": {"x-vercel-user-id": self.headers.get("X-Vercel-User-Id")},
        })

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # quiet
        pass


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8000"))
    server = ThreadingHTTPServer((os.environ.get("HOST", "127.0.0.1"), port), Handler)
    print(f"upstream (python) listening on {port}", flush=True)
    server.serve_forever()
