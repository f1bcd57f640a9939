#!/usr/bin/env python3
"""Independent implementations for the signing tests: cosign's key format and DSSE, written
with Python `cryptography`, PyNaCl (libsodium's scrypt and secretbox, not OpenSSL's) and
securesystemslib, none of which ecr-publish uses.

  make-cosign-key KEY PUB            passphrase from COSIGN_PASSWORD
  open-cosign-key KEY                prints the PKCS#8 DER's public key as PEM
  verify-dsse ENVELOPE PUB           exit 0 when securesystemslib verifies the envelope
  sign-ecdsa KEY_PEM MESSAGE SIG     DER ECDSA-SHA256 of MESSAGE with a PKCS#8 PEM key
  cosign-sign KEY_PEM IDENTITY DIGEST OUTDIR
                                     a cosign signature (payload.json, signature.b64) and a DSSE
                                     attestation (envelope.json) of an SPDX statement, written
                                     from cosign's formats as documented, not with our code
"""

import base64
import hashlib
import json
import os
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
import nacl.bindings
import nacl.secret
import nacl.utils


def scrypt(passphrase, salt, n, r, p):
    return nacl.bindings.crypto_pwhash_scryptsalsa208sha256_ll(passphrase, salt, n, r, p, dklen=32, maxmem=256 << 20)


def pem(label, data):
    body = base64.b64encode(data).decode()
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def unpem(text):
    lines = text.strip().splitlines()
    return lines[0][11:-5], base64.b64decode("".join(lines[1:-1]))


def make_cosign_key(key_path, pub_path, n="32768"):
    # N: 32768 as cosign writes; 65536 and 131072 are the other sets go-securesystemslib writes.
    n = int(n)
    passphrase = os.environ["COSIGN_PASSWORD"].encode()
    key = ec.generate_private_key(ec.SECP256R1())
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    salt, nonce = nacl.utils.random(32), nacl.utils.random(24)
    box = nacl.secret.SecretBox(scrypt(passphrase, salt, n, 8, 1)).encrypt(der, nonce).ciphertext
    envelope = {"kdf": {"name": "scrypt", "params": {"N": n, "r": 8, "p": 1}, "salt": base64.b64encode(salt).decode()},
                "cipher": {"name": "nacl/secretbox", "nonce": base64.b64encode(nonce).decode()},
                "ciphertext": base64.b64encode(box).decode()}
    with open(key_path, "w") as f:
        f.write(pem("ENCRYPTED SIGSTORE PRIVATE KEY", json.dumps(envelope, separators=(",", ":")).encode()))
    with open(pub_path, "wb") as f:
        f.write(key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))


def open_cosign_key(key_path):
    label, data = unpem(open(key_path).read())
    assert label == "ENCRYPTED SIGSTORE PRIVATE KEY", label
    envelope = json.loads(data)
    params = envelope["kdf"]["params"]
    key = scrypt(os.environ["COSIGN_PASSWORD"].encode(), base64.b64decode(envelope["kdf"]["salt"]), params["N"], params["r"], params["p"])
    der = nacl.secret.SecretBox(key).decrypt(base64.b64decode(envelope["ciphertext"]), base64.b64decode(envelope["cipher"]["nonce"]))
    private = serialization.load_der_private_key(der, password=None)
    sys.stdout.write(private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode())


def verify_dsse(envelope_path, pub_path):
    from securesystemslib.dsse import Envelope
    from securesystemslib.signer import SSlibKey
    envelope = Envelope.from_dict(json.load(open(envelope_path)))
    key = SSlibKey(keyid="", keytype="ecdsa", scheme="ecdsa-sha2-nistp256", keyval={"public": open(pub_path).read()})
    envelope.verify([key], 1)


def sign_ecdsa(key_path, message_path, sig_path):
    key = serialization.load_pem_private_key(open(key_path, "rb").read(), password=None)
    with open(sig_path, "wb") as f:
        f.write(key.sign(open(message_path, "rb").read(), ec.ECDSA(hashes.SHA256())))


def cosign_sign(key_path, identity, digest, outdir):
    key = serialization.load_pem_private_key(open(key_path, "rb").read(), password=None)
    payload = json.dumps({"critical": {"identity": {"docker-reference": identity},
                                       "image": {"docker-manifest-digest": digest},
                                       "type": "cosign container image signature"},
                          "optional": None}, separators=(",", ":")).encode()
    signature = key.sign(payload, ec.ECDSA(hashes.SHA256()))
    open(os.path.join(outdir, "payload.json"), "wb").write(payload)
    open(os.path.join(outdir, "signature.b64"), "w").write(base64.b64encode(signature).decode())
    algorithm, hexdigest = digest.split(":")
    statement = json.dumps({"_type": "https://in-toto.io/Statement/v1",
                            "subject": [{"name": identity, "digest": {algorithm: hexdigest}}],
                            "predicateType": "https://spdx.dev/Document",
                            "predicate": {"spdxVersion": "SPDX-2.3", "name": "independent"}}).encode()
    payload_type = "application/vnd.in-toto+json"
    pae = b"DSSEv1 %d %s %d %s" % (len(payload_type), payload_type.encode(), len(statement), statement)
    envelope = {"payloadType": payload_type, "payload": base64.b64encode(statement).decode(),
                "signatures": [{"keyid": "", "sig": base64.b64encode(key.sign(pae, ec.ECDSA(hashes.SHA256()))).decode()}]}
    open(os.path.join(outdir, "envelope.json"), "w").write(json.dumps(envelope))


def cosign_layout(key_path, identity, digest, outdir):
    """cosign-sign, then cosign's .sig and .att images of those payloads written as an OCI
    layout (tags `sig` and `att`) from the formats alone, for a registry via skopeo."""
    cosign_sign(key_path, identity, digest, outdir)
    layout = os.path.join(outdir, "layout")
    os.makedirs(os.path.join(layout, "blobs", "sha256"), exist_ok=True)

    def blob(data):
        name = hashlib.sha256(data).hexdigest()
        open(os.path.join(layout, "blobs", "sha256", name), "wb").write(data)
        return {"digest": "sha256:" + name, "size": len(data)}

    def image(payload, media_type, annotations):
        layer = dict(blob(payload), mediaType=media_type, annotations=annotations)
        config = {"architecture": "", "config": {}, "created": "0001-01-01T00:00:00Z",
                  "history": [{"created": "0001-01-01T00:00:00Z"}], "os": "",
                  "rootfs": {"type": "layers", "diff_ids": [layer["digest"]]}}
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": dict(blob(json.dumps(config, separators=(",", ":")).encode()),
                                   mediaType="application/vnd.oci.image.config.v1+json"),
                    "layers": [layer]}
        return dict(blob(json.dumps(manifest, separators=(",", ":")).encode()),
                    mediaType="application/vnd.oci.image.manifest.v1+json")

    payload = open(os.path.join(outdir, "payload.json"), "rb").read()
    signature = open(os.path.join(outdir, "signature.b64")).read()
    envelope = open(os.path.join(outdir, "envelope.json"), "rb").read()
    sig = image(payload, "application/vnd.dev.cosign.simplesigning.v1+json", {"dev.cosignproject.cosign/signature": signature})
    att = image(envelope, "application/vnd.dsse.envelope.v1+json",
                {"dev.cosignproject.cosign/signature": "", "predicateType": "https://spdx.dev/Document"})
    sig["annotations"] = {"org.opencontainers.image.ref.name": "sig"}
    att["annotations"] = {"org.opencontainers.image.ref.name": "att"}
    json.dump({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [sig, att]},
              open(os.path.join(layout, "index.json"), "w"))
    open(os.path.join(layout, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')


if __name__ == "__main__":
    commands = {"make-cosign-key": make_cosign_key, "open-cosign-key": open_cosign_key,
                "verify-dsse": verify_dsse, "sign-ecdsa": sign_ecdsa, "cosign-sign": cosign_sign,
                "cosign-layout": cosign_layout}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](*sys.argv[2:])
