#!/usr/bin/env python3
"""Create the one IAM user a signature-checking moto_server accepts.

Start moto first, with signature checking armed:

    INITIAL_NO_AUTH_ACTION_COUNT=3 moto_server -H 127.0.0.1 -p PORT

then run

    python3 moto_bootstrap.py --endpoint http://127.0.0.1:PORT

It makes exactly three IAM calls with boto3 (dummy credentials, us-east-1):
  1. iam CreateUser      --user-name ci
  2. iam PutUserPolicy   Allow "*" on "*" (moto does not load the AWS managed
                         AdministratorAccess policy, so an inline one is used)
  3. iam CreateAccessKey --user-name ci
and prints one JSON line {"AccessKeyId": ..., "SecretAccessKey": ...} to stdout.

INITIAL_NO_AUTH_ACTION_COUNT=3 makes moto skip authentication for its first
three requests only. After these three calls moto checks every request: the
access key must exist in its IAM, the SigV4 signature is recomputed with the
matching secret (wrong secret -> SignatureDoesNotMatch), and the user's IAM
policies are evaluated. This script therefore makes NO further call (not even
a check that the new key works): proving that signatures are checked is the
tests' job, with the key printed here and with a deliberately wrong secret.

Retries are switched off so that a failing call is never sent twice (a second
unsigned request would no longer be free). Exit status 1 if any call fails.
"""

import argparse
import json
import sys
import urllib.parse

import boto3
from botocore.config import Config

ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--endpoint", required=True, help="moto_server URL, http://127.0.0.1:PORT")
    p.add_argument("--user-name", default="ci")
    args = p.parse_args()

    host = urllib.parse.urlsplit(args.endpoint).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        p.error("--endpoint must be a loopback URL")

    iam = boto3.client(
        "iam",
        endpoint_url=args.endpoint,
        region_name="us-east-1",
        aws_access_key_id="bootstrap",
        aws_secret_access_key="bootstrap",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=10, read_timeout=30),
    )
    try:
        iam.create_user(UserName=args.user_name)
        iam.put_user_policy(
            UserName=args.user_name,
            PolicyName="allow-all",
            PolicyDocument=json.dumps(ALLOW_ALL),
        )
        key = iam.create_access_key(UserName=args.user_name)["AccessKey"]
    except Exception as e:  # noqa: BLE001 - report any boto/botocore failure plainly
        sys.stderr.write("moto_bootstrap: %s: %s\n" % (type(e).__name__, e))
        return 1
    # After the three calls above moto verifies the SigV4 signature of every request.
    sys.stdout.write(json.dumps({"AccessKeyId": key["AccessKeyId"],
                                 "SecretAccessKey": key["SecretAccessKey"]}) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
