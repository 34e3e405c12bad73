"""Each fetch message names the real cause (issue 19, the second hour): the mirror, the disabled
hash check, foreign bytes, the lockfile; and a lockfile setting that cannot drift with the cwd."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from _server import make_checkpoint, sha

import weighthub
from weighthub import (
    IntegrityError,
    LockfileError,
    OfflineModeError,
    WeightsDownloadError,
    cached_files,
    fetch,
    verify_cache,
)

ORIGINAL = "https://weights.invalid/models/"


@pytest.fixture(autouse=True)
def _no_lock_afterwards():
    yield
    weighthub.use_lock(None)


def test_a_mirror_serving_another_file_is_named_with_the_original_url(server, monkeypatch, ckpt):
    other = make_checkpoint(seed=5)
    mirrored = server.add("/mirror/net.pth", other)
    monkeypatch.setenv("WEIGHTHUB_MIRROR", f"{ORIGINAL}={server.base}/mirror/")
    with pytest.raises(IntegrityError) as info:
        fetch(f"{ORIGINAL}net.pth", sha256=sha(ckpt), progress=False)
    text = str(info.value)
    assert "The mirror serves other bytes than https://weights.invalid/models/net.pth" in text
    assert mirrored in text and "Retry later" not in text


def test_an_unresolvable_mirror_host_is_the_mirrors_problem(monkeypatch, ckpt):
    monkeypatch.setenv("WEIGHTHUB_MIRROR", f"{ORIGINAL}=http://no-such-mirror.invalid/m/")
    with pytest.raises(WeightsDownloadError) as info:
        fetch(f"{ORIGINAL}net.pth", sha256=sha(ckpt), progress=False)
    text = str(info.value)
    assert "could not resolve no-such-mirror.invalid" in text
    assert "The mirror failed, not https://weights.invalid/models/net.pth" in text
    assert "point WEIGHTHUB_MIRROR at a mirror" not in text


def test_a_file_stored_with_hash_checks_off_is_called_foreign_everywhere(
    server, cache, monkeypatch, ckpt
):
    name = "net-0123abcd.pth"  # its bytes do not start with this sha256 prefix
    url = server.add(f"/m/{name}", ckpt)
    monkeypatch.setenv("WEIGHTHUB_CHECK_HASH", "0")
    with pytest.warns(UserWarning, match="without verification"):
        fetch(url, progress=False)
    monkeypatch.delenv("WEIGHTHUB_CHECK_HASH")
    [listed] = cached_files()
    assert listed.status == "foreign"
    [verified] = verify_cache()
    assert verified.status == "foreign"
    monkeypatch.setenv("WEIGHTHUB_OFFLINE", "1")
    with pytest.raises(OfflineModeError) as info:
        fetch(url, progress=False)
    text = str(info.value)
    assert "stored with hash checks off (WEIGHTHUB_CHECK_HASH=0" in text
    assert "bytes changed" not in text and "Put the file" not in text
    assert str(cache / name) in text


def test_a_deeply_nested_lockfile_is_a_lockfile_error(tmp_path):
    lockfile = tmp_path / "deep.lock"
    lockfile.write_text("version = 1\nx = " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(LockfileError, match="nest too deeply") as info:
        weighthub.use_lock(lockfile)
    assert str(lockfile) in str(info.value)


def test_a_relative_weighthub_lock_is_refused_with_the_fix(server, monkeypatch, ckpt):
    monkeypatch.setenv("WEIGHTHUB_LOCK", "weights.lock")
    url = server.add("/m/net.pth", ckpt)
    with pytest.raises(LockfileError) as info:
        fetch(url, sha256=sha(ckpt), progress=False)
    assert "WEIGHTHUB_LOCK='weights.lock' is a relative path" in str(info.value)
    assert 'export WEIGHTHUB_LOCK="$PWD/weights.lock"' in str(info.value)
    assert server.count() == 0


def test_a_size_the_server_contradicts_names_the_lockfile(server, tmp_path, ckpt):
    url = server.add("/m/net.pth", ckpt)
    lockfile = tmp_path / "team.lock"
    lockfile.write_text(
        f'version = 1\n[[file]]\nurl = "{url}"\nname = "net.pth"\nsize = {len(ckpt) + 1}\n'
        f'sha256 = "{"0" * 64}"\n'
    )
    weighthub.use_lock(lockfile)
    with pytest.raises(IntegrityError) as info:
        fetch(url, progress=False)
    assert re.search(
        rf"the lockfile {re.escape(str(lockfile))} pins size={len(ckpt) + 1}", str(info.value)
    )


def test_lock_under_disabled_hash_checks_names_them(server, ckpt, tmp_path, test_plugins_site):
    """`weighthub lock` of a file cached with WEIGHTHUB_CHECK_HASH=0 says the checks were off."""
    other = make_checkpoint(seed=9)
    url = server.add(f"/models/goodnet-{sha(ckpt)[:8]}.pth", other)  # the name's prefix is ckpt's
    env = {
        **os.environ,
        "PYTHONPATH": str(test_plugins_site),
        "WEIGHTHUB_PLUGINS": "good",
        "WH_TEST_GOOD_URL": url,
        "WEIGHTHUB_CHECK_HASH": "0",
    }
    lockfile = tmp_path / "weights.lock"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "weighthub",
            "lock",
            "GoodNet_Weights.IMAGENET1K_V1",
            "-o",
            str(lockfile),
            "--no-progress",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and not lockfile.exists()
    assert "Hash checks are off (WEIGHTHUB_CHECK_HASH=0)" in done.stderr
    assert "bytes changed" not in done.stderr
