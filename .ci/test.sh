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
# Every server the tests start carries this mark in its environment (TestSupport passes it
# on), so the check below finds this run's servers and nobody else's.
export ECR_PUBLISH_TEST_RUN="run-$$-$RANDOM$RANDOM"
set +e
swift test --skip-build 2>&1 | tee "$work/test.log"
status=${PIPESTATUS[0]}
set -e

# No server of this run may outlive it (moto_server, docker-registry, sshd, Tests/Servers).
leftover_servers() {
  local environ pid command
  for environ in /proc/[0-9]*/environ; do
    pid=${environ#/proc/}; pid=${pid%/environ}
    { tr '\0' '\n' < "$environ" | grep -qxF "ECR_PUBLISH_TEST_RUN=$ECR_PUBLISH_TEST_RUN"; } 2>/dev/null || continue
    command=$({ tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null) || continue
    [[ $command =~ moto_server|docker-registry|sshd|lifeline\.py|Tests/Servers/ ]] && echo "$pid $command"
  done
  return 0
}
for _ in 1 2 3 4 5 6 7 8 9 10; do
  [[ -z $(leftover_servers) ]] && break
  sleep 0.5
done
left=$(leftover_servers)
if [[ -n $left ]]; then
  echo "error: servers started by the tests are still running after them:" >&2
  echo "$left" >&2
  # Ours alone (they carry this run's mark): stop them by process id.
  while read -r pid _; do kill -KILL "$pid" 2>/dev/null || true; done <<< "$left"
  exit 1
fi
[[ $status -eq 0 ]] || exit "$status"
if [[ -s "$ECR_PUBLISH_SECRET_LEDGER" ]] && grep -qF -f "$ECR_PUBLISH_SECRET_LEDGER" "$work/test.log"; then
  echo "error: a secret created by the tests appears in the test output" >&2
  exit 1
fi
# The plain closing line (Swift Testing's summary is the line above it).
passed=$(grep -oE "Test run with [0-9]+ tests" "$work/test.log" | tail -1 | grep -oE "[0-9]+" || true)
echo "tests: ${passed:-0} passed, 0 failed"
