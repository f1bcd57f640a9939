#!/usr/bin/env bash
# The action's publish step: the settings arrive as ECR_PUBLISH_* variables (empty = unset);
# the tool itself writes the step's outputs, summary and annotations.
set -euo pipefail
args=()
if [[ -n "${ACTION_ARGS:-}" ]]; then
  while IFS= read -r line; do [[ -n "$line" ]] && args+=("$line"); done <<< "$ACTION_ARGS"
fi
# The blob-info cache, when this version of publish has one.
if [[ -z "${ECR_PUBLISH_CACHE_DIR:-}" ]] && "$ACTION_BIN" publish --help 2>/dev/null | grep -q -- '--cache-dir'; then
  export ECR_PUBLISH_CACHE_DIR="$ACTION_CACHE_DIR"
fi
# Artifacts (SBOM, record, layout) go to the runner's temporary directory unless a flag,
# input or the config file says where.
if ! "$ACTION_BIN" config show --json ${args[@]+"${args[@]}"} 2>/dev/null | grep -q '"publish.output"'; then
  export ECR_PUBLISH_OUTPUT="$ACTION_OUTPUT"
fi
exec "$ACTION_BIN" publish "$ACTION_IMAGE" ${args[@]+"${args[@]}"}
