"""A small OpenID Connect identity provider for the tests: discovery and JWKS over HTTP on
loopback, and tokens signed with keys generated when it starts (RSA-2048 for RS256, P-256 for
ES256). It can rotate keys and make every kind of bad token the server must refuse."""
import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_bytes(value: int, length: int = 0) -> bytes:
    return value.to_bytes(length or (value.bit_length() + 7) // 8, "big")


class SigningKey:
    def __init__(self, kid: str, alg: str):
        self.kid, self.alg = kid, alg
        self.private = rsa.generate_private_key(65537, 2048) if alg == "RS256" else ec.generate_private_key(ec.SECP256R1())

    def jwk(self) -> dict:
        numbers = self.private.public_key().public_numbers()
        if self.alg == "RS256":
            return {"kty": "RSA", "kid": self.kid, "use": "sig", "alg": "RS256",
                    "n": b64url(_int_bytes(numbers.n)), "e": b64url(_int_bytes(numbers.e))}
        return {"kty": "EC", "kid": self.kid, "use": "sig", "alg": "ES256", "crv": "P-256",
                "x": b64url(_int_bytes(numbers.x, 32)), "y": b64url(_int_bytes(numbers.y, 32))}

    def sign(self, data: bytes) -> bytes:
        if self.alg == "RS256":
            return self.private.sign(data, padding.PKCS1v15(), hashes.SHA256())
        r, s = decode_dss_signature(self.private.sign(data, ec.ECDSA(hashes.SHA256())))
        return _int_bytes(r, 32) + _int_bytes(s, 32)


def compact(header: dict, claims: dict, sign) -> str:
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    return signing_input + "." + b64url(sign(signing_input.encode()))


class Provider:
    """Serves /.well-known/openid-configuration and /jwks; `token(...)` mints tokens."""

    def __init__(self, audience="swiftrack"):
        self.audience = audience
        self.keys = [SigningKey("rsa-1", "RS256"), SigningKey("ec-1", "ES256")]
        self.jwks_fetches = 0
        self.next_login = ("nobody", ())     # who "signs in" at /authorize, and their groups
        self.codes = {}                      # code -> what /authorize was asked, until exchanged once
        self.token_requests = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status, body=None, headers=()):
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                if urlparse(self.path).path != "/token":
                    return self._send(404, {})
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()}
                provider.token_requests.append(form)
                asked = provider.codes.pop(form.get("code"), None)
                challenge = asked and base64.urlsafe_b64encode(
                    hashlib.sha256(form.get("code_verifier", "").encode()).digest()).rstrip(b"=").decode()
                if (not asked or form.get("grant_type") != "authorization_code" or challenge != asked["code_challenge"]
                        or form.get("redirect_uri") != asked["redirect_uri"] or form.get("client_id") != asked["client_id"]):
                    return self._send(400, {"error": "invalid_grant"})
                username, groups = asked["login"]
                id_token = provider.token(username, groups, nonce=asked["nonce"], aud=asked["client_id"])
                self._send(200, {"access_token": id_token, "id_token": id_token, "token_type": "Bearer"})

            def do_GET(self):
                url = urlparse(self.path)
                if url.path == "/authorize":
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
                        return self._send(400, {"error": "PKCE S256 required"})
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = dict(query, login=provider.next_login)
                    back = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
                    return self._send(302, headers=[("Location", back)])
                if self.path == "/.well-known/openid-configuration":
                    body = {"issuer": provider.issuer, "jwks_uri": provider.issuer + "/jwks",
                            "authorization_endpoint": provider.issuer + "/authorize",
                            "token_endpoint": provider.issuer + "/token",
                            "id_token_signing_alg_values_supported": ["RS256", "ES256"]}
                elif self.path == "/jwks":
                    provider.jwks_fetches += 1
                    body = {"keys": [key.jwk() for key in provider.keys]}
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def key(self, kid):
        return next(k for k in self.keys if k.kid == kid)

    def rotate(self, kid, alg="RS256"):
        """Adds a new signing key (the old ones stay published) and returns it."""
        key = SigningKey(kid, alg)
        self.keys.append(key)
        return key

    def claims(self, username, groups=(), lifetime=300, **overrides):
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.audience, "sub": f"sub-{username}", "preferred_username": username,
                  "groups": list(groups), "iat": now, "nbf": now, "exp": now + lifetime}
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def token(self, username, groups=(), kid="rsa-1", header=None, **overrides):
        key = self.key(kid)
        return compact(header or {"alg": key.alg, "kid": kid, "typ": "JWT"}, self.claims(username, groups, **overrides),
                       key.sign)
