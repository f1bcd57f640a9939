#!/usr/bin/env python3
"""Alters the first payload of a cosign artifact in an OCI layout, for verification tests.

tamper_layout.py LAYOUT TAG in-place   change the payload's bytes, leave every digest as it was
tamper_layout.py LAYOUT TAG rehash     change them and re-hash the payload, the config, the
                                       manifest and index.json, so only the signature is wrong
tamper_layout.py LAYOUT TAG symlink    replace the payload's file by a symlink to a copy
"""
import hashlib
import json
import os
import sys


def blob_path(layout, digest):
    return os.path.join(layout, "blobs", "sha256", digest.split(":", 1)[1])


def store(layout, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(blob_path(layout, digest), "wb") as f:
        f.write(data)
    return digest


def main(layout, tag, mode):
    index_path = os.path.join(layout, "index.json")
    index = json.load(open(index_path))
    entry = next(m for m in index["manifests"] if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag)
    manifest = json.load(open(blob_path(layout, entry["digest"]), "rb"))
    layer = manifest["layers"][0]
    payload = open(blob_path(layout, layer["digest"]), "rb").read()
    if mode == "symlink":
        outside = os.path.join(os.path.dirname(os.path.abspath(layout)), "payload-outside")
        with open(outside, "wb") as f:
            f.write(payload)
        os.remove(blob_path(layout, layer["digest"]))
        os.symlink(outside, blob_path(layout, layer["digest"]))
        return
    # Idempotent: a payload altered in place before is re-hashed as it is.
    altered = payload.replace(b"cosign container image signature", b"cosign container image signaturE")
    assert b"signaturE" in altered
    if mode == "in-place":
        with open(blob_path(layout, layer["digest"]), "wb") as f:
            f.write(altered)
        return
    old = layer["digest"]
    layer["digest"] = store(layout, altered)
    layer["size"] = len(altered)
    config = json.load(open(blob_path(layout, manifest["config"]["digest"]), "rb"))
    config["rootfs"]["diff_ids"] = [layer["digest"] if d == old else d for d in config["rootfs"]["diff_ids"]]
    config_bytes = json.dumps(config, separators=(",", ":")).encode()
    manifest["config"]["digest"] = store(layout, config_bytes)
    manifest["config"]["size"] = len(config_bytes)
    manifest_bytes = json.dumps(manifest, separators=(",", ":")).encode()
    entry["digest"] = store(layout, manifest_bytes)
    entry["size"] = len(manifest_bytes)
    with open(index_path, "w") as f:
        json.dump(index, f)


if __name__ == "__main__":
    main(*sys.argv[1:4])
