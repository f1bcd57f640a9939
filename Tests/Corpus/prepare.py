#!/usr/bin/env python3
"""Lays out the tar corpus for TarCorpusTests and asks Go's archive/tar about each file.

Usage: prepare.py OUTDIR

- Go's own test archives: GOROOT/src/archive/tar/testdata (Debian's golang-go ships them
  with the toolchain; BSD licence), the .bz2 one decompressed.
- libarchive's tar test archives: Tests/Corpus/libarchive/*.uu (BSD licence, COPYING beside
  them), uudecoded and, for .Z/.gz/.bz2/.zst, decompressed with gzip/bzip2/zstd.
- OUTDIR/tars/NAME.tar for each, OUTDIR/images/NAME.tar: a docker save image whose only
  layer is that tar (config diff_id = the tar's SHA-256), OUTDIR/verdicts.json: what
  goverdict (Go's archive/tar) says of each tar.
"""

import binascii
import bz2
import gzip
import importlib.util
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "make_fixtures", os.path.join(HERE, "..", "..", "fixtures", "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)
mf.VERBOSE = False


def uudecode(path):
    data = bytearray()
    with open(path, "rb") as f:
        lines = f.read().splitlines()
    started = False
    for line in lines:
        if not started:
            started = line.startswith(b"begin ")
            continue
        if line.strip() in (b"end", b"`", b""):
            continue
        data += binascii.a2b_uu(line)
    return bytes(data)


def decompress(name, data):
    if name.endswith(".bz2"):
        return name[:-4], bz2.decompress(data)
    if name.endswith(".gz"):
        return name[:-3], gzip.decompress(data)
    for suffix, tool in ((".Z", ["gzip", "-dc"]), (".zst", ["zstd", "-dc"])):
        if name.endswith(suffix):
            return name[:-len(suffix)], subprocess.run(tool, input=data, capture_output=True, check=True).stdout
    return name, data


def main(outdir):
    tars = os.path.join(outdir, "tars")
    images = os.path.join(outdir, "images")
    os.makedirs(tars, exist_ok=True)
    os.makedirs(images, exist_ok=True)
    sources = []
    goroot = subprocess.run(["go", "env", "GOROOT"], capture_output=True, text=True, check=True).stdout.strip()
    testdata = os.path.join(goroot, "src", "archive", "tar", "testdata")
    for name in sorted(os.listdir(testdata)):
        if ".tar" in name and not name.endswith(".base64"):
            with open(os.path.join(testdata, name), "rb") as f:
                sources.append(("go-" + name, f.read()))
    libarchive = os.path.join(HERE, "libarchive")
    for name in sorted(os.listdir(libarchive)):
        if name.endswith(".uu"):
            sources.append(("libarchive-" + name[:-3], uudecode(os.path.join(libarchive, name))))
    files = []
    for name, data in sources:
        name, data = decompress(name, data)
        path = os.path.join(tars, name)
        with open(path, "wb") as f:
            f.write(data)
        layer = mf.Layer(data=data)
        entries, _ = mf.docker_classic_entries([mf.Image("corpus:1.0", [layer])])
        mf.write_archive(entries, os.path.join(images, name))
        files.append(path)
    program = os.path.join(HERE, "goverdict", "main.go")
    env = dict(os.environ, GO111MODULE="off", GOFLAGS="")
    env.setdefault("GOCACHE", os.path.join(outdir, "gocache"))
    result = subprocess.run(["go", "run", program] + files, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit("goverdict failed: " + result.stderr)
    verdicts = [json.loads(line) for line in result.stdout.splitlines()]
    for verdict in verdicts:
        verdict["file"] = os.path.basename(verdict["file"])
    with open(os.path.join(outdir, "verdicts.json"), "w") as f:
        json.dump(verdicts, f, indent=1)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
