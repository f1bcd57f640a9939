#!/bin/bash
# The whole release step (SBOM, push, tags, signature and SBOM attestation with a cosign key
# file, the push record in DynamoDB, S3 and SNS, GitOps commit) side by side with skopeo's
# bare push of the same tarball into the same registry:
# `skopeo copy docker-archive:IMAGE docker://REGISTRY/REPO:TAG`.
#
#   bench/compare-whole-step.sh                 # Debian 12, as root
#   PAIRS=5 bench/compare-whole-step.sh
#
# It starts its own world on 127.0.0.1, as the tests do: docker-registry with TLS and
# htpasswd (the password moto's ECR token carries), moto_server with signature checks (ECR
# for the token and the repository step; DynamoDB, S3 and SNS for the record, their table,
# bucket and topic made untimed), and a bare git repository holding a kustomization
# that names the image. Each run pushes into a fresh repository, so every blob is uploaded
# by both tools; the GitOps repository is made fresh before each of our runs (untimed).
#
# Environment:
#   PAIRS           timed (ours, skopeo) pairs (default 3)
#   BENCH_IMAGE     image tarball (default: the realistic fixture, built once into BENCH_CACHE)
#   BENCH_CACHE     default ${TMPDIR:-/tmp}/ecr-publish-bench-cache
#   ECR_PUBLISH_BIN use this binary instead of building with swift build -c release
#   STEP            whole (default: signing and the record too), unsigned (the record but no
#                   signing), bare (SBOM, push, tag, GitOps), or signing: no skopeo; each pair is
#                   our whole step against the same step unsigned, so the ratio is what signing
#                   and attesting add to a push
#   SIGN_KEY        the key for STEP=whole and signing instead of a fresh cosign key file: a PKCS#8
#                   PEM file, awskms:///…, or kms: an ECC_NIST_P256 key made in moto's KMS untimed
#                   (what scrypt, which opens a cosign key file, adds shows against these)
#   OURS_ARGS       more flags for our runs (e.g. "--no-sbom")
#   RTT_MS          put a round trip of this many milliseconds between the tools and the
#                   registry and moto (bench/latency-proxy.py, both directions), as between a
#                   runner and AWS; default none (loopback answers in well under 1 ms)
#   BENCH_REGISTRY_AUTH
#                   htpasswd (default) or none: the registry checks no password, so its bcrypt
#                   per request (a cost ECR's token check puts on AWS, not on the runner) is out
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/common.sh
source "$HERE/common.sh"
REPO=$(cd "$HERE/.." && pwd)
PAIRS=${PAIRS:-3}
BENCH_CACHE=${BENCH_CACHE:-${TMPDIR:-/tmp}/ecr-publish-bench-cache}
[[ "$PAIRS" =~ ^[1-9][0-9]*$ ]] || fail "PAIRS must be a positive integer, not '$PAIRS'"
STEP=${STEP:-whole}
[[ "$STEP" =~ ^(whole|unsigned|bare|signing)$ ]] || fail "STEP must be whole, unsigned, bare or signing, not '$STEP'"
[ "$(id -u)" = 0 ] || fail "run as root (skopeo runs as an unprivileged user with an empty blob-info cache)"
for tool in skopeo docker-registry moto_server htpasswd openssl git python3 runuser /usr/bin/time; do
    command -v "$tool" >/dev/null || fail "missing $tool (bash .ci/setup.sh installs the test tools)"
done

release_binary
if [ -n "${BENCH_IMAGE:-}" ]; then
    IMAGE=$BENCH_IMAGE
else
    bash "$REPO/fixtures/realistic/build.sh" "$BENCH_CACHE"
    IMAGE=$BENCH_CACHE/realistic.tar
fi
[ -s "$IMAGE" ] || fail "image tarball missing or empty: $IMAGE"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ecr-publish-whole-step.XXXXXX")
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# ---------------------------------------------------------------- the world
ACCOUNT=123456789012
PASSWORD=$ACCOUNT-auth-token       # what moto's GetAuthorizationToken carries for the account
start_registry "$WORK" AWS "$PASSWORD"
REG_PORT=$REGISTRY_PORT
PIDS+=("$REGISTRY_PID")
MOTO_PORT=$(free_port)
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY INITIAL_NO_AUTH_ACTION_COUNT=3 \
    moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$WORK/moto.log" 2>&1 &
PIDS+=($!)
wait_port "$MOTO_PORT" || { cat "$WORK/moto.log" >&2; fail "moto_server did not start"; }
keys=$(python3 "$REPO/Tests/Servers/moto_bootstrap.py" --endpoint "http://127.0.0.1:$MOTO_PORT")
export AWS_ACCESS_KEY_ID=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["AccessKeyId"])' <<<"$keys")
export AWS_SECRET_ACCESS_KEY=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["SecretAccessKey"])' <<<"$keys")
# With RTT_MS, every tool reaches the registry and moto through a delaying proxy.
if [ -n "${RTT_MS:-}" ]; then
    [[ "$RTT_MS" =~ ^[0-9]+$ ]] || fail "RTT_MS must be a whole number of milliseconds, not '$RTT_MS'"
    for target in REG_PORT MOTO_PORT; do
        port=$(free_port)
        python3 "$HERE/latency-proxy.py" "$port" "${!target}" "$RTT_MS" >"$WORK/proxy-$target.log" 2>&1 &
        PIDS+=($!)
        wait_port "$port" || { cat "$WORK/proxy-$target.log" >&2; fail "the latency proxy did not start"; }
        printf -v "$target" '%s' "$port"
    done
fi
export AWS_ENDPOINT_URL=http://127.0.0.1:$MOTO_PORT AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export HOME=$WORK/home AWS_CONFIG_FILE=$WORK/home/config AWS_SHARED_CREDENTIALS_FILE=$WORK/home/credentials
mkdir -p "$HOME"
ECR_HOST=$ACCOUNT.dkr.ecr.us-east-1.amazonaws.com

# The whole step: a cosign key file (scrypt-encrypted, as `cosign generate-key-pair` writes it)
# and the record's default sinks, made in moto untimed.
STEP_ARGS=()
if [[ "$STEP" != bare ]]; then
    export COSIGN_PASSWORD=bench-passphrase
    "$BIN" generate-key-pair --output-prefix "$WORK/cosign" >/dev/null 2>&1 || fail "generate-key-pair failed"
    python3 - "$ACCOUNT" <<'PY' || fail "could not make the record's table, bucket and topic in moto"
import os, sys, boto3
account = sys.argv[1]
aws = boto3.session.Session(region_name=os.environ["AWS_REGION"])
client = lambda name: aws.client(name, endpoint_url=os.environ["AWS_ENDPOINT_URL"])
client("dynamodb").create_table(
    TableName="ECRImageLogs", BillingMode="PAY_PER_REQUEST",
    AttributeDefinitions=[{"AttributeName": "ImageTag", "AttributeType": "S"}],
    KeySchema=[{"AttributeName": "ImageTag", "KeyType": "HASH"}])
client("s3").create_bucket(Bucket=f"ecr-image-metadata-{account}")
client("sns").create_topic(Name="ECRImagePushTopic")
PY
    if [[ "${SIGN_KEY:-}" == kms ]]; then
        python3 - <<'PY' || fail "could not make the KMS signing key in moto"
import os, boto3
kms = boto3.session.Session(region_name=os.environ["AWS_REGION"]).client("kms", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
kms.create_alias(AliasName="alias/bench-signing", TargetKeyId=key)
PY
        SIGN_KEY=awskms:///alias/bench-signing
    fi
    STEP_ARGS=(--record)
    SIGN_ARGS=(--sign-key "${SIGN_KEY:-$WORK/cosign.key}")
    [[ "$STEP" == whole ]] && STEP_ARGS+=("${SIGN_ARGS[@]}")
fi

# A fresh deployment repository naming bench/ours-N.
gitops_repo() {
    local n=$1 seed=$WORK/seed-$n
    rm -rf "$WORK/deploy.git" "$seed"
    git init -q -b main "$seed"
    printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [deployment.yaml]\nimages:\n  - name: %s/bench/ours-%s\n    newTag: old\n' \
        "$ECR_HOST" "$n" > "$seed/kustomization.yaml"
    git -C "$seed" add -A && git -C "$seed" -c user.name=bench -c user.email=bench@example.org commit -qm seed
    git clone -q --bare "$seed" "$WORK/deploy.git"
}

# One timed run of our step into bench/ours-N; more flags after N.
run_ours() {
    local n=$1
    shift
    gitops_repo "$n"
    rm -rf "$WORK/out" "$WORK/blob-cache"
    # A first push, as skopeo's: an empty blob-info cache, so no layer is reused or mounted from
    # the previous pair's repository (skopeo's own cache is kept empty the same way).
    # shellcheck disable=SC2086
    local reg0; reg0=$(registry_cpu)
    /usr/bin/time -f '%e %M %U %S' -o "$WORK/time" "$BIN" publish "$IMAGE" --repository "bench/ours-$n" --create-repository \
        --cache-dir "$WORK/blob-cache" --registry-endpoint "https://127.0.0.1:$REG_PORT" --ca-file "$WORK/ca-bundle.pem" --tag "run-$n" --output "$WORK/out" \
        --gitops-repo "$WORK/deploy.git" --gitops-file kustomization.yaml "${STEP_ARGS[@]}" "$@" ${OURS_ARGS:-} >/dev/null 2>"$WORK/err" \
        || { cat "$WORK/err" >&2; fail "ecr-publish failed"; }
    git --git-dir "$WORK/deploy.git" show main:kustomization.yaml | grep -q 'digest: sha256:' || fail "the GitOps commit is missing"
    [[ " ${OURS_ARGS:-} " == *" --no-sbom "* ]] || [ -s "$WORK/out/sbom.spdx.json" ] || fail "the SBOM is missing"
    if [[ "$STEP" == whole || " $* " == *" --sign-key "* ]]; then
        grep -q '"signature-digest"' "$WORK/out/record.json" 2>/dev/null || fail "the record (with the signature) is missing from $WORK/out"
    fi
    timed "$reg0"
}

# The registry's CPU seconds so far (it shares the machine's cores with the tools).
TICKS=$(getconf CLK_TCK)
registry_cpu() { awk -v t="$TICKS" '{ printf "%.3f\n", ($14 + $15) / t }' "/proc/$REGISTRY_PID/stat"; }
# The last run's "wall rss cpu registry-cpu": its time file, and the registry's CPU since $1.
timed() {
    local reg1; reg1=$(registry_cpu)
    awk -v r0="$1" -v r1="$reg1" '{ printf "%s %s %.2f %.2f\n", $1, $2, $3 + $4, r1 - r0 }' "$WORK/time"
}

# skopeo remembers, in its blob-info cache, which compressed blob each layer became and where
# it went, and then mounts it from the earlier repository instead of compressing and
# uploading it again. Run as root, that cache is the machine's (/var/lib/containers/cache);
# so skopeo runs as an unprivileged user with an empty cache of its own each time (the
# image, certificate and time file readable to it), and does the whole push.
SKOPEO_USER=${SKOPEO_USER:-nobody}
chmod 755 "$WORK" "$WORK/certs.d"; chmod 644 "$WORK/certs.d/ca.crt"
run_skopeo() {
    local n=$1 home=$WORK/skopeo-home-$1
    mkdir -p "$home" && chown "$SKOPEO_USER" "$home"
    : > "$WORK/time" && chmod 666 "$WORK/time"
    local reg0; reg0=$(registry_cpu)
    runuser -u "$SKOPEO_USER" -- env HOME="$home" XDG_DATA_HOME="$home/data" XDG_RUNTIME_DIR="$home" \
        /usr/bin/time -f '%e %M %U %S' -o "$WORK/time" skopeo copy -q --dest-creds "AWS:$PASSWORD" --dest-cert-dir "$WORK/certs.d" \
        "docker-archive:$IMAGE" "docker://127.0.0.1:$REG_PORT/bench/skopeo-$n:run-$n" >/dev/null 2>"$WORK/err" \
        || { cat "$WORK/err" >&2; fail "skopeo failed"; }
    timed "$reg0"
}


log "image $IMAGE ($(du -h "$IMAGE" | cut -f1)); warming the page cache with one untimed run of each"
# The other side of each pair: skopeo's bare push, or (STEP=signing) our step unsigned.
run_other() {
    if [[ "$STEP" == signing ]]; then run_ours "$((1000 + $1))"; else run_skopeo "$1"; fi
}
OTHER=skopeo SIGNED=()
[[ "$STEP" == signing ]] && OTHER=unsigned SIGNED=("${SIGN_ARGS[@]}")
run_ours 0 "${SIGNED[@]}" >/dev/null
run_other 0 >/dev/null
: > "$WORK/w.ours"; : > "$WORK/w.sko"; : > "$WORK/c.ours"; : > "$WORK/c.sko"; : > "$WORK/g.ours"; : > "$WORK/g.sko"; : > "$WORK/ratio"; rss_o=0; rss_s=0
for pair in $(seq "$PAIRS"); do
    if (( pair % 2 )); then o=$(run_ours "$pair" "${SIGNED[@]}"); s=$(run_other "$pair"); else s=$(run_other "$pair"); o=$(run_ours "$pair" "${SIGNED[@]}"); fi
    read -r wo ro co go <<<"$o"; read -r ws rs cs gs <<<"$s"
    echo "$wo" >> "$WORK/w.ours"; echo "$ws" >> "$WORK/w.sko"
    echo "$co" >> "$WORK/c.ours"; echo "$cs" >> "$WORK/c.sko"; echo "$go" >> "$WORK/g.ours"; echo "$gs" >> "$WORK/g.sko"
    awk -v o="$wo" -v s="$ws" 'BEGIN { printf "%.4f\n", (s > 0 ? o / s : 999) }' >> "$WORK/ratio"
    (( ro > rss_o )) && rss_o=$ro; (( rs > rss_s )) && rss_s=$rs
    log "pair $pair: ours ${wo}s (${ro} KiB, CPU ${co}s, registry ${go}s), $OTHER ${ws}s (${rs} KiB, CPU ${cs}s, registry ${gs}s)"
done
printf '%-10s %9s %9s %6s %10s %10s %8s %8s %8s %8s\n' step ours-s "${OTHER:0:7}-s" ratio rss-ours "rss-${OTHER:0:3}" \
    cpu-ours "cpu-${OTHER:0:3}" reg-ours "reg-${OTHER:0:3}"
printf '%-10s %9s %9s %6s %7s MiB %6s MiB %8s %8s %8s %8s\n' "$STEP" "$(median < "$WORK/w.ours")" "$(median < "$WORK/w.sko")" "$(median < "$WORK/ratio")" \
    $((rss_o / 1024)) $((rss_s / 1024)) "$(median < "$WORK/c.ours")" "$(median < "$WORK/c.sko")" "$(median < "$WORK/g.ours")" "$(median < "$WORK/g.sko")"
echo "cpu-*: the tool's CPU seconds (user + system); reg-*: the registry's CPU seconds during the run, on the same cores (ECR's are not the runner's)."
what="SBOM + push + tag + GitOps commit"
[[ "$STEP" == whole ]] && what="SBOM + push + tag + signature and attestation (${SIGN_KEY:-a cosign key file}) + record (DynamoDB, S3, SNS) + GitOps commit"
[[ "$STEP" == unsigned ]] && what="SBOM + push + tag + record (DynamoDB, S3, SNS) + GitOps commit"
if [[ "$STEP" == signing ]]; then
    echo "ours: the whole step signed with ${SIGN_KEY:-a cosign key file}; unsigned: the same without --sign-key. Medians of $PAIRS alternating pairs.${RTT_MS:+ A round trip of $RTT_MS ms to the registry and moto.}"
else
    echo "ours: $what${OURS_ARGS:+ + $OURS_ARGS}; skopeo: push only. Medians of $PAIRS alternating pairs.${RTT_MS:+ A round trip of $RTT_MS ms to the registry and moto.}"
fi
