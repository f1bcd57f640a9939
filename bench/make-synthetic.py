#!/usr/bin/env python3
"""Synthetic docker save tarballs for the per-file cost benchmark (bench/README.md).

Usage: make-synthetic.py KIND OUT.tar [--seed N] [--layout docker-classic|docker-oci]

KIND:
  small-files   one layer of 100,000 files of 64-512 bytes (about 103 MB of tar: 1 KiB a file): what a
                node_modules or site-packages layer looks like to the reader
  mixed-2g      about 2 GB in four layers: 200,000 small files, a layer of big files
                (64-256 MiB, every other one text, the rest random), and a layer of both
  big-file      one layer of two files of SIZE_GIB/2 GiB each (env, default 9): text, random

Contents come from a fixed seed (every run builds the same bytes): slices of real source
text (the Python standard library's) where files compress, random bytes where they do not
(the compressed insides of jars, zips and images). Layers stream to temporary files: memory stays small
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

def text_corpus(limit=32 << 20):
    """Real text to draw file contents from: the Python standard library's sources, in a fixed
    order (every machine with this Python gives the same bytes)."""
    root = os.path.dirname(os.__file__)
    out = bytearray()
    for directory, subdirs, files in os.walk(root):
        subdirs.sort()
        for name in sorted(files):
            if name.endswith(".py"):
                with open(os.path.join(directory, name), "rb") as f:
                    out += f.read()
            if len(out) >= limit:
                return bytes(out)
    return bytes(out)


class Content:
    """Deterministic file contents: slices of real source text (compresses like code), or
    random bytes (like the compressed insides of jars, zips and images)."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.corpus = text_corpus()

    def text(self, size):
        out = bytearray()
        while len(out) < size:
            start = self.rng.randrange(len(self.corpus))
            out += self.corpus[start:start + size - len(out)]
        return bytes(out)

    def random(self, size):
        return self.rng.randbytes(size)


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
        data = content.text(size) if i % 8 else content.random(size)
        w.add(f"{prefix}/pkg{i // 500:04d}/lib/file{i:06d}.js", data)


def big_file_chunks(content, size, compressible):
    left = size
    while left > 0:
        step = min(left, 1 << 20)
        yield content.text(step) if compressible else content.random(step)
        left -= step


def build(kind, out, seed, layout="docker-classic"):
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
                w.add_stream(f"opt/data/blob{i:02d}.bin", mib << 20, big_file_chunks(content, mib << 20, i % 2 == 0))
            layers.append(w.finish())
            w = LayerWriter(tmp)
            small_files(w, content, 20_000, "usr/lib/python3/site-packages")
            w.add_stream("usr/lib/libbig.so", 48 << 20, big_file_chunks(content, 48 << 20, True))
            layers.append(w.finish())
        elif kind == "big-file":
            size = int(float(os.environ.get("SIZE_GIB", "9")) * (1 << 30))
            w = LayerWriter(tmp)
            half = size // 2
            w.add_stream("data/huge.txt", half, big_file_chunks(content, half, True))
            w.add_stream("data/huge.bin", size - half, big_file_chunks(content, size - half, False))
            layers.append(w.finish())
        else:
            raise SystemExit(f"unknown kind {kind}")
        images = [mf.Image(f"bench/{kind}:1", layers)]
        # The classic `docker save` layout names layers by directory; Docker 25+ by digest.
        entries, _ = (mf.docker_oci_entries if layout == "docker-oci" else mf.docker_classic_entries)(images)
        mf.write_archive(entries, out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["small-files", "mixed-2g", "big-file"])
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--layout", choices=["docker-classic", "docker-oci"], default="docker-classic",
                        help="docker save's classic layout (default) or Docker 25+'s OCI layout")
    args = parser.parse_args()
    build(args.kind, args.out, args.seed, args.layout)


if __name__ == "__main__":
    main()
