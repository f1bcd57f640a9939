#!/usr/bin/env bash
# Stands in for ecr-publish on the step's command line: appends its arguments (one JSON
# array per run) to $ARGV_LOG, then runs the real binary ($REAL_ECR_PUBLISH) with them.
set -euo pipefail
python3 -c 'import json, sys; open(sys.argv[1], "a").write(json.dumps(sys.argv[2:]) + "\n")' "$ARGV_LOG" "$@"
exec "$REAL_ECR_PUBLISH" "$@"
