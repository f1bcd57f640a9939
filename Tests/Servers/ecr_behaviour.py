"""fault_proxy.py --ecr: an HTTP-level proxy that makes a distribution registry answer
the way Amazon ECR's registry endpoint does (see fault_proxy.py's docstring).
Standard library only. Not a script: fault_proxy.py imports it.
"""

import hashlib
import http.client
import http.server
import json
import re
import socket
import struct
import threading

import serving

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authorization", "proxy-authenticate", "host", "content-length"}
DIGEST_REF = re.compile(r"^sha256:[0-9a-f]{64}$")


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.requests = 0
        self.patches = 0
        self.sessions = {}  # upload path -> {"bytes": n, "short": bool, "range": str or None}
        self.referrers = {}  # (repository, subject digest) -> [descriptor]
        self.index_subjects = set()  # (repository, digest) of subjects that are indexes
        self.log = open(args.ecr_log, "a", buffering=1) if args.ecr_log else None

    def record(self, method, path, status, length):
        if self.log:
            with self.lock:
                self.log.write(json.dumps({"method": method, "path": path.split("?")[0],
                                           "status": status, "length": length}) + "\n")


def relocated(location, host):
    """The same location on another host name (same scheme, port and path)."""
    match = re.match(r"^(https?://)[^/:]+(.*)$", location)
    return match.group(1) + host + match.group(2) if match else location


def error_body(code, message):
    return json.dumps({"errors": [{"code": code, "message": message}]}).encode()


def make_handler(state, upstream_ctx):
    args = state.args

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            if args.verbose:
                super().log_message(fmt, *a)

        def upstream(self):
            if upstream_ctx is not None:
                return http.client.HTTPSConnection(args.upstream_host, args.upstream_port, context=upstream_ctx, timeout=30)
            return http.client.HTTPConnection(args.upstream_host, args.upstream_port, timeout=30)

        def answer(self, code, body, headers=()):
            self.send_response(code)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            state.record(self.command, self.path, code, 0)

        def forward(self, body, rewrite=None):
            conn = self.upstream()
            # The client's Host goes on: the registry builds upload locations from it, so
            # they point back at this proxy.
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            headers["Host"] = self.headers.get("Host", "%s:%d" % (args.upstream_host, args.upstream_port))
            if body is not None or self.command in ("PUT", "PATCH", "POST"):
                headers["Content-Length"] = str(len(body or b""))
            conn.request(self.command, self.path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            status = response.status
            out_headers = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
            conn.close()
            if rewrite:
                status, out_headers = rewrite(status, out_headers)
            if args.ecr_location_host:
                out_headers = [(k, relocated(v, args.ecr_location_host) if k.lower() == "location" else v) for k, v in out_headers]
            self.send_response(status)
            for name, value in out_headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            state.record(self.command, self.path, status, len(body or b""))
            return status

        def read_body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def cut_off(self):
            """Read part of the body, then reset the connection."""
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(min(length, 65536) // 2)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            state.record(self.command, self.path, 0, 0)

        def handle_any(self):
            with state.lock:
                state.requests += 1
                number = state.requests
                if self.command == "PATCH":
                    state.patches += 1
                    patch_number = state.patches
            if self.command == "PATCH" and patch_number in args.ecr_reset_patch:
                return self.cut_off()
            body = self.read_body() if self.command in ("PUT", "PATCH", "POST") else None
            if args.ecr_throttle_every and number % args.ecr_throttle_every == 0:
                return self.answer(429, error_body("TOOMANYREQUESTS", "Rate exceeded"), [("Retry-After", "0")])
            if args.ecr_error_every and number % args.ecr_error_every == 0:
                return self.answer(500, error_body("UNKNOWN", "internal failure"))
            path = self.path.split("?")[0]
            if "/blobs/uploads/" in path and self.command == "PATCH":
                return self.patch(path, body)
            if "/blobs/uploads/" in path and self.command == "PUT":
                with state.lock:
                    session = state.sessions.get(path, {"bytes": 0})
                if session["bytes"] == 0 and not body:
                    return self.answer(400, error_body("BLOB_UPLOAD_INVALID", "upload has no layer parts"))
                digest = re.search(r"[?&]digest=([^&]+)", self.path)
                repository = re.match(r"^/v2/(.+)/blobs/uploads/", path).group(1)
                if args.ecr_refuse_existing_blobs and digest and self.blob_exists(repository, digest.group(1).replace("%3A", ":")):
                    return self.answer(400, error_body("LAYER_ALREADY_EXISTS", "The layer already exists in the repository"))
            if "/manifests/" in path and self.command == "PUT" and any(s in path for s in args.ecr_refuse_manifest):
                return self.answer(400, error_body("MANIFEST_INVALID", "manifest refused by the test proxy"))
            if args.ecr_referrers and "/referrers/" in path and self.command == "GET":
                return self.referrers(path)
            if "/manifests/" in path and self.command == "PUT" and args.ecr_immutable:
                reference = path.rsplit("/", 1)[1]
                if not DIGEST_REF.match(reference) and self.tag_exists(path):
                    return self.answer(400, error_body(
                        "TAG_INVALID", "The image tag '%s' already exists in the repository and cannot be overwritten because the tag is immutable." % reference))
            if args.ecr_referrers and "/manifests/" in path and self.command == "PUT":
                return self.put_manifest(path, body)
            self.forward(body)

        def referrers(self, path):
            """ECR's referrers API (distribution spec 1.1): the artifacts pushed with this
            subject, as an index; 405 for a subject that is an index, as ECR answers."""
            repository, digest = re.match(r"^/v2/(.+)/referrers/([^/]+)$", path).groups()
            with state.lock:
                of_index = (repository, digest) in state.index_subjects
                manifests = list(state.referrers.get((repository, digest), []))
            if of_index:
                return self.answer(405, error_body("UNSUPPORTED", "referrers of an image index are not supported"))
            body = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                               "manifests": manifests}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/vnd.oci.image.index.v1+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            state.record(self.command, self.path, 200, 0)

        def put_manifest(self, path, body):
            """Stores the manifest upstream; one with a `subject` is listed by the referrers
            API (answered with OCI-Subject), unless its subject is an index."""
            try:
                manifest = json.loads(body)
            except ValueError:
                manifest = {}
            subject = manifest.get("subject") if isinstance(manifest, dict) else None
            repository = re.match(r"^/v2/(.+)/manifests/[^/]+$", path).group(1)
            listed = False

            def rewrite(status, headers):
                nonlocal listed
                if status == 201 and isinstance(subject, dict) and "digest" in subject:
                    key = (repository, subject["digest"])
                    with state.lock:
                        if subject.get("mediaType") in ("application/vnd.oci.image.index.v1+json",
                                                        "application/vnd.docker.distribution.manifest.list.v2+json"):
                            state.index_subjects.add(key)
                        else:
                            descriptor = {"mediaType": manifest.get("mediaType"), "digest": "sha256:" + hashlib.sha256(body).hexdigest(),
                                          "size": len(body)}
                            artifact_type = manifest.get("artifactType") or manifest.get("config", {}).get("mediaType")
                            if artifact_type:
                                descriptor["artifactType"] = artifact_type
                            if manifest.get("annotations"):
                                descriptor["annotations"] = manifest["annotations"]
                            entries = state.referrers.setdefault(key, [])
                            if all(e["digest"] != descriptor["digest"] for e in entries):
                                entries.append(descriptor)
                            headers = headers + [("OCI-Subject", subject["digest"])]
                return status, headers

            self.forward(body, rewrite)

        def exists_upstream(self, path, headers=None):
            """Whether the registry answers 200 to HEAD `path`, asked with the client's credentials."""
            conn = self.upstream()
            headers = dict(headers or {})
            if self.headers.get("Authorization"):
                headers["Authorization"] = self.headers["Authorization"]
            conn.request("HEAD", path, headers=headers)
            status = conn.getresponse().status
            conn.close()
            return status == 200

        def tag_exists(self, path):
            return self.exists_upstream(path, {"Accept": "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
                                                         "application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json"})

        def blob_exists(self, repository, digest):
            return self.exists_upstream("/v2/%s/blobs/%s" % (repository, digest))

        def patch(self, path, body):
            with state.lock:
                session = state.sessions.setdefault(path, {"bytes": 0, "short": False, "range": None})
                too_small = session["short"]
            if too_small:
                return self.answer(400, error_body("PART_TOO_SMALL", "Layer part size must be at least %d bytes" % args.ecr_min_part))

            def rewrite(status, headers):
                if status != 202:
                    return status, headers
                with state.lock:
                    session["bytes"] += len(body)
                    session["short"] = len(body) < args.ecr_min_part
                    stale = session["range"]
                    out = []
                    for name, value in headers:
                        if name.lower() == "range":
                            if stale is None:
                                session["range"] = value
                            else:
                                value = stale
                        out.append((name, value))
                # distribution keeps the upload's path across parts (only _state changes).
                return 201, out

            self.forward(body, rewrite)

        do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = handle_any

    return Handler


def serve(args, server_ctx, upstream_ctx):
    state = State(args)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(state, upstream_ctx))
    server.daemon_threads = True
    if server_ctx is not None:
        server.socket = server_ctx.wrap_socket(server.socket, server_side=True)
    serving.on_stop_signal(lambda: threading.Thread(target=server.shutdown, daemon=True).start())
    serving.announce(server.server_address[1])
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0
