#!/usr/bin/env bash
# The Debian/Ubuntu packages ecr-publish needs. With an existing binary: nothing, unless
# the dynamic linker misses one of its libraries. Without (it is about to be built): the
# headers to build it with. Only missing packages are installed, so a runner that has
# everything is left alone and needs no sudo.
#   install-libraries.sh BINARY
set -euo pipefail
binary=${1:-}
if [[ -x "$binary" ]] && ! ldd "$binary" 2>/dev/null | grep -q "not found"; then
  exit 0
fi
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "::warning title=ecr-publish::not a Debian/Ubuntu runner: install libcurl, OpenSSL, libdeflate, ISA-L, zstd and libsodium (with headers to build) yourself"
  exit 0
fi
packages=(libcurl4-openssl-dev libssl-dev libdeflate-dev libisal-dev libzstd-dev libsodium-dev)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
((${#missing[@]})) || exit 0
echo "installing ${missing[*]}"
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
