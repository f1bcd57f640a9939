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

import argparse
import datetime
import http.server
import json
import secrets
import signal
import sys
import threading
import time

MAX_TTL = 21600
CREDS_PREFIX = "/latest/meta-data/iam/security-credentials"


def iso_utc(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.tokens = {}  # token -> expiry (monotonic)
        self.counts = {
            "token_puts": 0,
            "credential_gets": 0,
            "role_list_gets": 0,
            "region_gets": 0,
            "unauthorized": 0,
            "requests": 0,
        }
        self.rotation = 0

    def bump(self, key):
        with self.lock:
            self.counts[key] += 1

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
        key_id = a.access_key_id
        with self.lock:
            self.counts["credential_gets"] += 1
            if a.rotate:
                self.rotation += 1
                key_id = "%s-%d" % (a.access_key_id, self.rotation)
        now = time.time()
        return {
            "Code": "Success",
            "LastUpdated": iso_utc(now),
            "Type": "AWS-HMAC",
            "AccessKeyId": key_id,
            "SecretAccessKey": a.secret_access_key,
            "Token": a.session_token,
            "Expiration": iso_utc(now + a.expires_in),
        }


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "EC2ws"

    def version_string(self):
        return self.server_version
    state = None  # set in main

    def log_message(self, fmt, *args):
        if self.state.args.verbose:
            sys.stderr.write("imds: %s %s\n" % (self.address_string(), fmt % args))
            sys.stderr.flush()

    def send(self, code, body, ctype="text/plain", extra=None):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def drain_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n > 0:
            self.rfile.read(n)

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
        self.send(200, token, extra={"X-aws-ec2-metadata-token-ttl-seconds": str(ttl)})

    def do_GET(self):
        st = self.state
        st.bump("requests")
        path = self.path.split("?", 1)[0]
        if path == "/stats":
            with st.lock:
                body = json.dumps(st.counts)
            return self.send(200, body, "application/json")
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
        self.send(405, "Method Not Allowed", extra={"Allow": "GET, PUT, HEAD"})

    do_POST = do_DELETE = do_PATCH = _not_allowed


def main():
    # A parent that spawns us from a thread with signals blocked (Foundation's Process
    # does) passes the mask on: unblock the ones we stop on.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = pick a free one)")
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
    p.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = p.parse_args()

    Handler.state = State(args)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    sys.stdout.write("READY %d\n" % server.server_address[1])
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
