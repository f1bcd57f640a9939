#!/bin/bash
# Compare `ecr-publish publish --no-push` with `skopeo copy --dest-compress` on the same
# image tarball: wall time, peak RSS and output size, per gzip level. See bench/README.md.
#
#   bench/compare-skopeo.sh                      # Debian 12, as root
#   PAIRS=9 LEVELS="2 6" bench/compare-skopeo.sh
#
# Environment:
#   LEVELS          our --compression-level values, one table row each (default "2 1 5")
#   PAIRS           timed (ours, skopeo) pairs per level (default 5)
#   BENCH_IMAGE     image tarball to use (default: the realistic docker-archive fixture)
#   BENCH_SYNTHETIC small-files | mixed-2g | big-file: build that synthetic image
#                   (bench/make-synthetic.py) into BENCH_CACHE once and use it
#   BENCH_CACHE     where the realistic fixture is built/kept
#                   (default ${TMPDIR:-/tmp}/ecr-publish-bench-cache; must be outside the repo)
#   ECR_PUBLISH_BIN use this binary instead of `swift build -c release --product ecr-publish`
#   THREADS         passed to ecr-publish as --threads (default: unset, i.e. all cores)
#   OURS_ARGS       more flags for our runs (e.g. "--no-sbom": skopeo writes no SBOM)

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
# shellcheck source=bench/common.sh
source "$HERE/common.sh"
LEVELS=${LEVELS:-2 1 5}
PAIRS=${PAIRS:-5}
BENCH_CACHE=${BENCH_CACHE:-${TMPDIR:-/tmp}/ecr-publish-bench-cache}
THREADS=${THREADS:-}
RSS_LIMIT_MIB=64

[[ "$PAIRS" =~ ^[1-9][0-9]*$ ]] || fail "PAIRS must be a positive integer, not '$PAIRS'"
for l in $LEVELS; do [[ "$l" =~ ^[0-9]+$ ]] || fail "LEVELS must be integers, not '$l'"; done
[ -n "${LEVELS// /}" ] || fail "LEVELS is empty"

# ---------------------------------------------------------------- packages
need_pkgs=()
command -v skopeo >/dev/null || need_pkgs+=(skopeo)
[ -x /usr/bin/time ] || need_pkgs+=(time)
command -v pigz >/dev/null || need_pkgs+=(pigz)          # gzip validity check of our blobs
mapfile -t -O "${#need_pkgs[@]}" need_pkgs < <(image_build_packages "$BENCH_CACHE/realistic.tar")
install_missing "${need_pkgs[@]}"

# ---------------------------------------------------------------- binary and image
# shellcheck source=bench/inputs.sh
source "$HERE/inputs.sh"

# ---------------------------------------------------------------- scratch space
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ecr-publish-bench.XXXXXX")
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

thread_args=()
[ -n "$THREADS" ] && thread_args=(--threads "$THREADS")
# OURS_ARGS: more flags for our runs, e.g. "--no-sbom" to compare exactly skopeo's work.
read -r -a extra_args <<< "${OURS_ARGS:-}"
thread_args+=("${extra_args[@]}")

# ours_cmd OUTDIR LEVEL [extra args...] / sko_cmd SKODIR: set CMD (an array) after
# removing the output dir, so every run starts fresh.
ours_cmd() {
    local out=$1 level=$2; shift 2
    rm -rf "$out"
    CMD=("$BIN" publish "$IMAGE" --repository bench/image --no-push --output "$out"
         --compression-level "$level" "$@")
}
sko_cmd() {
    rm -rf "$1"
    CMD=(skopeo copy -q --dest-compress "docker-archive:$IMAGE" "oci:$1:x")
}
run() {  # NAME: run CMD untimed
    "${CMD[@]}" >/dev/null 2>"$WORK/err.$1" || { cat "$WORK/err.$1" >&2; fail "$1 run failed: ${CMD[*]}"; }
}
# timed NAME: run CMD under /usr/bin/time, set T_WALL (s) and T_RSS (KiB).
timed() {
    if ! /usr/bin/time -f '%e %M' -o "$WORK/time.$1" "${CMD[@]}" >/dev/null 2>"$WORK/err.$1"; then
        cat "$WORK/err.$1" >&2
        fail "$1 run failed: ${CMD[*]}"
    fi
    read -r T_WALL T_RSS < <(tail -n 1 "$WORK/time.$1")
}

# ---------------------------------------------------------------- header
cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
[ -n "$cpu" ] || cpu=$(lscpu 2>/dev/null | awk -F': *' '/^Model name/ { print $2; exit }')
img_bytes=$(stat -c %s "$IMAGE")
echo "machine:      $(nproc) cores, ${cpu:-unknown CPU}, $(uname -sr)"
echo "image:        $IMAGE ($img_bytes bytes, $((img_bytes / 1048576)) MiB)"
echo "ecr-publish:  $("$BIN" --version 2>&1 | head -n 1) ($BIN)${THREADS:+, --threads $THREADS}"
echo "skopeo:       $(skopeo --version | head -n 1), --dest-compress at its default gzip level"
echo "runs:         levels [$LEVELS], $PAIRS pair(s) each, order alternating (odd pairs: ours first)"
echo

# ---------------------------------------------------------------- warm-up (page cache)
log "warm-up (untimed): one run of each"
ours_cmd "$WORK/ours" 6 "${thread_args[@]}"; run ours
sko_cmd "$WORK/sko"; run skopeo

# ---------------------------------------------------------------- timed pairs
rows=()
for level in $LEVELS; do
    : > "$WORK/w.ours"; : > "$WORK/w.sko"; : > "$WORK/r.ours"; : > "$WORK/r.sko"; : > "$WORK/ratio"
    for ((p = 1; p <= PAIRS; p++)); do
        if ((p % 2 == 1)); then order="ours sko"; else order="sko ours"; fi
        for who in $order; do
            if [ "$who" = ours ]; then
                ours_cmd "$WORK/ours" "$level" "${thread_args[@]}"; timed ours
                wo=$T_WALL; echo "$T_WALL" >> "$WORK/w.ours"; echo "$T_RSS" >> "$WORK/r.ours"
            else
                sko_cmd "$WORK/sko"; timed skopeo
                ws=$T_WALL; echo "$T_WALL" >> "$WORK/w.sko"; echo "$T_RSS" >> "$WORK/r.sko"
            fi
        done
        awk -v o="$wo" -v s="$ws" 'BEGIN { printf "%.4f\n", (s > 0 ? o / s : 999) }' >> "$WORK/ratio"
        log "level $level pair $p/$PAIRS: ours ${wo}s, skopeo ${ws}s"
    done
    med_o=$(median < "$WORK/w.ours"); med_s=$(median < "$WORK/w.sko"); med_r=$(median < "$WORK/ratio")
    rss_o=$(max < "$WORK/r.ours"); rss_s=$(max < "$WORK/r.sko")
    # Sizes from the last run of each (ours is deterministic; skopeo's level does not change).
    bytes_o=$(du -sb "$WORK/ours/image" | cut -f1)
    bytes_s=$(du -sb "$WORK/sko" | cut -f1)
    rows+=("$(awk -v L="$level" -v mo="$med_o" -v ms="$med_s" -v r="$med_r" -v ro="$rss_o" -v rs="$rss_s" \
                  -v bo="$bytes_o" -v bs="$bytes_s" -v lim="$RSS_LIMIT_MIB" 'BEGIN {
        r2 = sprintf("%.2f", r); ro_m = ro / 1024; rs_m = rs / 1024
        verdict = (r2 + 0 <= 1.00 && bo + 0 <= bs + 0 && ro_m < lim) ? "ok" : "MISS"
        printf "%-5s %9.2f %9.2f %6s %9.1f %9.1f %12d %12d  %s", L, mo, ms, r2, ro_m, rs_m, bo, bs, verdict
    }')")
done

# ---------------------------------------------------------------- determinism
log "determinism: --threads 1 vs --threads 8 at level 6"
ours_cmd "$WORK/det1" 6 --threads 1; run ours
ours_cmd "$WORK/det8" 6 --threads 8; run ours
tree_sums() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
if [ -n "$(tree_sums "$WORK/det1/image")" ] && cmp -s <(tree_sums "$WORK/det1/image") <(tree_sums "$WORK/det8/image"); then
    deterministic=yes
else
    deterministic=no
fi
# Every gzip blob we wrote must be valid gzip (pigz -t).
gzip_ok=yes
while IFS= read -r -d '' blob; do
    if [ "$(head -c 2 "$blob" | od -An -tx1 | tr -d ' \n')" = 1f8b ]; then
        pigz -t "$blob" 2>/dev/null || { gzip_ok=no; log "invalid gzip: $blob"; }
    fi
done < <(find "$WORK/det1/image/blobs" -type f -print0)

# ---------------------------------------------------------------- report
printf '%-5s %9s %9s %6s %9s %9s %12s %12s  %s\n' level "ours(s)" "skopeo(s)" ratio \
    "rss-ours" "rss-sko" "bytes-ours" "bytes-sko" verdict
printf '%-5s %9s %9s %6s %9s %9s %12s %12s  %s\n' "" median median median MiB MiB "" "" ""
for row in "${rows[@]}"; do echo "$row"; done
echo
echo "ok = median ratio <= 1.00 and bytes-ours <= bytes-sko and rss-ours < $RSS_LIMIT_MIB MiB"
echo "deterministic: $deterministic (--threads 1 vs --threads 8, level 6, identical OUTDIR/image trees)"
echo "gzip valid:    $gzip_ok (pigz -t on every gzip blob of ours)"
[ "$deterministic" = yes ]
