#!/bin/bash
# Builds a docker save tarball holding one Go binary of about 40 MB (a program embedding
# 38 MiB of random bytes, built by Debian's Go, offline), for the SBOM's memory target on
# large binaries: the binary streams past the Go and Rust scanners, never held.
#
#   bench/sbom-go-binary-image.sh OUT.tar
#   BENCH_IMAGE=OUT.tar bench/compare-syft.sh
set -euo pipefail

OUT=${1:?usage: sbom-go-binary-image.sh OUT.tar}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v go >/dev/null || { echo "needs Debian's golang-go (.ci/setup.sh installs it)" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

mkdir -p "$WORK/src" "$WORK/layer/usr/local/bin"
head -c $((38 << 20)) /dev/urandom > "$WORK/src/payload.bin"
cat > "$WORK/src/go.mod" <<'EOF'
module example.com/big

go 1.18
EOF
cat > "$WORK/src/main.go" <<'EOF'
package main

import (
	_ "embed"
	"fmt"
)

//go:embed payload.bin
var payload []byte

func main() { fmt.Println(len(payload)) }
EOF
(cd "$WORK/src" && GOPATH="$WORK/gopath" GOCACHE="$WORK/gocache" GOPROXY=off GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=local \
    go build -o "$WORK/layer/usr/local/bin/big" .)
python3 "$HERE/../fixtures/make-fixtures.py" -q image --layout docker-classic --layer "$WORK/layer" --tag bench/go-binary:1 --out "$OUT" >/dev/null
ls -l "$WORK/layer/usr/local/bin/big" "$OUT" >&2
