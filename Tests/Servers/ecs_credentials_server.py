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

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # also under python3 -P / -I
import serving  # noqa: E402


class State(serving.CredentialsState):
    def __init__(self, args):
        super().__init__(args, ("credential_gets", "unauthorized", "not_found", "requests"))

    def credentials(self):
        a = self.args
        return {
            "AccessKeyId": self.next_access_key_id(),
            "SecretAccessKey": a.secret_access_key,
            "Token": a.session_token,
            "Expiration": serving.iso_utc(time.time() + a.expires_in),
            "RoleArn": a.role_arn,
        }


class Handler(serving.Handler):
    server_version = "ecs-credentials-stand-in"
    log_name = "ecs-creds"

    def send(self, code, body):
        self.send_body(code, body, "application/json")

    def error(self, code, etype, message):
        self.send(code, json.dumps({"code": etype, "message": message}))

    def do_GET(self):
        st = self.state
        st.bump("requests")
        path = self.path.split("?", 1)[0]
        if path == "/stats":
            return self.send(200, st.counts_json())
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
        self.drain_body()
        self.error(405, "MethodNotAllowed", "only GET")

    do_PUT = do_POST = do_DELETE = do_PATCH = _not_allowed


def main():
    serving.unblock_stop_signals()
    p = serving.arg_parser(__doc__)
    serving.add_port(p)
    p.add_argument("--path", default="/v2/credentials/test", help="path that serves the credentials")
    p.add_argument("--authorization", default=None,
                   help="require this exact Authorization header value")
    p.add_argument("--access-key-id", default="ASIAECSEXAMPLE000001")
    p.add_argument("--secret-access-key", default="ecsSecretKeyExample00000000000000000000")
    p.add_argument("--session-token", default="ECSSessionTokenExample")
    p.add_argument("--role-arn", default="arn:aws:iam::123456789012:role/ci")
    p.add_argument("--expires-in", type=int, default=3600, help="seconds from now to Expiration (may be <= 0)")
    p.add_argument("--rotate", action="store_true", help="each credentials GET returns AccessKeyId-N, N = 1, 2, ...")
    serving.add_verbose(p)
    args = p.parse_args()
    if not args.path.startswith("/"):
        p.error("--path must start with /")

    Handler.state = State(args)
    return serving.serve_http(Handler, args.port)


if __name__ == "__main__":
    sys.exit(main())
