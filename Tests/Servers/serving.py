"""What the test servers of this folder share: the READY protocol, stopping on
SIGTERM/SIGINT, the common flags, and a base for their HTTP handlers.
Standard library only. Not a script: the servers import it from their own directory.
"""

import argparse
import datetime
import http.server
import json
import signal
import sys
import threading

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def unblock_stop_signals():
    """A parent that spawns us from a thread with signals blocked (Foundation's Process
    does) passes the mask on: unblock the ones we stop on. Call it first thing."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, set(STOP_SIGNALS))


def arg_parser(doc):
    """An ArgumentParser described by the first line of the script's docstring."""
    return argparse.ArgumentParser(description=doc.splitlines()[0])


def add_port(parser):
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = pick a free one)")


def add_verbose(parser, help="log requests to stderr"):
    parser.add_argument("--verbose", action="store_true", help=help)


def on_stop_signal(callback):
    """Call callback() (from the signal handler, in the main thread) on SIGTERM/SIGINT."""
    def handler(signum, frame):
        callback()

    for signum in STOP_SIGNALS:
        signal.signal(signum, handler)


def announce(port):
    """The one line a server ever writes to stdout, once it is listening."""
    sys.stdout.write("READY %d\n" % port)
    sys.stdout.flush()


def serve_http(handler_class, port, cleanup=None):
    """Serve handler_class on 127.0.0.1:port (one thread per connection), announce the
    port, and return 0 once SIGTERM/SIGINT has shut the server down (cleanup() then)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler_class)
    server.daemon_threads = True
    # shutdown() waits for serve_forever(), which runs in this (the signal handler's) thread
    on_stop_signal(lambda: threading.Thread(target=server.shutdown, daemon=True).start())
    announce(server.server_address[1])
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        if cleanup is not None:
            cleanup()
    return 0


def iso_utc(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class State:
    """The parsed arguments and named counters (a stats endpoint's JSON) behind one lock."""

    def __init__(self, args, counters):
        self.args = args
        self.lock = threading.Lock()
        self.counts = dict.fromkeys(counters, 0)

    def bump(self, key):
        with self.lock:
            self.counts[key] += 1

    def counts_json(self):
        with self.lock:
            return json.dumps(self.counts)


class CredentialsState(State):
    """State of a credentials server: --access-key-id, --rotate; counts credential_gets."""

    def __init__(self, args, counters):
        super().__init__(args, counters)
        self.rotation = 0

    def next_access_key_id(self):
        """Counts a credentials GET; with --rotate the key id is numbered -1, -2, ..."""
        a = self.args
        with self.lock:
            self.counts["credential_gets"] += 1
            if not a.rotate:
                return a.access_key_id
            self.rotation += 1
            return "%s-%d" % (a.access_key_id, self.rotation)


class Handler(http.server.BaseHTTPRequestHandler):
    """HTTP/1.1 handler logging to stderr only with --verbose (request line and status,
    never headers). Subclasses set server_version, log_name and (in main) state."""

    protocol_version = "HTTP/1.1"
    log_name = "server"
    state = None  # a State, set in main

    def version_string(self):
        return self.server_version

    def vlog(self, msg):
        if self.state.args.verbose:
            sys.stderr.write("%s: %s\n" % (self.log_name, msg))
            sys.stderr.flush()

    def log_message(self, fmt, *args):
        self.vlog("%s %s" % (self.address_string(), fmt % args))

    def send_body(self, code, body, ctype, headers=()):
        """A complete response: Content-Type, Content-Length, then headers (name, value
        pairs); the body is left out for HEAD."""
        if isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def drain_body(self):
        """Read and drop a Content-Length request body."""
        n = int(self.headers.get("Content-Length") or 0)
        if n > 0:
            self.rfile.read(n)
