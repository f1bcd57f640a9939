#!/bin/bash
# What signing and attesting add to `ecr-publish publish`: the same image published with and
# without --sign-key, in timed pairs, median wall time and the ratio. See bench/README.md.
#
#   bench/sign-overhead.sh                                  # the realistic image, --no-push
#   BENCH_SYNTHETIC=small-files PAIRS=9 bench/sign-overhead.sh
#
# Environment:
#   PAIRS           timed (plain, signed) pairs (default 7)
#   BENCH_IMAGE     image tarball to use (default: the realistic docker-archive fixture)
#   BENCH_SYNTHETIC small-files | mixed-2g | big-file: a synthetic image (bench/make-synthetic.py)
#   BENCH_CACHE     where those images are built and kept (default ${TMPDIR:-/tmp}/ecr-publish-bench-cache)
#   ECR_PUBLISH_BIN use this binary instead of `swift build -c release --product ecr-publish`
#   SIGN_KEY        sign with this key (a file or awskms:///…) instead of a fresh cosign pair
#   PUSH_ARGS       push instead of --no-push: flags naming your registry and repository
#                   (e.g. "--repository bench/image --create-repository"); AWS credentials
#                   from the usual chain. Without it: --no-push --output DIR --registry HOST.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/common.sh
source "$HERE/common.sh"
REPO=$(cd "$HERE/.." && pwd)
PAIRS=${PAIRS:-7}
BENCH_CACHE=${BENCH_CACHE:-${TMPDIR:-/tmp}/ecr-publish-bench-cache}
[[ "$PAIRS" =~ ^[1-9][0-9]*$ ]] || fail "PAIRS must be a positive integer, not '$PAIRS'"
[ -x /usr/bin/time ] || fail "/usr/bin/time is missing (apt-get install time)"

# shellcheck source=bench/inputs.sh
source "$HERE/inputs.sh"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ecr-publish-sign-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
if [ -z "${SIGN_KEY:-}" ]; then
    export COSIGN_PASSWORD=${COSIGN_PASSWORD:-bench-$$}
    "$BIN" generate-key-pair --output-prefix "$WORK/cosign" >/dev/null
    SIGN_KEY=$WORK/cosign.key
fi

run=0
# One run; prints its wall time and CPU time (user + system) in seconds.
publish() {
    run=$((run + 1))
    local out="$WORK/out-$run" args=()
    if [ -n "${PUSH_ARGS:-}" ]; then
        read -r -a args <<<"$PUSH_ARGS"
        args+=(--tag "bench-$run")
    else
        args=(--repository bench/image --no-push --output "$out" --registry 123456789012.dkr.ecr.us-east-1.amazonaws.com --tag bench)
    fi
    /usr/bin/time -f '%e %U %S' -o "$WORK/time" "$BIN" publish "$IMAGE" "${args[@]}" "$@" >/dev/null 2>"$WORK/stderr" \
        || { cat "$WORK/stderr" >&2; fail "publish $* failed"; }
    rm -rf "$out"
    awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$WORK/time"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

log "image $IMAGE ($(du -h "$IMAGE" | cut -f1)), $PAIRS pairs, key $SIGN_KEY"
publish >/dev/null; publish --sign-key "$SIGN_KEY" >/dev/null   # warm the page cache
plain=() signed=()
for ((i = 1; i <= PAIRS; i++)); do
    # Alternate which runs first, so drift falls on both alike.
    if ((i % 2)); then
        plain+=("$(publish)"); signed+=("$(publish --sign-key "$SIGN_KEY")")
    else
        signed+=("$(publish --sign-key "$SIGN_KEY")"); plain+=("$(publish)")
    fi
    log "pair $i: plain ${plain[-1]% *} s (cpu ${plain[-1]#* } s), signed ${signed[-1]% *} s (cpu ${signed[-1]#* } s)"
done
column() { printf '%s\n' "${@:2}" | awk -v f="$1" '{ print $f }' | median; }
pw=$(column 1 "${plain[@]}") sw=$(column 1 "${signed[@]}") pc=$(column 2 "${plain[@]}") sc=$(column 2 "${signed[@]}")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
printf '| image | pairs | wall plain | wall --sign-key | ratio | cpu plain | cpu --sign-key | ratio |\n|---|---|---|---|---|---|---|---|\n'
printf '| %s | %d | %.2f s | %.2f s | %s | %.2f s | %.2f s | %s |\n' "$(basename "$IMAGE")" "$PAIRS" \
    "$pw" "$sw" "$(ratio "$sw" "$pw")" "$pc" "$sc" "$(ratio "$sc" "$pc")"
echo "(medians; cpu = user + system time, less sensitive than wall time to other work on the machine)"
