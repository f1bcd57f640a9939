#!/usr/bin/env python3
"""EC2 Instance Metadata Service (IMDSv2) stand-in for tests.

Binds 127.0.0.1 only. Prints exactly one line "READY <port>" to stdout once
listening. Exits cleanly on SIGTERM/SIGINT. Standard library only.

Endpoints (as the real IMDS at 169.254.169.254 serves them):
  PUT /latest/api/token                          needs X-aws-ec2-metadata-token-ttl-seconds (1..21600)
  GET /latest/meta-data/iam/security-credentials/         -> role name
  GET /latest/meta-data/iam/security-credentials/<role>   -> credentials JSON
  GET /latest/meta-data/placement/region                  -> region
  GET /stats   (test helper, no token needed)             -> JSON counters
Every other GET needs X-aws-ec2-metadata-token = an issued, unexpired token,
else 401 (unless --no-require-token).
"""

import json
import os
import secrets
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # also under python3 -P / -I
import serving  # noqa: E402

MAX_TTL = 21600
CREDS_PREFIX = "/latest/meta-data/iam/security-credentials"


class State(serving.CredentialsState):
    def __init__(self, args):
        super().__init__(args, ("token_puts", "credential_gets", "role_list_gets", "region_gets",
                                "unauthorized", "requests"))
        self.tokens = {}  # token -> expiry (monotonic)

    def issue(self, ttl):
        token = secrets.token_urlsafe(42)
        with self.lock:
            now = time.monotonic()
            # drop expired tokens
            for t in [t for t, exp in self.tokens.items() if exp <= now]:
                del self.tokens[t]
            self.tokens[token] = now + ttl
            self.counts["token_puts"] += 1
        return token

    def valid(self, token):
        if not token:
            return False
        with self.lock:
            exp = self.tokens.get(token)
            return exp is not None and exp > time.monotonic()

    def credentials(self):
        a = self.args
        key_id = self.next_access_key_id()
        now = time.time()
        return {
            "Code": "Success",
            "LastUpdated": serving.iso_utc(now),
            "Type": "AWS-HMAC",
            "AccessKeyId": key_id,
            "SecretAccessKey": a.secret_access_key,
            "Token": a.session_token,
            "Expiration": serving.iso_utc(now + a.expires_in),
        }


class Handler(serving.Handler):
    server_version = "EC2ws"
    log_name = "imds"

    def send(self, code, body, ctype="text/plain", extra=()):
        self.send_body(code, body, ctype, extra)

    def do_PUT(self):
        self.state.bump("requests")
        self.drain_body()
        path = self.path.split("?", 1)[0]
        if path != "/latest/api/token":
            return self.send(404, "Not Found")
        if self.headers.get("X-Forwarded-For"):
            # the real IMDS refuses token requests that went through a proxy
            return self.send(403, "Forbidden")
        raw = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
        try:
            ttl = int(raw)
        except (TypeError, ValueError):
            return self.send(400, "Bad Request")
        if ttl < 1 or ttl > MAX_TTL:
            return self.send(400, "Bad Request")
        token = self.state.issue(ttl)
        self.send(200, token, extra=(("X-aws-ec2-metadata-token-ttl-seconds", str(ttl)),))

    def do_GET(self):
        st = self.state
        st.bump("requests")
        path = self.path.split("?", 1)[0]
        if path == "/stats":
            return self.send(200, st.counts_json(), "application/json")
        if st.args.require_token and not st.valid(self.headers.get("X-aws-ec2-metadata-token")):
            st.bump("unauthorized")
            return self.send(401, "Unauthorized")
        role = st.args.role
        if path in (CREDS_PREFIX, CREDS_PREFIX + "/"):
            st.bump("role_list_gets")
            return self.send(200, role)
        if path in (CREDS_PREFIX + "/" + role, CREDS_PREFIX + "/" + role + "/"):
            body = json.dumps(st.credentials(), indent=2)
            return self.send(200, body, "text/plain")
        if path == "/latest/meta-data/placement/region":
            st.bump("region_gets")
            return self.send(200, st.args.region)
        return self.send(404, "Not Found")

    def do_HEAD(self):
        self.do_GET()

    def _not_allowed(self):
        self.state.bump("requests")
        self.drain_body()
        self.send(405, "Method Not Allowed", extra=(("Allow", "GET, PUT, HEAD"),))

    do_POST = do_DELETE = do_PATCH = _not_allowed


def main():
    serving.unblock_stop_signals()
    p = serving.arg_parser(__doc__)
    serving.add_port(p)
    p.add_argument("--role", default="ci-role")
    p.add_argument("--access-key-id", default="AKIAIMDSEXAMPLE00001")
    p.add_argument("--secret-access-key", default="imdsSecretKeyExample0000000000000000000")
    p.add_argument("--session-token", default="IMDSSessionTokenExample")
    p.add_argument("--expires-in", type=int, default=3600, help="seconds from now to Expiration (may be <= 0)")
    p.add_argument("--rotate", action="store_true", help="each credentials GET returns AccessKeyId-N, N = 1, 2, ...")
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--require-token", dest="require_token", action="store_true", default=True,
                   help="GETs need a valid IMDSv2 token (default)")
    p.add_argument("--no-require-token", dest="require_token", action="store_false",
                   help="also answer GETs without a token (IMDSv1 behaviour)")
    serving.add_verbose(p)
    args = p.parse_args()

    Handler.state = State(args)
    return serving.serve_http(Handler, args.port)


if __name__ == "__main__":
    sys.exit(main())
