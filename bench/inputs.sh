# Sourced by the bench scripts after common.sh: the binary and the image tarball they time.
# Needs REPO, HERE and BENCH_CACHE; sets BIN and IMAGE (an absolute path).
#   ECR_PUBLISH_BIN  use this binary instead of `swift build -c release --product ecr-publish`
#   BENCH_IMAGE      this image tarball; else BENCH_SYNTHETIC (make-synthetic.py, built once
#                    into BENCH_CACHE); else the realistic fixture (built once into BENCH_CACHE)

release_binary

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
