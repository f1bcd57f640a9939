# Sourced by the bench scripts: the binary and the image tarball they time. Needs REPO, HERE,
# BENCH_CACHE and the functions log and fail; sets BIN and IMAGE (an absolute path).
#   ECR_PUBLISH_BIN  use this binary instead of `swift build -c release --product ecr-publish`
#   BENCH_IMAGE      this image tarball; else BENCH_SYNTHETIC (make-synthetic.py, built once
#                    into BENCH_CACHE); else the realistic fixture (built once into BENCH_CACHE)

if [ -n "${ECR_PUBLISH_BIN:-}" ]; then
    BIN=$ECR_PUBLISH_BIN
else
    log "swift build -c release --product ecr-publish (in $REPO)"
    (cd "$REPO" && swift build -c release --product ecr-publish >&2)
    BIN="$(cd "$REPO" && swift build -c release --show-bin-path)/ecr-publish"
fi
[ -x "$BIN" ] || fail "not an executable: $BIN"

if [ -n "${BENCH_IMAGE:-}" ]; then
    IMAGE=$BENCH_IMAGE
elif [ -n "${BENCH_SYNTHETIC:-}" ]; then
    IMAGE=$BENCH_CACHE/synthetic-$BENCH_SYNTHETIC.tar
    if [ ! -s "$IMAGE" ]; then
        log "building the synthetic '$BENCH_SYNTHETIC' image into $IMAGE"
        mkdir -p "$BENCH_CACHE"
        python3 "$HERE/make-synthetic.py" "$BENCH_SYNTHETIC" "$IMAGE.partial"
        mv "$IMAGE.partial" "$IMAGE"
    fi
else
    bash "$REPO/fixtures/realistic/build.sh" "$BENCH_CACHE"
    IMAGE=$BENCH_CACHE/realistic.tar
fi
[ -s "$IMAGE" ] || fail "image tarball missing or empty: $IMAGE"
IMAGE=$(cd "$(dirname "$IMAGE")" && pwd)/$(basename "$IMAGE")
