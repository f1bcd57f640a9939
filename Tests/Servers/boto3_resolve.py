#!/usr/bin/env python3
"""boto3's side of the differential test of AWS configuration (AWSTests/DifferentialTests).

usage:
  boto3_resolve.py users --endpoint URL --access-key-id K --secret-access-key S [--roles R,...] NAME...
      Creates IAM users NAME... in a signature-checking moto_server (signing as K/S, an
      allow-all user), gives each an allow-all inline policy and an access key, and prints
      one JSON object {NAME: {"AccessKeyId": ..., "SecretAccessKey": ...}}. Roles R are
      created with an allow-all policy (moto checks the policies of assumed roles too).
  boto3_resolve.py resolve CASES.json [LEDGER]
      CASES.json is a list of {"name", "environment", "profile", "call", "unsignedCalls",
      "moto"}. For each case, with exactly `environment` as the process environment, a new
      boto3 Session (profile_name=`profile`, as the AWS CLI's --profile) resolves: the
      region, the ECR and STS endpoint hosts, and (if `call`) the ARN GetCallerIdentity
      answers, i.e. the identity that signed. Before a call that needs unsigned requests
      (AssumeRoleWithWebIdentity), moto is told to let `unsignedCalls` through.
      Prints one JSON line per case: {"name", "region", "ecrHost", "stsHost", "arn", "error"}
      where "error" is the exception's class name (never its message: no secret can leak).
      The secret and session token boto3 signed with are appended to LEDGER (the test
      run's secret ledger), so the suite's output is scanned for them too.

Retries are off, so a refused request is never sent twice. Standard library and boto3 only.
"""

import argparse
import json
import os
import sys
import urllib.parse
import urllib.request

import boto3
from botocore.config import Config

NO_RETRIES = Config(retries={"total_max_attempts": 1})
ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def users(argv):
    parser = argparse.ArgumentParser(prog="boto3_resolve.py users")
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--access-key-id", required=True)
    parser.add_argument("--secret-access-key", required=True)
    parser.add_argument("--roles", default="")
    parser.add_argument("names", nargs="+")
    args = parser.parse_args(argv)
    iam = boto3.client("iam", endpoint_url=args.endpoint, region_name="us-east-1", aws_access_key_id=args.access_key_id,
                       aws_secret_access_key=args.secret_access_key, config=NO_RETRIES)
    result = {}
    for name in args.names:
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="allow-all", PolicyDocument=ALLOW_ALL)
        created = iam.create_access_key(UserName=name)["AccessKey"]
        result[name] = {"AccessKeyId": created["AccessKeyId"], "SecretAccessKey": created["SecretAccessKey"]}
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"]}]})
    for role in filter(None, args.roles.split(",")):
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)
        iam.put_role_policy(RoleName=role, PolicyName="allow-all", PolicyDocument=ALLOW_ALL)
    print(json.dumps(result))


def host(client):
    return urllib.parse.urlsplit(client.meta.endpoint_url).netloc


def allow_unsigned(moto, count):
    request = urllib.request.Request(moto + "/moto-api/reset-auth", data=str(count).encode(), method="POST",
                                     headers={"Content-Type": "text/plain"})
    urllib.request.urlopen(request, timeout=10).read()


def resolve(case, ledger):
    os.environ.clear()
    os.environ.update(case["environment"])
    out = {"name": case["name"], "region": None, "ecrHost": None, "stsHost": None, "arn": None, "error": None}
    try:
        session = boto3.Session(profile_name=case.get("profile"))
        out["region"] = session.region_name
        out["ecrHost"] = host(session.client("ecr", config=NO_RETRIES))
        sts = session.client("sts", config=NO_RETRIES)
        out["stsHost"] = host(sts)
        if case.get("call"):
            if case.get("unsignedCalls"):
                allow_unsigned(case["moto"], case["unsignedCalls"])
            out["arn"] = sts.get_caller_identity()["Arn"]
            credentials = session.get_credentials()
            if ledger and credentials is not None:
                frozen = credentials.get_frozen_credentials()
                with open(ledger, "a", encoding="utf-8") as f:
                    for secret in (frozen.secret_key, frozen.token):
                        if secret:
                            f.write(secret + "\n")
    except Exception as error:  # the class name only: messages may quote configuration
        out["error"] = type(error).__name__
    return out


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "users":
        users(sys.argv[2:])
        return 0
    if len(sys.argv) in (3, 4) and sys.argv[1] == "resolve":
        with open(sys.argv[2], encoding="utf-8") as f:
            cases = json.load(f)
        ledger = sys.argv[3] if len(sys.argv) == 4 else None
        for case in cases:
            print(json.dumps(resolve(case, ledger)), flush=True)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
