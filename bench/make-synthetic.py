#!/usr/bin/env python3
"""Synthetic docker save tarballs for the per-file cost benchmark (bench/README.md).

Usage: make-synthetic.py KIND OUT.tar [--seed N]

KIND:
  small-files   one layer of 100,000 files of 64-512 bytes (about 103 MB of tar: 1 KiB a file): what a
                node_modules or site-packages layer looks like to the reader
  mixed-2g      about 2 GB in four layers: 200,000 small files, a layer of big files
                (64-256 MiB, half compressible text, half random), and a layer of both
  big-file      one layer holding one file of SIZE_GIB GiB (env, default 9) of mixed data

Contents are pseudo-random from a fixed seed (so every run builds the same bytes) and
partly compressible, like real files. Layers stream to temporary files: memory stays small
whatever the size. Python 3.11 stdlib only; the tar helpers come from fixtures/make-fixtures.py.
"""

import argparse
import hashlib
import importlib.util
import os
import random
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "make_fixtures", os.path.join(HERE, "..", "fixtures", "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)
mf.VERBOSE = False

WORDS = [w.encode() for w in (
    "import export function return const let var class def self package module require "
    "license copyright version dependency build test main index node python usr lib share "
    "the of and to in is for on with as by at from this that").split()]


class Content:
    """Deterministic file contents: text made of words (compresses like code) or random bytes."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.noise = random.Random(seed + 1).randbytes(1 << 20)

    def text(self, size):
        out = bytearray()
        while len(out) < size:
            out += self.rng.choice(WORDS) + (b"\n" if self.rng.random() < 0.1 else b" ")
        return bytes(out[:size])

    def random(self, size):
        out = bytearray()
        start = self.rng.randrange(len(self.noise))
        while len(out) < size:
            chunk = self.noise[start:start + size - len(out)]
            out += chunk
            start = 0
        return bytes(out)


class LayerWriter:
    """Writes a layer tar to a temporary file, Go style, hashing as it goes."""

    def __init__(self, tmpdir):
        fd, self.path = tempfile.mkstemp(prefix="layer-", suffix=".tar", dir=tmpdir)
        self.f = os.fdopen(fd, "wb")
        self.dirs = set()

    def _dirs_of(self, name):
        parts = name.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in self.dirs:
                self.dirs.add(d)
                self.f.write(mf.header_bytes(mf.make_info(d + "/", "dir")))

    def add(self, name, data):
        self._dirs_of(name)
        self.f.write(mf.header_bytes(mf.make_info(name, size=len(data))))
        self.f.write(data)
        self.f.write(b"\0" * ((-len(data)) % tarfile.BLOCKSIZE))

    def add_stream(self, name, size, chunks):
        self._dirs_of(name)
        self.f.write(mf.header_bytes(mf.make_info(name, size=size)))
        written = 0
        for chunk in chunks:
            self.f.write(chunk)
            written += len(chunk)
        assert written == size
        self.f.write(b"\0" * ((-size) % tarfile.BLOCKSIZE))

    def finish(self):
        self.f.write(b"\0" * 1024)
        self.f.close()
        return mf.Layer(path=self.path)


def small_files(w, content, count, prefix):
    for i in range(count):
        size = content.rng.randrange(64, 513)
        data = content.text(size) if i % 4 else content.random(size)
        w.add(f"{prefix}/pkg{i // 500:04d}/lib/file{i:06d}.js", data)


def big_file_chunks(content, size):
    left = size
    n = 0
    while left > 0:
        step = min(left, 1 << 20)
        yield content.text(step) if n % 2 == 0 else content.random(step)
        left -= step
        n += 1


def build(kind, out, seed):
    content = Content(seed)
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(out))) as tmp:
        layers = []
        if kind == "small-files":
            w = LayerWriter(tmp)
            small_files(w, content, 100_000, "app/node_modules")
            layers.append(w.finish())
        elif kind == "mixed-2g":
            for part in range(2):
                w = LayerWriter(tmp)
                small_files(w, content, 100_000, f"srv/part{part}/node_modules")
                layers.append(w.finish())
            w = LayerWriter(tmp)
            for i, mib in enumerate((256, 192, 160, 128, 96, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64)):
                w.add_stream(f"opt/data/blob{i:02d}.bin", mib << 20, big_file_chunks(content, mib << 20))
            layers.append(w.finish())
            w = LayerWriter(tmp)
            small_files(w, content, 20_000, "usr/lib/python3/site-packages")
            w.add_stream("usr/lib/libbig.so", 48 << 20, big_file_chunks(content, 48 << 20))
            layers.append(w.finish())
        elif kind == "big-file":
            size = int(float(os.environ.get("SIZE_GIB", "9")) * (1 << 30))
            w = LayerWriter(tmp)
            w.add_stream("data/huge.bin", size, big_file_chunks(content, size))
            layers.append(w.finish())
        else:
            raise SystemExit(f"unknown kind {kind}")
        entries, _ = mf.docker_classic_entries([mf.Image(f"bench/{kind}:1", layers)])
        mf.write_archive(entries, out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["small-files", "mixed-2g", "big-file"])
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    build(args.kind, args.out, args.seed)


if __name__ == "__main__":
    main()
