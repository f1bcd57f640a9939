#!/usr/bin/env bash
# The test command of README.md: installs what the tests need, builds once, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup.sh
swift build --build-tests
swift test --skip-build
