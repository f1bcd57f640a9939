#!/usr/bin/env bash
# Installs what building and testing ecr-publish needs on Debian 12, when missing.
# Idempotent: a machine that has everything is left alone.
set -euo pipefail

packages=(
  libcurl4-openssl-dev libssl-dev libdeflate-dev libisal-dev libzstd-dev libsodium-dev libsqlite3-dev  # build
  skopeo docker-registry apache2-utils git openssl gzip zstd              # test verifiers and servers
  debootstrap time openssh-server openssh-client                         # realistic test image, bench, ssh git remote
  golang-go                                                              # Go's archive/tar and its test archives: the tar corpus reference
  groovy                                                                 # the Jenkins shared-library step compiled and run against stubs
  rpm db5.3-util                                                         # rpmbuild, rpm --dbpath, db_load: the rpmdb references of the SBOM tests
  gcc binutils                                                           # cc, objcopy, readelf: the cargo-auditable binaries of the SBOM tests
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Python packages the tests use as independent verifiers, when missing: signing (PyNaCl,
# securesystemslib), the push record's schema (jsonschema), and the SBOM validators of
# TESTBED.md (pyspdxtools, ntia-checker, CycloneDX's JSON schema validator), check-jsonschema.
# pyte: a VT100 emulator that reads what the live progress drew on a terminal.
pip_missing=()
for entry in nacl:pynacl securesystemslib:securesystemslib jsonschema:jsonschema pyte:pyte; do
  python3 -c "import ${entry%%:*}" 2>/dev/null || pip_missing+=("${entry#*:}")
done
command -v pyspdxtools >/dev/null 2>&1 || pip_missing+=(spdx-tools)
command -v ntia-checker >/dev/null 2>&1 || pip_missing+=(ntia-conformance-checker)
python3 -c 'import cyclonedx.validation.json, jsonschema' >/dev/null 2>&1 || pip_missing+=('cyclonedx-python-lib[json-validation]')
# GitHub's action and workflow schemas (built in: works offline) and the config file's schema.
command -v check-jsonschema >/dev/null 2>&1 || pip_missing+=(check-jsonschema)
if ((${#pip_missing[@]})); then
  echo "installing from PyPI: ${pip_missing[*]}" >&2
  PYTHONNOUSERSITE=1 python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "${pip_missing[@]}" >&2
  command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
fi
