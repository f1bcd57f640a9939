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

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; m = int((NR + 1) / 2); print (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'; }
max() { sort -g | tail -n 1; }
