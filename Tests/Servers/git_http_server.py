#!/usr/bin/env python3
"""Git smart-HTTP server (git http-backend behind token auth) for tests.

Binds 127.0.0.1 only. Prints exactly one line "READY <port>" to stdout once
listening. Exits cleanly on SIGTERM/SIGINT. Standard library only (plus the
git-http-backend CGI program that ships with git).

  GET/POST /<repo>.git/...  -> git http-backend (GIT_PROJECT_ROOT=--root, every
                               bare repository under it exported)
  GET /__stats              -> JSON counters (test helper, never needs auth)
With --token TOKEN every git request needs "Authorization: Basic
base64(USER:TOKEN)" (USER anything, or exactly --user), else 401 with
WWW-Authenticate: Basic realm="git". The token and the Authorization header
are never logged, not even with --verbose.
"""

import base64
import binascii
import hmac
import os
import subprocess
import sys
import threading
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # also under python3 -P / -I
import serving  # noqa: E402

CHUNK = 65536
STATS_PATH = "/__stats"
# Environment of the server that must not leak into the CGI child.
CGI_VARS = {
    "AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "GATEWAY_INTERFACE", "PATH_INFO",
    "PATH_TRANSLATED", "QUERY_STRING", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_USER",
    "REQUEST_METHOD", "SCRIPT_NAME", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
    "SERVER_SOFTWARE",
}


def find_http_backend():
    try:
        exec_path = subprocess.run(["git", "--exec-path"], check=True, capture_output=True,
                                   text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as e:
        return None, "cannot run `git --exec-path`: %s" % e
    path = os.path.join(exec_path, "git-http-backend")
    if not os.access(path, os.X_OK):
        return None, "%s is missing or not executable" % path
    return path, None


class State(serving.State):
    def __init__(self, args, backend):
        super().__init__(args, ("requests", "unauthorized", "pushes", "fetches", "push_probes",
                                "backend_errors"))
        self.backend = backend
        self.procs = set()
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("GIT_", "HTTP_")) and k not in CGI_VARS}
        # The backend sees the repositories' own config only, not the user's.
        base["GIT_CONFIG_NOSYSTEM"] = "1"
        base["GIT_CONFIG_GLOBAL"] = os.devnull
        self.base_env = base

    def kill_all(self):
        with self.lock:
            procs = list(self.procs)
        for proc in procs:
            try:
                proc.kill()
            except OSError:
                pass


class BodyReader:
    """Reads the request body (Content-Length, chunked, or none) from rfile."""

    def __init__(self, rfile, length, chunked):
        self.rfile = rfile
        self.remaining = length  # None when chunked
        self.chunked = chunked
        self.chunk_left = 0
        self.done = (not chunked) and not length

    def read(self):
        """Next piece of the body; b"" at the end. Raises EOFError on a short body."""
        if self.done:
            return b""
        if not self.chunked:
            data = self.rfile.read(min(CHUNK, self.remaining))
            if not data:
                raise EOFError("client closed before the end of the body")
            self.remaining -= len(data)
            self.done = self.remaining == 0
            return data
        if self.chunk_left == 0:
            line = self.rfile.readline(1024)
            if not line:
                raise EOFError("client closed inside a chunked body")
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise EOFError("bad chunk size line")
            if size == 0:
                while True:  # trailers, then the empty line
                    t = self.rfile.readline(8192)
                    if not t:
                        raise EOFError("client closed inside chunked trailers")
                    if t in (b"\r\n", b"\n"):
                        break
                self.done = True
                return b""
            self.chunk_left = size
        data = self.rfile.read(min(CHUNK, self.chunk_left))
        if not data:
            raise EOFError("client closed inside a chunk")
        self.chunk_left -= len(data)
        if self.chunk_left == 0:
            if self.rfile.readline(16) not in (b"\r\n", b"\n"):
                raise EOFError("chunk not followed by CRLF")
        return data

    def drain(self):
        while self.read():
            pass


class Handler(serving.Handler):
    server_version = "git-http-stand-in"
    log_name = "git-http"  # request line and status only, never headers

    def handle_expect_100(self):
        # Decide after the auth check (see _git): a 401 must not be preceded by 100.
        return True

    # ---- helpers -------------------------------------------------------------

    def send_simple(self, code, body, ctype="text/plain; charset=utf-8", extra=()):
        if self.close_connection:
            extra += (("Connection", "close"),)
        self.send_body(code, body, ctype, extra)

    def body_reader(self):
        te = (self.headers.get("Transfer-Encoding") or "").strip().lower()
        if te:
            if te != "chunked":
                return None
            return BodyReader(self.rfile, None, True)
        cl = self.headers.get("Content-Length")
        try:
            n = int(cl) if cl is not None else 0
        except ValueError:
            return None
        if n < 0:
            return None
        return BodyReader(self.rfile, n, False)

    def authenticate(self):
        """The user name when the request may pass, else None (reason logged)."""
        a = self.state.args
        header = self.headers.get("Authorization")
        if a.token is None:
            user = None
            if header and header[:6].lower() == "basic ":
                try:
                    user = base64.b64decode(header[6:].strip(), validate=True).decode().split(":", 1)[0]
                except (binascii.Error, UnicodeDecodeError, ValueError):
                    user = None
            return user or a.user or "anonymous"
        if not header:
            self.vlog("auth: no Authorization header")
            return None
        if header[:6].lower() != "basic ":
            self.vlog("auth: Authorization is not Basic")
            return None
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True)
        except (binascii.Error, ValueError):
            self.vlog("auth: Authorization is not valid base64")
            return None
        user, sep, password = decoded.partition(b":")
        if not sep:
            self.vlog("auth: Basic credentials without ':'")
            return None
        if not hmac.compare_digest(password, a.token.encode()):
            self.vlog("auth: wrong password (user %r)" % user.decode("utf-8", "replace"))
            return None
        user = user.decode("utf-8", "replace")
        if a.user is not None and user != a.user:
            self.vlog("auth: user %r is not %r" % (user, a.user))
            return None
        return user or "anonymous"

    # ---- verbs ---------------------------------------------------------------

    def do_GET(self):
        st = self.state
        st.bump("requests")
        if self.path.split("?", 1)[0] == STATS_PATH:
            reader = self.body_reader()
            if reader is None:
                self.close_connection = True
            else:
                reader.drain()
            return self.send_simple(200, st.counts_json(), "application/json")
        self._git()

    def do_POST(self):
        self.state.bump("requests")
        self._git()

    def _not_allowed(self):
        self.state.bump("requests")
        self.close_connection = True
        self.send_simple(405, "only GET and POST\n", extra=(("Allow", "GET, POST"),))

    do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _not_allowed

    def _git(self):
        st = self.state
        reader = self.body_reader()
        if reader is None:
            self.close_connection = True
            return self.send_simple(400, "unsupported Transfer-Encoding or bad Content-Length\n")
        expect = (self.headers.get("Expect") or "").strip().lower() == "100-continue"

        user = self.authenticate()
        if user is None:
            st.bump("unauthorized")
            if expect or self.request_version != "HTTP/1.1":
                self.close_connection = True  # body never asked for: don't read it
            else:
                try:
                    reader.drain()  # keep the connection usable for the retry
                except EOFError:
                    self.close_connection = True
            return self.send_simple(401, "authentication required\n",
                                    extra=(("WWW-Authenticate", 'Basic realm="git"'),))

        raw_path, _, query = self.path.partition("?")
        if "://" in raw_path:  # absolute-form request target
            raw_path = "/" + raw_path.split("://", 1)[1].partition("/")[2]
        path_info = urllib.parse.unquote(raw_path)
        is_push = self.command == "POST" and path_info.endswith("/git-receive-pack")
        is_fetch = self.command == "POST" and path_info.endswith("/git-upload-pack")

        if expect:
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")

        env = dict(st.base_env)
        env.update({
            "GIT_PROJECT_ROOT": st.args.root,
            "GIT_HTTP_EXPORT_ALL": "1",
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_PROTOCOL": self.request_version,
            "SERVER_SOFTWARE": self.server_version,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": str(self.server.server_address[1]),
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": path_info,
            "QUERY_STRING": query,
            "REMOTE_ADDR": self.client_address[0],
            "REMOTE_USER": user,
            "AUTH_TYPE": "Basic",
        })
        for header, var in (("Content-Type", "CONTENT_TYPE"),
                            ("Content-Encoding", "HTTP_CONTENT_ENCODING"),
                            ("Git-Protocol", "HTTP_GIT_PROTOCOL"),
                            ("Accept", "HTTP_ACCEPT"),
                            ("User-Agent", "HTTP_USER_AGENT")):
            v = self.headers.get(header)
            if v is not None:
                env[var] = v
        if not reader.chunked:
            # Chunked: no CONTENT_LENGTH, http-backend then reads stdin to EOF.
            env["CONTENT_LENGTH"] = str(reader.remaining or 0)

        # A 4-byte "0000" receive-pack POST is git's auth probe before a chunked push.
        if is_push and not reader.chunked and reader.remaining == 4:
            first = reader.rfile.read(4)
            reader.remaining = 0
            reader.done = True
            if len(first) < 4:
                self.close_connection = True
                return
            if first == b"0000":
                st.bump("push_probes")
                is_push = False
            prefix = first
        else:
            prefix = b""
        if is_push:
            st.bump("pushes")
        elif is_fetch:
            st.bump("fetches")

        try:
            proc = subprocess.Popen([st.backend], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=env, cwd=st.args.root)
        except OSError as e:
            st.bump("backend_errors")
            self.vlog("cannot start git-http-backend: %s" % e)
            self.close_connection = True
            return self.send_simple(500, "cannot start git-http-backend\n")
        with st.lock:
            st.procs.add(proc)
        try:
            self._run_cgi(proc, reader, prefix)
        finally:
            with st.lock:
                st.procs.discard(proc)
            if proc.poll() is None:
                proc.kill()
            proc.wait()

    def _run_cgi(self, proc, reader, prefix):
        st = self.state
        body_error = []

        def feed():
            broken = False
            try:
                data = prefix
                while True:
                    if data and not broken:
                        try:
                            proc.stdin.write(data)
                        except (BrokenPipeError, OSError):
                            broken = True  # keep reading the body to keep framing
                    data = reader.read()
                    if not data:
                        break
            except (EOFError, OSError) as e:
                body_error.append(str(e))
            finally:
                try:
                    proc.stdin.close()
                except OSError:
                    pass

        def errlog():
            for line in proc.stderr:
                if st.args.verbose:
                    sys.stderr.write("git-http-backend: %s\n" % line.decode("utf-8", "replace").rstrip())
                    sys.stderr.flush()

        feeder = threading.Thread(target=feed, daemon=True)
        logger = threading.Thread(target=errlog, daemon=True)
        feeder.start()
        logger.start()

        out = proc.stdout
        status, reason = 200, "OK"
        headers = []
        length = None
        header_end = False
        while True:
            line = out.readline(65536)
            if not line:
                break  # EOF before the blank line
            line = line.rstrip(b"\r\n")
            if not line:
                header_end = True
                break
            name, sep, value = line.decode("latin-1").partition(":")
            if not sep:
                continue
            name, value = name.strip(), value.strip()
            lname = name.lower()
            if lname == "status":
                code, _, rsn = value.partition(" ")
                try:
                    status, reason = int(code), rsn or None
                except ValueError:
                    status, reason = 500, None
            elif lname == "content-length":
                try:
                    length = int(value)
                except ValueError:
                    length = None
            elif lname in ("connection", "transfer-encoding", "keep-alive"):
                continue
            else:
                headers.append((name, value))
        if not header_end:
            # No complete CGI header block: the backend died before answering.
            feeder.join()
            st.bump("backend_errors")
            self.close_connection = True
            return self.send_simple(502, "git-http-backend gave no response\n")

        chunked = length is None and self.request_version == "HTTP/1.1"
        if length is None and not chunked:
            self.close_connection = True
        self.send_response(status, reason)
        for k, v in headers:
            self.send_header(k, v)
        if length is not None:
            self.send_header("Content-Length", str(length))
        elif chunked:
            self.send_header("Transfer-Encoding", "chunked")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()

        sent = 0
        while True:
            data = out.read1(CHUNK) if length is None else out.read1(min(CHUNK, length - sent))
            if not data:
                break
            sent += len(data)
            if chunked:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            else:
                self.wfile.write(data)
            if length is not None and sent >= length:
                break
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
        if length is not None and sent < length:
            self.close_connection = True  # short CGI body: framing is broken

        feeder.join()
        logger.join(timeout=5)
        if body_error:
            self.vlog("request body: %s" % body_error[0])
            self.close_connection = True


def main():
    serving.unblock_stop_signals()
    p = serving.arg_parser(__doc__)
    p.add_argument("--root", required=True,
                   help="directory whose bare repositories are served (DIR/app.git -> /app.git)")
    p.add_argument("--token", default=None,
                   help="require HTTP Basic auth with this password on every git request")
    p.add_argument("--user", default=None,
                   help="with --token: the Basic user name must be exactly this (default: any)")
    serving.add_port(p)
    serving.add_verbose(p, "log requests and git-http-backend stderr to stderr (never the token)")
    args = p.parse_args()
    if not os.path.isdir(args.root):
        p.error("--root %s is not a directory" % args.root)
    if args.token is not None and (args.token == "" or "\n" in args.token):
        p.error("--token must be non-empty and one line")
    args.root = os.path.realpath(args.root)
    backend, err = find_http_backend()
    if backend is None:
        sys.stderr.write("git_http_server: %s\n" % err)
        return 1

    Handler.state = state = State(args, backend)
    return serving.serve_http(Handler, args.port, cleanup=state.kill_all)


if __name__ == "__main__":
    sys.exit(main())
