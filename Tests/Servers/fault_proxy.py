#!/usr/bin/env python3
"""Fault-injecting TCP proxy in front of a real loopback server, for tests.

Binds 127.0.0.1 only. Prints exactly one line "READY <port>" to stdout once
listening. On SIGTERM/SIGINT writes one JSON line of statistics to stderr and
exits 0. Standard library only.

Each accepted client connection consumes the next action of --script
(comma-separated); once the script is used up every connection is `pass`.

  pass                   connect to --upstream and copy bytes both ways until
                         both sides are done (half-closes are forwarded)
  reset                  read the request head, then close with RST (SO_LINGER 0)
  close                  close at once without reading (if the client's bytes
                         already arrived, the kernel turns this into an RST)
  status:CODE[:RETRY]    read the request head and body, answer
                         "HTTP/1.1 CODE ..." with a small JSON body,
                         Connection: close (and Retry-After: RETRY), then close
  stall:SECONDS          read the request, send nothing for SECONDS, then close

--rewrite-status-on SUBSTRING:CODE:BODY_FILE (repeatable) applies to `pass`
connections: each HTTP request whose request line ("PUT /v2/app/manifests/v1
HTTP/1.1") contains SUBSTRING is not forwarded; its body is read and CODE is
answered with the bytes of BODY_FILE, Connection: close. Other requests on the
same keep-alive connection are forwarded untouched.

Only --rewrite-status-on and the status/stall/reset actions parse HTTP request
heads; `pass` without rewrite rules is protocol-agnostic. With --tls-cert and
--tls-key the proxy terminates TLS from clients; with --upstream-tls it speaks
TLS to the upstream (verified against --upstream-cafile if given, else not
verified: the upstream is always a loopback test server).
"""

import http
import ipaddress
import json
import os
import select
import socket
import ssl
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # also under python3 -P / -I
import serving  # noqa: E402

STOP = threading.Event()
BUFMAX = 256 * 1024
HEAD_MAX = 64 * 1024
ARGS = None
TLS_SERVER_CTX = None
TLS_UPSTREAM_CTX = None
RULES = []  # (substring, code, body bytes, content type)


def log(msg):
    if ARGS is not None and ARGS.verbose:
        sys.stderr.write("fault_proxy: %s\n" % msg)
        sys.stderr.flush()


# --------------------------------------------------------------------------- stats / script


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.connections = 0
        self.actions = {"pass": 0, "reset": 0, "close": 0, "status": 0, "stall": 0}
        self.by_action = {}
        self.rewrites = 0
        self.upstream_errors = 0
        self.script_used = 0

    def add(self, key, n=1):
        with self.lock:
            setattr(self, key, getattr(self, key) + n)

    def as_json(self, script_len):
        with self.lock:
            return json.dumps({
                "connections": self.connections,
                "actions": self.actions,
                "by_action": self.by_action,
                "rewrites": self.rewrites,
                "upstream_errors": self.upstream_errors,
                "script_used": self.script_used,
                "script_length": script_len,
            }, sort_keys=True)


STATS = Stats()


def parse_action(text):
    parts = text.strip().split(":")
    kind = parts[0]
    if kind in ("pass", "reset", "close") and len(parts) == 1:
        return (kind,)
    if kind == "status" and len(parts) in (2, 3):
        code = int(parts[1])
        if not 100 <= code <= 999:
            raise ValueError("bad status code %r" % parts[1])
        retry = parts[2] if len(parts) == 3 else None
        if retry is not None and not retry.isdigit():
            raise ValueError("Retry-After must be a number of seconds: %r" % retry)
        return ("status", code, retry)
    if kind == "stall" and len(parts) == 2:
        return ("stall", float(parts[1]))
    raise ValueError("unknown action %r" % text)


class Script:
    def __init__(self, actions):
        self.actions = actions
        self.index = 0
        self.lock = threading.Lock()

    def next(self):
        with self.lock:
            if self.index < len(self.actions):
                a = self.actions[self.index]
                self.index += 1
                with STATS.lock:
                    STATS.script_used = self.index
                return a
            return ("pass",)


# --------------------------------------------------------------------------- HTTP helpers


def recv_before(sock, deadline):
    """The next bytes from sock; b"" at EOF, on an error, at the deadline or on STOP."""
    while not STOP.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            break
        sock.settimeout(min(left, 0.5))
        try:
            return sock.recv(65536)
        except (socket.timeout, ssl.SSLWantReadError):
            continue
        except OSError:
            break
    return b""


def recv_head(sock, timeout):
    """Read until the blank line ending an HTTP request head.
    Returns (head or None, bytes read after the head)."""
    buf = bytearray()
    deadline = time.monotonic() + timeout
    while True:
        end = buf.find(b"\r\n\r\n")
        if end >= 0:
            return bytes(buf[: end + 4]), bytes(buf[end + 4:])
        data = b"" if len(buf) > HEAD_MAX else recv_before(sock, deadline)
        if not data:
            return None, bytes(buf)
        buf += data


def parse_head(head):
    lines = head.decode("latin-1").split("\r\n")
    request_line = lines[0]
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return request_line, headers


def read_body(sock, headers, rest, timeout):
    """Read (and discard) a request body: Content-Length or chunked. Best effort.
    Not awaited when the client waits for `100 Continue` (which it never gets)."""
    if headers.get("expect", "").lower() == "100-continue" and not rest:
        return
    deadline = time.monotonic() + timeout
    buf = bytearray(rest)

    def more():
        data = recv_before(sock, deadline)
        buf.extend(data)
        return bool(data)

    def line_end(pos):
        nl = buf.find(b"\r\n", pos)
        while nl < 0 and more():
            nl = buf.find(b"\r\n", pos)
        return nl

    if "chunked" in headers.get("transfer-encoding", "").lower():
        pos = 0
        while True:
            nl = line_end(pos)
            if nl < 0:
                return
            try:
                size = int(bytes(buf[pos:nl]).split(b";")[0].strip() or b"0", 16)
            except ValueError:
                return
            pos = nl + 2
            if size == 0:
                # trailers until an empty line
                while True:
                    nl = line_end(pos)
                    if nl < 0 or nl == pos:
                        return
                    pos = nl + 2
            while len(buf) < pos + size + 2:
                if not more():
                    return
            pos += size + 2
    try:
        n = int(headers.get("content-length", "0"))
    except ValueError:
        return
    while len(buf) < n:
        if not more():
            return


def reason(code):
    try:
        return http.HTTPStatus(code).phrase
    except ValueError:
        return "Injected"


ERROR_NAMES = {
    400: ("BadRequest", "BAD_REQUEST"),
    403: ("AccessDeniedException", "DENIED"),
    429: ("ThrottlingException", "TOOMANYREQUESTS"),
    500: ("InternalFailure", "INTERNAL_ERROR"),
    502: ("BadGateway", "UNAVAILABLE"),
    503: ("ServiceUnavailableException", "UNAVAILABLE"),
    504: ("GatewayTimeout", "UNAVAILABLE"),
}


def injected_body(code):
    aws, oci = ERROR_NAMES.get(code, ("InjectedFault", "UNKNOWN"))
    msg = "fault_proxy injected HTTP %d" % code
    # both the AWS JSON-protocol shape (__type) and the OCI distribution shape (errors)
    return json.dumps({"__type": aws, "message": msg,
                       "errors": [{"code": oci, "message": msg}]}).encode()


def send_response(sock, code, body, ctype, retry_after=None):
    lines = ["HTTP/1.1 %d %s" % (code, reason(code)),
             "Content-Type: " + ctype,
             "Content-Length: %d" % len(body),
             "Connection: close"]
    if retry_after is not None:
        lines.append("Retry-After: %s" % retry_after)
    data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
    sock.settimeout(10)
    sock.sendall(data)


def lingering_close(sock, drain=2.0):
    """Half-close, then read what the client still sends (briefly) before closing,
    so that unread bytes do not turn our answer into an RST on the client side."""
    try:
        if isinstance(sock, ssl.SSLSocket):
            try:
                sock.settimeout(1)
                sock = sock.unwrap()  # sends close_notify
            except (OSError, ValueError):
                pass
        sock.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + drain
        while recv_before(sock, deadline):
            pass
    except OSError:
        pass
    finally:
        close_quietly(sock)


def hard_reset(sock):
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    close_quietly(sock)


def close_quietly(sock):
    try:
        sock.close()
    except OSError:
        pass


def read_request(sock):
    """Read (and discard) a request head and its body; best effort."""
    head, rest = recv_head(sock, ARGS.read_timeout)
    if head is not None:
        read_body(sock, parse_head(head)[1], rest, ARGS.read_timeout)


# --------------------------------------------------------------------------- rewrite scanner


class RequestScanner:
    """Follows HTTP/1.1 request boundaries in the client->upstream stream so that
    requests matching a rewrite rule can be answered by the proxy."""

    HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, TRAILER, RAW = range(6)

    def __init__(self, rules):
        self.rules = rules
        self.state = self.HEAD
        self.buf = bytearray()
        self.remaining = 0

    def feed(self, data):
        """Returns (bytes to forward, match or None, bytes after the matched head).
        match = (rule, head, headers)."""
        out = bytearray()
        self.buf += data
        while self.buf:
            st = self.state
            if st == self.RAW:
                out += self.buf
                self.buf.clear()
            elif st == self.HEAD:
                end = self.buf.find(b"\r\n\r\n")
                if end < 0:
                    if len(self.buf) > HEAD_MAX:
                        self.state = self.RAW
                        continue
                    break
                head = bytes(self.buf[: end + 4])
                del self.buf[: end + 4]
                request_line, headers = parse_head(head)
                for rule in self.rules:
                    if rule[0] in request_line:
                        rest = bytes(self.buf)
                        self.buf.clear()
                        return bytes(out), (rule, request_line, headers), rest
                out += head
                if "upgrade" in headers or request_line.startswith("CONNECT "):
                    self.state = self.RAW
                elif "chunked" in headers.get("transfer-encoding", "").lower():
                    self.state = self.CHUNK_SIZE
                else:
                    try:
                        self.remaining = int(headers.get("content-length", "0"))
                    except ValueError:
                        self.state = self.RAW
                        continue
                    self.state = self.BODY if self.remaining > 0 else self.HEAD
            elif st in (self.BODY, self.CHUNK_DATA):
                n = min(self.remaining, len(self.buf))
                out += self.buf[:n]
                del self.buf[:n]
                self.remaining -= n
                if self.remaining == 0:
                    self.state = self.HEAD if st == self.BODY else self.CHUNK_SIZE
            elif st in (self.CHUNK_SIZE, self.TRAILER):
                nl = self.buf.find(b"\r\n")
                if nl < 0:
                    if len(self.buf) > HEAD_MAX:
                        self.state = self.RAW
                        continue
                    break
                line = bytes(self.buf[:nl])
                out += self.buf[: nl + 2]
                del self.buf[: nl + 2]
                if st == self.TRAILER:
                    if line == b"":
                        self.state = self.HEAD
                    continue
                try:
                    size = int(line.split(b";")[0].strip(), 16)
                except ValueError:
                    self.state = self.RAW
                    continue
                if size == 0:
                    self.state = self.TRAILER
                else:
                    self.remaining = size + 2  # data + CRLF
                    self.state = self.CHUNK_DATA
        return bytes(out), None, b""


# --------------------------------------------------------------------------- relay


def relay(client, upstream, scanner):
    """Copies bytes both ways. Returns ("done",), ("error", side) or
    ("match", match, rest, pending_to_client)."""
    socks = (client, upstream)
    other = {client: upstream, upstream: client}
    out = {client: bytearray(), upstream: bytearray()}
    eof = {client: False, upstream: False}
    shut = {client: False, upstream: False}
    read_wants_write = {client: False, upstream: False}
    write_wants_read = {client: False, upstream: False}
    tls = isinstance(client, ssl.SSLSocket) or isinstance(upstream, ssl.SSLSocket)
    for s in socks:
        s.setblocking(False)

    def pending(s):
        # TLS records already decrypted inside OpenSSL are invisible to select()
        return (isinstance(s, ssl.SSLSocket) and not eof[s] and len(out[other[s]]) < BUFMAX
                and s.pending() > 0)

    while not STOP.is_set():
        for s in socks:
            o = other[s]
            if eof[s] and not out[o] and not shut[o]:
                if tls:
                    return ("done",)  # TLS has no clean half-close: finish
                try:
                    o.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                shut[o] = True
        if eof[client] and eof[upstream] and not out[client] and not out[upstream]:
            return ("done",)
        rl, wl = [], []
        for s in socks:
            want_read = not eof[s] and len(out[other[s]]) < BUFMAX
            if (want_read and not read_wants_write[s]) or (out[s] and write_wants_read[s]):
                rl.append(s)
            if (out[s] and not write_wants_read[s]) or (want_read and read_wants_write[s]):
                wl.append(s)
        timeout = 0 if any(pending(s) for s in socks) else 0.5
        try:
            r, w, _ = select.select(rl, wl, [], timeout)
        except (OSError, ValueError):
            return ("error", "select")
        ready = set(r) | set(w) | {s for s in socks if pending(s)}
        for s in socks:
            if s not in ready:
                continue
            o = other[s]
            if not eof[s] and len(out[o]) < BUFMAX:
                try:
                    data = s.recv(65536)
                    read_wants_write[s] = False
                    if not data:
                        eof[s] = True
                    elif s is client and scanner is not None:
                        fwd, match, rest = scanner.feed(data)
                        out[upstream] += fwd
                        if match is not None:
                            return ("match", match, rest, bytes(out[client]))
                    else:
                        out[o] += data
                except ssl.SSLWantReadError:
                    read_wants_write[s] = False
                except ssl.SSLWantWriteError:
                    read_wants_write[s] = True
                except (BlockingIOError, InterruptedError):
                    pass
                except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
                    eof[s] = True
                except OSError:
                    return ("error", "client" if s is client else "upstream")
            if out[s]:
                try:
                    n = s.send(out[s])
                    del out[s][:n]
                    write_wants_read[s] = False
                except ssl.SSLWantWriteError:
                    write_wants_read[s] = False
                except ssl.SSLWantReadError:
                    write_wants_read[s] = True
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:
                    return ("error", "client" if s is client else "upstream")
    return ("done",)


def connect_upstream():
    host, port = ARGS.upstream_host, ARGS.upstream_port
    sock = socket.create_connection((host, port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if TLS_UPSTREAM_CTX is not None:
        sock = TLS_UPSTREAM_CTX.wrap_socket(sock, server_hostname=host)
    return sock


def answer_rewrite(client, match, rest):
    rule, request_line, headers = match
    STATS.add("rewrites")
    log("rewrite %r -> %d" % (request_line, rule[1]))
    read_body(client, headers, rest, ARGS.read_timeout)
    send_response(client, rule[1], rule[2], rule[3])
    lingering_close(client)


def do_pass(client):
    try:
        upstream = connect_upstream()
    except OSError as e:
        STATS.add("upstream_errors")
        log("upstream connect failed: %s" % e)
        hard_reset(client)
        return
    scanner = RequestScanner(RULES) if RULES else None
    result = ("error", "internal")
    try:
        result = relay(client, upstream, scanner)
    finally:
        if result[0] == "match":
            _, match, rest, pending = result
            upstream.close()
            client.setblocking(True)
            try:
                if pending:
                    client.settimeout(10)
                    client.sendall(pending)
                answer_rewrite(client, match, rest)
            except OSError:
                client.close()
        elif result[0] == "error":
            log("relay ended by error on %s side" % result[1])
            # propagate the abort to the other side
            if result[1] == "upstream":
                hard_reset(client)
                upstream.close()
            else:
                hard_reset(upstream)
                client.close()
        else:
            close_quietly(client)
            close_quietly(upstream)


def handle(raw, addr, action):
    kind = action[0]
    with STATS.lock:
        STATS.connections += 1
        STATS.actions[kind] += 1
        label = ":".join(("%g" % x) if isinstance(x, float) else str(x) for x in action if x is not None)
        STATS.by_action[label] = STATS.by_action.get(label, 0) + 1
    log("connection from %s:%d -> %s" % (addr[0], addr[1], label))
    if kind == "close":
        close_quietly(raw)
        return
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    client = raw
    if TLS_SERVER_CTX is not None:
        try:
            raw.settimeout(ARGS.read_timeout)
            client = TLS_SERVER_CTX.wrap_socket(raw, server_side=True)
        except (OSError, ssl.SSLError) as e:
            log("TLS handshake failed: %s" % e)
            raw.close()
            return
    try:
        if kind == "pass":
            do_pass(client)
        elif kind == "reset":
            head, _ = recv_head(client, ARGS.read_timeout)
            log("reset after %r" % (head.split(b"\r\n", 1)[0] if head else b""))
            hard_reset(client)
        elif kind == "status":
            _, code, retry = action
            read_request(client)
            send_response(client, code, injected_body(code), "application/json", retry)
            lingering_close(client)
        elif kind == "stall":
            read_request(client)
            STOP.wait(action[1])
            close_quietly(client)
    except OSError as e:
        log("connection error: %s" % e)
        close_quietly(client)


# --------------------------------------------------------------------------- main


def loopback_only(host, port):
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as e:
        raise ValueError("cannot resolve %s: %s" % (host, e))
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%")[0])
        if not ip.is_loopback:
            raise ValueError("upstream %s resolves to non-loopback %s" % (host, ip))


def main():
    serving.unblock_stop_signals()
    global ARGS, TLS_SERVER_CTX, TLS_UPSTREAM_CTX
    p = serving.arg_parser(__doc__)
    serving.add_port(p)
    p.add_argument("--upstream", required=True, help="HOST:PORT of the real server (loopback only)")
    p.add_argument("--script", default="", help="comma-separated actions, one per connection")
    p.add_argument("--rewrite-status-on", action="append", default=[],
                   metavar="SUBSTRING:CODE:BODY_FILE",
                   help="answer requests whose request line contains SUBSTRING with CODE and BODY_FILE")
    p.add_argument("--tls-cert", help="PEM certificate: terminate TLS from clients")
    p.add_argument("--tls-key", help="PEM private key for --tls-cert")
    p.add_argument("--upstream-tls", action="store_true", help="speak TLS to the upstream")
    p.add_argument("--upstream-cafile", help="verify the upstream's certificate against this bundle")
    p.add_argument("--read-timeout", type=float, default=10.0,
                   help="seconds to wait for a request head/body in reset/status/stall (default 10)")
    serving.add_verbose(p, "log connections to stderr")
    p.add_argument("--ecr", action="store_true", help="behave as ECR's registry endpoint (see above)")
    p.add_argument("--ecr-min-part", type=int, default=5 * 1024 * 1024)
    p.add_argument("--ecr-throttle-every", type=int, default=0)
    p.add_argument("--ecr-error-every", type=int, default=0)
    p.add_argument("--ecr-reset-patch", type=int, action="append", default=[])
    p.add_argument("--ecr-immutable", action="store_true")
    p.add_argument("--ecr-refuse-existing-blobs", action="store_true",
                   help="answer 400 to an upload's closing PUT of a blob the repository already holds")
    p.add_argument("--ecr-refuse-manifest", action="append", default=[], metavar="SUBSTRING",
                   help="answer 400 to a manifest PUT whose path contains SUBSTRING")
    p.add_argument("--ecr-referrers", action="store_true", help="answer the referrers API as ECR does (405 for an index subject)")
    p.add_argument("--ecr-log")
    p.add_argument("--ecr-location-host", help="answer upload locations on this host name instead")
    ARGS = p.parse_args()

    host, sep, port = ARGS.upstream.rpartition(":")
    if not sep or not port.isdigit():
        p.error("--upstream must be HOST:PORT")
    ARGS.upstream_host, ARGS.upstream_port = host.strip("[]"), int(port)
    try:
        loopback_only(ARGS.upstream_host, ARGS.upstream_port)
        actions = [parse_action(a) for a in ARGS.script.split(",") if a.strip()]
    except ValueError as e:
        p.error(str(e))
    for spec in ARGS.rewrite_status_on:
        parts = spec.rsplit(":", 2)
        if len(parts) != 3 or not parts[1].isdigit() or not parts[0]:
            p.error("--rewrite-status-on wants SUBSTRING:CODE:BODY_FILE, got %r" % spec)
        with open(parts[2], "rb") as f:
            body = f.read()
        try:
            json.loads(body)
            ctype = "application/json; charset=utf-8"
        except ValueError:
            ctype = "text/plain; charset=utf-8"
        RULES.append((parts[0], int(parts[1]), body, ctype))
    if bool(ARGS.tls_cert) != bool(ARGS.tls_key):
        p.error("--tls-cert and --tls-key go together")
    if ARGS.tls_cert:
        TLS_SERVER_CTX = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        TLS_SERVER_CTX.load_cert_chain(ARGS.tls_cert, ARGS.tls_key)
    if ARGS.upstream_tls:
        TLS_UPSTREAM_CTX = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if ARGS.upstream_cafile:
            TLS_UPSTREAM_CTX.load_verify_locations(ARGS.upstream_cafile)
        else:
            TLS_UPSTREAM_CTX.check_hostname = False
            TLS_UPSTREAM_CTX.verify_mode = ssl.CERT_NONE

    if ARGS.ecr:
        import ecr_behaviour
        return ecr_behaviour.serve(ARGS, TLS_SERVER_CTX, TLS_UPSTREAM_CTX)

    script = Script(actions)
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", ARGS.port))
    lsock.listen(128)

    serving.on_stop_signal(STOP.set)
    serving.announce(lsock.getsockname()[1])
    try:
        while not STOP.is_set():
            try:
                r, _, _ = select.select([lsock], [], [], 0.25)
            except InterruptedError:
                continue
            if not r:
                continue
            try:
                conn, addr = lsock.accept()
            except OSError:
                continue
            action = script.next()
            threading.Thread(target=handle, args=(conn, addr, action), daemon=True).start()
    finally:
        lsock.close()
        sys.stderr.write(STATS.as_json(len(actions)) + "\n")
        sys.stderr.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
