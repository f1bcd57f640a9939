#!/usr/bin/env bash
# The action's first step: where its sources are, which binary to run, and the key the
# built binary is cached under (a hash of the sources: hashFiles() only sees the workspace,
# not the action's own directory). Writes step outputs to GITHUB_OUTPUT.
set -euo pipefail
root=$(cd "$ACTION_ROOT" && pwd)
cache_dir="$ACTION_TEMP/ecr-publish-cache"
# A prebuilt binary: the ecr-publish-path input, else ECR_PUBLISH_BIN of the runner's environment.
prebuilt_path=${ACTION_PREBUILT:-${ECR_PUBLISH_BIN:-}}
if [[ -n "$prebuilt_path" ]]; then
  bin=$(cd "$(dirname "$prebuilt_path")" && pwd)/$(basename "$prebuilt_path")
  [[ -x "$bin" ]] || { echo "::error title=ecr-publish::ecr-publish-path $prebuilt_path is not an executable file"; exit 1; }
  prebuilt=true
  source_hash=prebuilt
else
  bin="$ACTION_TEMP/ecr-publish-bin/ecr-publish"
  prebuilt=false
  source_hash=$(cd "$root" && { find Sources -type f -print0 | sort -z | xargs -0 sha256sum
                                  sha256sum Package.swift; [[ -f Package.resolved ]] && sha256sum Package.resolved || true
                                  swift --version 2>/dev/null || true; } | sha256sum | cut -c1-32)
fi
mkdir -p "$cache_dir"
{
  echo "root=$root"
  echo "bin=$bin"
  echo "bin-dir=$(dirname "$bin")"
  echo "prebuilt=$prebuilt"
  echo "source-hash=$source_hash"
  echo "cache-dir=$cache_dir"
} >> "$GITHUB_OUTPUT"
