"""A real S3-compatible server for the S3 tests: moto's server on 127.0.0.1, in its own process.

Run as ``python _s3server.py`` (or through :func:`running_s3`): starts
``moto.server.ThreadedMotoServer`` on an ephemeral port with IAM authentication on
(``INITIAL_NO_AUTH_ACTION_COUNT``), creates a user with an access key allowed ``s3:*``, prints one
JSON line ``{"endpoint", "key", "secret"}`` and serves until its stdin closes. Requests signed with
any other key or secret are refused (403), as a real S3 refuses them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

# The bootstrap below takes exactly this many unauthenticated actions; every later one is checked.
_BOOTSTRAP_ACTIONS = 3

_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
}


def main() -> None:
    import boto3

    os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = str(_BOOTSTRAP_ACTIONS)
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    iam = boto3.client(
        "iam",
        endpoint_url=endpoint,
        aws_access_key_id="bootstrap",
        aws_secret_access_key="bootstrap",
        region_name="us-east-1",
    )
    iam.create_user(UserName="weighthub-test")
    iam.put_user_policy(
        UserName="weighthub-test", PolicyName="s3", PolicyDocument=json.dumps(_POLICY)
    )
    key = iam.create_access_key(UserName="weighthub-test")["AccessKey"]
    print(
        json.dumps(
            {"endpoint": endpoint, "key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}
        ),
        flush=True,
    )
    sys.stdin.read()
    server.stop()


@contextlib.contextmanager
def running_s3(bucket: str) -> Iterator[dict[str, Any]]:
    """Run this server in a child process; yield its endpoint, key, secret and a boto3 client."""
    import boto3

    proc = subprocess.Popen(
        [sys.executable, __file__],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line, "the S3 server did not start"
        info: dict[str, Any] = json.loads(line)
        info["client"] = boto3.client(
            "s3",
            endpoint_url=info["endpoint"],
            aws_access_key_id=info["key"],
            aws_secret_access_key=info["secret"],
            region_name="us-east-1",
        )
        info["client"].create_bucket(Bucket=bucket)
        yield info
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
