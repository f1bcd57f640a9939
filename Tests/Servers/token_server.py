#!/usr/bin/env python3
"""Docker registry token service (the distribution "token" auth) for tests.

Binds 127.0.0.1 only. Prints exactly one line "READY <port>" to stdout once
listening. Exits cleanly on SIGTERM/SIGINT.

  GET /token?service=S&scope=repository:NAME:ACTIONS[&scope=...]
      with "Authorization: Basic base64(--user:--password)"
      -> {"token": JWT, "access_token": JWT, "expires_in": 300}
      The JWT (ES256, x5c = --cert) carries iss --issuer, aud S, and every scope
      asked for, granted whole. Wrong or missing credentials: 401.
  POST /token  (application/x-www-form-urlencoded: grant_type=refresh_token,
      refresh_token=--refresh-token, service, scope, client_id), Docker's
      identity-token exchange -> the same JSON; a wrong refresh token: 401.
  GET /stats -> JSON counters

Each token request is appended to --log as one JSON line (method, whether an
Authorization header came, the scopes); never the header itself. Needs the
`cryptography` package (a dependency of moto) for the ES256 signature.
"""

import base64
import json
import os
import sys
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # also under python3 -P / -I
import serving  # noqa: E402

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, utils  # noqa: E402


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class State(serving.State):
    def __init__(self, args):
        super().__init__(args, ("tokens", "refused", "requests"))
        with open(args.key, "rb") as f:
            self.key = serialization.load_pem_private_key(f.read(), password=None)
        with open(args.cert, "rb") as f:
            cert = x509.load_pem_x509_certificate(f.read())
        self.x5c = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]
        self.expected = "Basic " + base64.b64encode(("%s:%s" % (args.user, args.password)).encode()).decode()

    def token(self, service, scopes):
        access = []
        for scope in scopes:
            parts = scope.split(":")
            if len(parts) >= 3:
                access.append({"type": parts[0], "name": ":".join(parts[1:-1]), "actions": parts[-1].split(",")})
        now = int(time.time())
        header = {"typ": "JWT", "alg": "ES256", "x5c": self.x5c}
        claims = {"iss": self.args.issuer, "sub": self.args.user, "aud": service, "exp": now + 300,
                  "nbf": now - 10, "iat": now, "jti": uuid.uuid4().hex, "access": access}
        signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
        der = self.key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
        r, s = utils.decode_dss_signature(der)
        return signing_input + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))

    def record(self, entry):
        if self.args.log:
            with self.lock, open(self.args.log, "a") as f:
                f.write(json.dumps(entry) + "\n")


class Handler(serving.Handler):
    server_version = "token-service-stand-in"
    log_name = "token"

    def do_GET(self):
        st = self.state
        st.bump("requests")
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/stats":
            return self.send_body(200, st.counts_json(), "application/json")
        query = urllib.parse.parse_qs(url.query)
        scopes = [s for value in query.get("scope", []) for s in value.split(" ") if s]
        authorization = self.headers.get("Authorization")
        st.record({"method": "GET", "authorization": authorization is not None, "scopes": scopes})
        if url.path != "/token" or authorization != st.expected:
            st.bump("refused")
            return self.send_body(401, json.dumps({"errors": [{"code": "UNAUTHORIZED", "message": "bad credentials"}]}),
                                  "application/json")
        st.bump("tokens")
        token = st.token(query.get("service", [""])[0], scopes)
        self.send_body(200, json.dumps({"token": token, "access_token": token, "expires_in": 300}), "application/json")


    def do_POST(self):
        st = self.state
        st.bump("requests")
        length = int(self.headers.get("Content-Length") or 0)
        form = urllib.parse.parse_qs(self.rfile.read(min(length, 65536)).decode(errors="replace"))
        scopes = [s for value in form.get("scope", []) for s in value.split(" ") if s]
        st.record({"method": "POST", "authorization": self.headers.get("Authorization") is not None, "scopes": scopes,
                   "grant_type": form.get("grant_type", [""])[0]})
        path = urllib.parse.urlsplit(self.path).path
        if (path != "/token" or form.get("grant_type") != ["refresh_token"] or not st.args.refresh_token
                or form.get("refresh_token") != [st.args.refresh_token]):
            st.bump("refused")
            return self.send_body(401, json.dumps({"errors": [{"code": "UNAUTHORIZED", "message": "bad refresh token"}]}),
                                  "application/json")
        st.bump("tokens")
        token = st.token(form.get("service", [""])[0], scopes)
        self.send_body(200, json.dumps({"access_token": token, "expires_in": 300}), "application/json")


def main():
    serving.unblock_stop_signals()
    p = serving.arg_parser(__doc__)
    serving.add_port(p)
    serving.add_verbose(p)
    p.add_argument("--key", required=True, help="PEM EC P-256 private key that signs tokens")
    p.add_argument("--cert", required=True, help="PEM certificate of that key (the registry's rootcertbundle)")
    p.add_argument("--issuer", default="test-token-issuer")
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--refresh-token", help="the identity token POST /token accepts")
    p.add_argument("--log", help="append one JSON line per token request")
    args = p.parse_args()
    Handler.state = State(args)
    return serving.serve_http(Handler, args.port)


if __name__ == "__main__":
    sys.exit(main())
