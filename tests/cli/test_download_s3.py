"""``weighthub download MODEL --to s3://bucket/prefix`` fills an S3 mirror (real S3 server)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "fetch"))

pytest.importorskip("s3fs")
pytest.importorskip("moto.server")

from _s3server import running_s3

pytestmark = pytest.mark.slow
BUCKET = "mirror-bucket"


def test_download_to_s3_fills_a_mirror(cli, tmp_path, expect_error):
    with running_s3(BUCKET) as s3:
        aws = {
            "AWS_ACCESS_KEY_ID": s3["key"],
            "AWS_SECRET_ACCESS_KEY": s3["secret"],
            "AWS_ENDPOINT_URL": s3["endpoint"],
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        result = cli("download", "clitest_tinynet", "--all", "--to", f"s3://{BUCKET}/tv", env=aws)
        assert result.code == 0, result.err
        listing = s3["client"].list_objects_v2(Bucket=BUCKET)
        assert sorted(o["Key"] for o in listing["Contents"]) == [
            "tv/tinynet-v1.pth",
            "tv/tinynet-v2.pth",
        ]
        mirror = re.search(r"export WEIGHTHUB_MIRROR=(\S+)", result.out)
        assert mirror is not None
        assert mirror.group(1).strip("'") == f"https://weights.invalid/clitest/=s3://{BUCKET}/tv/"

        # Another machine reads through the S3 mirror, into an empty cache.
        other = tmp_path / "other-home"
        env = {**aws, "WEIGHTHUB_HOME": str(other), "WEIGHTHUB_MIRROR": mirror.group(1).strip("'")}
        again = cli("download", "clitest_tinynet", "--json", env=env)
        assert again.code == 0, again.err
        assert (other / "checkpoints" / "tinynet-v2.pth").is_file()

        # A bucket that does not exist, and wrong credentials: clear errors naming the URL.
        missing = cli("download", "clitest_tinynet", "--to", "s3://no-such-bucket/tv", env=aws)
        expect_error(missing, code=1, contains="s3://no-such-bucket/tv/tinynet-v2.pth")
        wrong = {**aws, "AWS_SECRET_ACCESS_KEY": "not-the-secret"}
        refused = cli("download", "clitest_tinynet", "--to", f"s3://{BUCKET}/x", env=wrong)
        expect_error(refused, code=1, contains=f"Access to s3://{BUCKET}/x/tinynet-v2.pth")
        assert "not-the-secret" not in refused.err
        listing = s3["client"].list_objects_v2(Bucket=BUCKET)
        assert not [o["Key"] for o in listing["Contents"] if not o["Key"].startswith("tv/")]
