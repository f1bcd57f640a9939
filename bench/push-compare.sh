#!/bin/bash
# Push benchmarks against a local registry (distribution 2.8, TLS, htpasswd), pair by pair:
#   first push:  ecr-publish publish  vs  skopeo copy docker-archive:IMG docker://…
#   repeat push: ecr-publish publish of the same image again (a fresh --cache-dir: the
#                registry's previous image is the cache; and the same --cache-dir)
#                vs  openssl dgst -sha256 IMG (the hashing floor: reading and hashing the
#                tarball once, which a repeat push cannot avoid)
# Wall time and peak RSS of each, medians and per-pair ratios. See bench/README.md.
#
#   bench/push-compare.sh                         # Debian 12, as root
#   PAIRS=7 BENCH_IMAGE=/path/image.tar bench/push-compare.sh
#
# Environment:
#   PAIRS           timed pairs per comparison (default 5)
#   BENCH_IMAGE     image tarball (default: the realistic Docker 25+ fixture, whose layer
#                   members are named by digest as `docker save` writes them today)
#   BENCH_CACHE     where the realistic fixture is built/kept
#                   (default ${TMPDIR:-/tmp}/ecr-publish-bench-cache; must be outside the repo)
#   ECR_PUBLISH_BIN use this binary instead of `swift build -c release --product ecr-publish`
#   OURS_ARGS       more flags for our runs (e.g. "--no-sbom")
#   BENCH_REGISTRY_AUTH
#                   htpasswd (default) or none: a registry that checks no password (its
#                   per-request bcrypt, ECR's cost and not a runner's, left out; common.sh)
#
# The registry is named `bench.registry.test` (not ECR), so ecr-publish takes the Docker
# config file's credentials and needs no AWS: the push itself is the same code as to ECR.
# skopeo gets a blob-info cache of its own per first push (as a fresh CI runner has), or it
# would mount the previous pair's blobs instead of compressing.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
# shellcheck source=bench/common.sh
source "$HERE/common.sh"
PAIRS=${PAIRS:-5}
BENCH_CACHE=${BENCH_CACHE:-${TMPDIR:-/tmp}/ecr-publish-bench-cache}
NAME=bench.registry.test
[[ "$PAIRS" =~ ^[1-9][0-9]*$ ]] || fail "PAIRS must be a positive integer, not '$PAIRS'"

# ---------------------------------------------------------------- packages
need_pkgs=()
command -v skopeo >/dev/null || need_pkgs+=(skopeo)
command -v docker-registry >/dev/null || need_pkgs+=(docker-registry)
command -v htpasswd >/dev/null || need_pkgs+=(apache2-utils)
[ -x /usr/bin/time ] || need_pkgs+=(time)
mapfile -t -O "${#need_pkgs[@]}" need_pkgs < <(image_build_packages "$BENCH_CACHE/realistic-docker-oci.tar")
install_missing "${need_pkgs[@]}"

# ---------------------------------------------------------------- binary and image
release_binary
if [ -n "${BENCH_IMAGE:-}" ]; then
    IMAGE=$BENCH_IMAGE
else
    bash "$REPO/fixtures/realistic/build.sh" "$BENCH_CACHE"
    IMAGE=$BENCH_CACHE/realistic-docker-oci.tar
fi
[ -s "$IMAGE" ] || fail "image tarball missing or empty: $IMAGE"
IMAGE=$(cd "$(dirname "$IMAGE")" && pwd)/$(basename "$IMAGE")

# ---------------------------------------------------------------- the registry
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ecr-publish-push-bench.XXXXXX")
REGISTRY_PID=
cleanup() {
    # Never stop early (set -e): the registry's data under WORK is as large as what was pushed.
    if [ -n "$REGISTRY_PID" ]; then kill "$REGISTRY_PID" 2>/dev/null || true; wait "$REGISTRY_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

REG_USER=bench REG_PASS=bench-$RANDOM$RANDOM
start_registry "$WORK" "$REG_USER" "$REG_PASS"
PORT=$REGISTRY_PORT

mkdir -p "$WORK/home/.docker"
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$NAME" "$(printf '%s:%s' "$REG_USER" "$REG_PASS" | base64 -w0)" \
    > "$WORK/home/.docker/config.json"
read -r -a extra_args <<< "${OURS_ARGS:-}"

# ours REPOSITORY CACHE_DIR: set CMD
ours_cmd() {
    CMD=(env HOME="$WORK/home" TMPDIR="$WORK/tmp" "$BIN" publish "$IMAGE" --repository "$1" --registry "$NAME"
         --registry-endpoint "https://127.0.0.1:$PORT" --ca-file "$WORK/ca-bundle.pem" --tag 1 --json
         --cache-dir "$2" "${extra_args[@]}")
}
# skopeo REPOSITORY CACHE_DIR: a blob-info cache of its own under CACHE_DIR
sko_cmd() {
    CMD=(env TMPDIR="$WORK/tmp" _CONTAINERS_USERNS_CONFIGURED=1 _CONTAINERS_ROOTLESS_UID=65534 XDG_DATA_HOME="$2" HOME="$WORK/home"
         skopeo copy -q --dest-creds "$REG_USER:$REG_PASS" --dest-cert-dir "$WORK/certs.d"
         "docker-archive:$IMAGE" "docker://127.0.0.1:$PORT/$1:1")
}
floor_cmd() { CMD=(openssl dgst -sha256 "$IMAGE"); }
# timed NAME: run CMD under /usr/bin/time; T_WALL (s), T_RSS (KiB), T_CPU (user + system s),
# T_TMP (the most bytes the run's TMPDIR, $WORK/tmp, held: temporary disk, sampled every 0.1 s);
# stdout in $WORK/out.NAME
timed() {
    rm -rf "$WORK/tmp"; mkdir -p "$WORK/tmp"; chmod 1777 "$WORK/tmp"; echo 0 > "$WORK/tmp.peak"
    ( peak=0; while :; do
        size=$(du -sB1 "$WORK/tmp" 2>/dev/null | cut -f1); size=${size:-0}   # disk blocks, not apparent size (freed parts are holes)
        if ((size > peak)); then peak=$size; echo "$peak" > "$WORK/tmp.peak"; fi
        sleep 0.1
      done ) & local watcher=$!
    if ! /usr/bin/time -f '%e %M %U %S' -o "$WORK/time.$1" "${CMD[@]}" >"$WORK/out.$1" 2>"$WORK/err.$1"; then
        kill "$watcher" 2>/dev/null; wait "$watcher" 2>/dev/null || true
        cat "$WORK/err.$1" >&2
        fail "$1 run failed: ${CMD[*]}"
    fi
    kill "$watcher" 2>/dev/null; wait "$watcher" 2>/dev/null || true
    local user system
    read -r T_WALL T_RSS user system < <(tail -n 1 "$WORK/time.$1")
    T_CPU=$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.2f", u + s }')
    T_TMP=$(cat "$WORK/tmp.peak")
}
json_field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["push"][sys.argv[2]])' "$WORK/out.$1" "$2"; }

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
img_bytes=$(stat -c %s "$IMAGE")
echo "machine:      $(nproc) cores, ${cpu:-unknown CPU}, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg) at start"
echo "image:        $IMAGE ($img_bytes bytes, $((img_bytes / 1048576)) MiB)"
echo "ecr-publish:  $("$BIN" --version 2>&1 | head -n 1)${OURS_ARGS:+ ($OURS_ARGS)}"
echo "skopeo:       $(skopeo --version | head -n 1)"
echo "registry:     docker-registry (distribution) on https://127.0.0.1:$PORT, htpasswd"
echo "runs:         $PAIRS pair(s) per comparison, order alternating (odd pairs: ours first)"
echo

# Warm the page cache with the image.
floor_cmd; timed warm

# ---------------------------------------------------------------- pairs
# record KIND WALL RSS
record() { echo "$2" >> "$WORK/w.$1"; echo "$3" >> "$WORK/r.$1"; echo "$T_CPU" >> "$WORK/c.$1"; echo "$T_TMP" >> "$WORK/t.$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f\n", (b > 0 ? a / b : 999) }'; }

log "first push: ours vs skopeo"
for ((p = 1; p <= PAIRS; p++)); do
    if ((p % 2 == 1)); then order="ours sko"; else order="sko ours"; fi
    for who in $order; do
        if [ "$who" = ours ]; then
            ours_cmd "bench/ours-$p" "$WORK/cache-ours-$p"; timed ours; wo=$T_WALL; record first-ours "$T_WALL" "$T_RSS"
            [ "$(json_field ours layersCompressed)" -gt 0 ] || fail "our first push reused layers: not a first push"
        else
            sko_cmd "bench/sko-$p" "$WORK/cache-sko-$p"; timed sko; ws=$T_WALL; record first-sko "$T_WALL" "$T_RSS"
        fi
    done
    ratio "$wo" "$ws" >> "$WORK/ratio.first"
    log "first push pair $p/$PAIRS: ours ${wo}s, skopeo ${ws}s"
done

log "repeat push: ours (fresh cache, registry as cache), ours (same cache) vs openssl dgst -sha256"
for ((p = 1; p <= PAIRS; p++)); do
    if ((p % 2 == 1)); then order="fresh same floor"; else order="floor same fresh"; fi
    for who in $order; do
        case $who in
            fresh) ours_cmd "bench/ours-$p" "$WORK/cache-fresh-$p" ;;
            same) ours_cmd "bench/ours-$p" "$WORK/cache-ours-$p" ;;
            floor) floor_cmd ;;
        esac
        timed "$who"
        record "repeat-$who" "$T_WALL" "$T_RSS"
        eval "w_$who=$T_WALL"
        if [ "$who" != floor ]; then
            [ "$(json_field "$who" layersCompressed)" = 0 ] && [ "$(json_field "$who" blobsUploaded)" = 0 ] \
                || fail "the repeat push ($who cache) compressed or uploaded: $(cat "$WORK/out.$who")"
        fi
    done
    ratio "$w_fresh" "$w_floor" >> "$WORK/ratio.fresh"
    ratio "$w_same" "$w_floor" >> "$WORK/ratio.same"
    log "repeat pair $p/$PAIRS: fresh cache ${w_fresh}s, same cache ${w_same}s, openssl ${w_floor}s"
done
# skopeo's own repeat, for reference (its cache from the first pair knows every layer).
sko_cmd "bench/sko-1" "$WORK/cache-sko-1"; timed sko-repeat; record repeat-sko "$T_WALL" "$T_RSS"

# ---------------------------------------------------------------- report
row() {  # LABEL KIND [RATIO_FILE]
    local w r c t q=""
    w=$(median < "$WORK/w.$2"); r=$(max < "$WORK/r.$2"); c=$(median < "$WORK/c.$2"); t=$(max < "$WORK/t.$2")
    [ -n "${3:-}" ] && q=$(median < "$WORK/$3")
    awk -v l="$1" -v w="$w" -v r="$r" -v c="$c" -v t="$t" -v q="$q" 'BEGIN {
        printf "%-50s %8.2f %8.2f %9.1f %9.1f %7s\n", l, w, c, r / 1024, t / 1048576, (q == "" ? "" : sprintf("%.2f", q)) }'
}
printf '%-50s %8s %8s %9s %9s %7s\n' "run" "wall(s)" "cpu(s)" "rss(MiB)" "tmp(MiB)" "ratio"
printf '%-50s %8s %8s %9s %9s %7s\n' "" median median max max median
row "first push, ecr-publish" first-ours ratio.first
row "first push, skopeo copy" first-sko
row "repeat push, ecr-publish, fresh --cache-dir" repeat-fresh ratio.fresh
row "repeat push, ecr-publish, same --cache-dir" repeat-same ratio.same
row "openssl dgst -sha256 (hashing floor)" repeat-floor
row "repeat push, skopeo (its cache knows all; 1 run)" repeat-sko
echo
echo "ratios: first push ours/skopeo (target <= 0.8); repeat push ours/openssl (target <= 2), each the median of per-pair ratios"
echo "per-pair first-push ratios:  $(tr '\n' ' ' < "$WORK/ratio.first")"
echo "per-pair repeat ratios (fresh): $(tr '\n' ' ' < "$WORK/ratio.fresh")"
echo "per-pair repeat ratios (same):  $(tr '\n' ' ' < "$WORK/ratio.same")"
