# Shared by the bench scripts (sourced, not run): logging, installing what is missing,
# building the binary, medians. Expects REPO to be set.

log() { printf 'bench: %s\n' "$*" >&2; }
fail() { log "error: $*"; exit 1; }

# install_missing PACKAGE...: apt-get install the packages given (the caller lists only the
# missing ones); `apt-get update` once, only if something must be installed.
install_missing() {
    [ $# -gt 0 ] || return 0
    [ "$(id -u)" = 0 ] || fail "missing packages: $* (run as root, or install them)"
    log "installing: $*"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq "$@" >&2
}

# image_build_packages FILE: the packages fixtures/realistic/build.sh needs when FILE (one of
# its outputs) is not built yet and no BENCH_IMAGE is given.
image_build_packages() {
    if [ -z "${BENCH_IMAGE:-}${BENCH_SYNTHETIC:-}" ] && [ ! -s "$1" ]; then
        command -v debootstrap >/dev/null || echo debootstrap
        python3 -m pip --version >/dev/null 2>&1 || echo python3-pip
    fi
}

# release_binary: BIN = $ECR_PUBLISH_BIN, or a release build of this checkout.
release_binary() {
    if [ -n "${ECR_PUBLISH_BIN:-}" ]; then
        BIN=$ECR_PUBLISH_BIN
    else
        log "swift build -c release --product ecr-publish (in $REPO)"
        (cd "$REPO" && swift build -c release --product ecr-publish >&2)
        BIN="$(cd "$REPO" && swift build -c release --show-bin-path)/ecr-publish"
    fi
    [ -x "$BIN" ] || fail "not an executable: $BIN"
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_port PORT: until something listens on 127.0.0.1:PORT; false after 10 s.
wait_port() {
    for _ in $(seq 100); do
        python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# start_registry DIR USER PASSWORD: docker-registry (distribution) with TLS and htpasswd on a
# free loopback port, its certificate, config, log and data under DIR (DIR/cert.pem and
# DIR/certs.d/ca.crt for clients; DIR/ca-bundle.pem, the system's CA bundle with the
# certificate appended, for our --ca-file: a client of ECR trusts the system's roots, and
# skopeo loads them beside certs.d too). Sets REGISTRY_PORT and REGISTRY_PID; returns once it listens.
# BENCH_REGISTRY_AUTH=none: no htpasswd, so the registry checks no password. ECR checks its token
# on AWS's side; htpasswd's bcrypt (about 1.5 ms of the machine's CPU per request) is a cost of
# the co-located test registry alone, and this takes it out of a comparison. Default: htpasswd.
# (Not REGISTRY_AUTH: docker-registry reads REGISTRY_* variables as overrides of its config.)
start_registry() {
    local dir=$1 auth
    case "${BENCH_REGISTRY_AUTH:-htpasswd}" in
        htpasswd) auth="auth:
  htpasswd: {realm: bench, path: $dir/htpasswd}" ;;
        none) auth="" ;;
        *) fail "BENCH_REGISTRY_AUTH must be htpasswd or none, not '$BENCH_REGISTRY_AUTH'" ;;
    esac
    REGISTRY_PORT=$(free_port)
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
        -addext subjectAltName=IP:127.0.0.1 -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
    mkdir -p "$dir/certs.d" && cp "$dir/cert.pem" "$dir/certs.d/ca.crt"
    cat /etc/ssl/certs/ca-certificates.crt "$dir/cert.pem" > "$dir/ca-bundle.pem" 2>/dev/null || cp "$dir/cert.pem" "$dir/ca-bundle.pem"
    htpasswd -Bbn "$2" "$3" > "$dir/htpasswd"
    cat > "$dir/registry.yml" <<YAML
version: 0.1
log: {level: error}
storage:
  filesystem: {rootdirectory: $dir/data}
http:
  addr: 127.0.0.1:$REGISTRY_PORT
  tls: {certificate: $dir/cert.pem, key: $dir/key.pem}
$auth
YAML
    docker-registry serve "$dir/registry.yml" >"$dir/registry.log" 2>&1 &
    REGISTRY_PID=$!
    wait_port "$REGISTRY_PORT" || { cat "$dir/registry.log" >&2; fail "the registry did not start"; }
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; m = int((NR + 1) / 2); print (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'; }
max() { sort -g | tail -n 1; }
