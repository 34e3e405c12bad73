"""S3 against a real S3-compatible server: moto's server (``moto[server]``) in its own process on
127.0.0.1, with IAM authentication on, read through s3fs (``weighthub[s3]``).

Credentials and the endpoint come from the standard AWS environment variables, as on a cluster.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from _s3server import running_s3
from _server import make_checkpoint, sha
from _tcpproxy import TcpProxy

import weighthub

pytest.importorskip("s3fs")
pytest.importorskip("moto.server")

BUCKET = "weights"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def s3() -> Iterator[dict]:
    """The S3 server: its endpoint, the access key it accepts and a boto3 client."""
    with running_s3(BUCKET) as info:
        yield info


def aws_env(s3: dict, endpoint: str | None = None, secret: str | None = None) -> dict[str, str]:
    return {
        "AWS_ACCESS_KEY_ID": s3["key"],
        "AWS_SECRET_ACCESS_KEY": secret or s3["secret"],
        "AWS_ENDPOINT_URL": endpoint or s3["endpoint"],
        "AWS_DEFAULT_REGION": "us-east-1",
    }


@pytest.fixture
def aws(s3, monkeypatch) -> dict:
    for name, value in aws_env(s3).items():
        monkeypatch.setenv(name, value)
    return s3


def put(s3: dict, key: str, data: bytes) -> str:
    s3["client"].put_object(Bucket=BUCKET, Key=key, Body=data)
    return f"s3://{BUCKET}/{key}"


def keys(s3: dict, prefix: str) -> list[str]:
    listing = s3["client"].list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(o["Key"] for o in listing.get("Contents", []))


def run_fetch(env: dict[str, str], url: str, digest: str) -> subprocess.CompletedProcess[str]:
    """Fetch in a fresh process (s3fs caches its filesystems per process)."""
    code = f"import weighthub; print(weighthub.fetch({url!r}, sha256={digest!r}, progress=False))"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_s3_url_with_sha256(aws, cache):
    data = make_checkpoint(seed=10)
    url = put(aws, "direct/net-s3.pth", data)
    path = weighthub.fetch(url, sha256=sha(data), progress=False)
    assert path == cache / "net-s3.pth" and path.read_bytes() == data
    with pytest.raises(weighthub.IntegrityError, match=r"net-s3b\.pth"):
        weighthub.fetch(put(aws, "direct/net-s3b.pth", data), sha256="0" * 64, progress=False)
    assert not (cache / "net-s3b.pth").exists()


def test_mirror_prefix_to_s3(aws, cache, monkeypatch):
    data = make_checkpoint(seed=11)
    digest = sha(data)
    name = f"resnet-{digest[:8]}.pth"
    put(aws, f"tv/{name}", data)
    monkeypatch.setenv(
        "WEIGHTHUB_MIRROR", f"https://download.pytorch.org/models/=s3://{BUCKET}/tv/"
    )
    path = weighthub.fetch(f"https://download.pytorch.org/models/{name}", progress=False)
    assert path == cache / name and path.read_bytes() == data


def test_interrupted_s3_read_is_resumed(s3, tmp_path):
    data = os.urandom(20 * 1000 * 1000)  # 3 blocks of 8 MiB
    url = put(s3, "big/big-s3.pth", data)
    _host, port = s3["endpoint"].rsplit(":", 1)
    proxy = TcpProxy(("127.0.0.1", int(port)))
    try:
        # The second block's GET is cut 6 times: s3fs retries it 5 times, then weighthub reopens
        # the object at the byte it had reached.
        proxy.cut("big-s3.pth", after=1_000_000, times=6, skip=1)
        env = {**aws_env(s3, endpoint=proxy.url), "WEIGHTHUB_HOME": str(tmp_path / "h")}
        done = run_fetch(env, url, hashlib.sha256(data).hexdigest())
        assert done.returncode == 0, done.stderr
        assert "was interrupted" in done.stderr
        assert Path(done.stdout.strip()).read_bytes() == data
        ranges = proxy.gets("big-s3.pth")
        starts = [int(r.split("=")[1].split("-")[0]) for r in ranges if r]
        assert starts[0] == 0 and starts.count(0) == 1  # never started again from byte 0
        assert len(starts) > 7  # the cut GETs were really retried
    finally:
        proxy.close()


def test_an_object_changed_mid_download_is_fetched_again_whole(s3, tmp_path):
    """No hash declared: the cached file is one version of the object, never two stitched."""
    data, newer = os.urandom(20 * 1000 * 1000), os.urandom(20 * 1000 * 1000)
    url = put(s3, "ver/changing.pth", data)
    _host, port = s3["endpoint"].rsplit(":", 1)
    proxy = TcpProxy(("127.0.0.1", int(port)))
    try:
        # The second block's GET is cut, and the object replaced before it reaches the server.
        proxy.cut(
            "changing.pth", after=1_000_000, skip=1, then=lambda: put(s3, "ver/changing.pth", newer)
        )
        env = {**aws_env(s3, endpoint=proxy.url), "WEIGHTHUB_HOME": str(tmp_path / "h")}
        code = (
            f"import weighthub; print(weighthub.fetch({url!r}, check_hash=False, progress=False))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert Path(done.stdout.strip()).read_bytes() == newer
        starts = [int(r.split("=")[1].split("-")[0]) for r in proxy.gets("changing.pth") if r]
        assert starts.count(0) == 2, "started again from byte 0 once"
    finally:
        proxy.close()


def test_missing_bucket_and_key_are_clear_errors(aws, cache):
    with pytest.raises(
        weighthub.WeightsDownloadError, match=r"s3://no-such-bucket/x\.pth does not"
    ):
        weighthub.fetch("s3://no-such-bucket/x.pth", check_hash=False, progress=False)
    with pytest.raises(
        weighthub.WeightsDownloadError, match=rf"s3://{BUCKET}/nothing\.pth does not"
    ):
        weighthub.fetch(f"s3://{BUCKET}/nothing.pth", check_hash=False, progress=False)
    assert not list(cache.glob("*.pth"))


def test_wrong_credentials_are_a_clear_error_that_hides_them(s3, tmp_path):
    data = make_checkpoint(seed=12)
    url = put(s3, "secret/net-cred.pth", data)
    wrong = "wrong-secret-value-123"
    env = {**aws_env(s3, secret=wrong), "WEIGHTHUB_HOME": str(tmp_path / "h")}
    done = run_fetch(env, url, sha(data))
    assert done.returncode != 0
    assert f"Access to {url} was refused" in done.stderr
    assert "AWS_SECRET_ACCESS_KEY" in done.stderr  # says what to check...
    assert wrong not in done.stderr and s3["secret"] not in done.stderr  # ...never the values
    assert "was interrupted" not in done.stderr  # permanent: not retried
    assert "WEIGHTHUB_MIRROR" not in done.stderr  # a credentials problem, not an unreachable host
