#!/usr/bin/env python3
"""ECS / EKS Pod Identity container-credentials endpoint stand-in for tests.

Binds 127.0.0.1 only. Prints exactly one line "READY <port>" to stdout once
listening. Exits cleanly on SIGTERM/SIGINT. Standard library only.

  GET <--path>   -> {"AccessKeyId","SecretAccessKey","Token","Expiration","RoleArn"}
                    (what AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI point at)
  GET /stats     -> JSON counters (test helper, never needs Authorization)
With --authorization TOKEN, the credentials GET needs the header
"Authorization: TOKEN" exactly (AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]),
else 401.
"""

import argparse
import datetime
import http.server
import json
import signal
import sys
import threading
import time


def iso_utc(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.counts = {"credential_gets": 0, "unauthorized": 0, "not_found": 0, "requests": 0}
        self.rotation = 0

    def bump(self, key):
        with self.lock:
            self.counts[key] += 1

    def credentials(self):
        a = self.args
        key_id = a.access_key_id
        with self.lock:
            self.counts["credential_gets"] += 1
            if a.rotate:
                self.rotation += 1
                key_id = "%s-%d" % (a.access_key_id, self.rotation)
        return {
            "AccessKeyId": key_id,
            "SecretAccessKey": a.secret_access_key,
            "Token": a.session_token,
            "Expiration": iso_utc(time.time() + a.expires_in),
            "RoleArn": a.role_arn,
        }


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ecs-credentials-stand-in"
    state = None  # set in main

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):
        if self.state.args.verbose:
            sys.stderr.write("ecs-creds: %s %s\n" % (self.address_string(), fmt % args))
            sys.stderr.flush()

    def send(self, code, body, ctype="application/json"):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, code, etype, message):
        self.send(code, json.dumps({"code": etype, "message": message}))

    def do_GET(self):
        st = self.state
        st.bump("requests")
        path = self.path.split("?", 1)[0]
        if path == "/stats":
            with st.lock:
                body = json.dumps(st.counts)
            return self.send(200, body)
        if path != st.args.path:
            st.bump("not_found")
            return self.error(404, "NotFound", "no credentials at %s" % path)
        if st.args.authorization is not None and self.headers.get("Authorization") != st.args.authorization:
            st.bump("unauthorized")
            return self.error(401, "AccessDenied", "missing or wrong Authorization header")
        self.send(200, json.dumps(st.credentials()))

    def do_HEAD(self):
        self.do_GET()

    def _not_allowed(self):
        self.state.bump("requests")
        n = int(self.headers.get("Content-Length") or 0)
        if n > 0:
            self.rfile.read(n)
        self.error(405, "MethodNotAllowed", "only GET")

    do_PUT = do_POST = do_DELETE = do_PATCH = _not_allowed


def main():
    # A parent that spawns us from a thread with signals blocked (Foundation's Process
    # does) passes the mask on: unblock the ones we stop on.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = pick a free one)")
    p.add_argument("--path", default="/v2/credentials/test", help="path that serves the credentials")
    p.add_argument("--authorization", default=None,
                   help="require this exact Authorization header value")
    p.add_argument("--access-key-id", default="ASIAECSEXAMPLE000001")
    p.add_argument("--secret-access-key", default="ecsSecretKeyExample00000000000000000000")
    p.add_argument("--session-token", default="ECSSessionTokenExample")
    p.add_argument("--role-arn", default="arn:aws:iam::123456789012:role/ci")
    p.add_argument("--expires-in", type=int, default=3600, help="seconds from now to Expiration (may be <= 0)")
    p.add_argument("--rotate", action="store_true", help="each credentials GET returns AccessKeyId-N, N = 1, 2, ...")
    p.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = p.parse_args()
    if not args.path.startswith("/"):
        p.error("--path must start with /")

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
