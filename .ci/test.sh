#!/usr/bin/env bash
# The test command of README.md: installs what the tests need, builds once, runs every test,
# then checks that no secret the tests handed out appears anywhere in what they printed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup.sh
swift build --build-tests

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ECR_PUBLISH_SECRET_LEDGER="$work/secrets"
: > "$ECR_PUBLISH_SECRET_LEDGER"
swift test --skip-build 2>&1 | tee "$work/test.log"
if [[ -s "$ECR_PUBLISH_SECRET_LEDGER" ]] && grep -qF -f "$ECR_PUBLISH_SECRET_LEDGER" "$work/test.log"; then
  echo "error: a secret created by the tests appears in the test output" >&2
  exit 1
fi
# The plain closing line (Swift Testing's summary is the line above it).
passed=$(grep -oE "Test run with [0-9]+ tests" "$work/test.log" | tail -1 | grep -oE "[0-9]+" || true)
echo "tests: ${passed:-0} passed, 0 failed"
