"""Lockfiles (``weighthub lock``, ``WEIGHTHUB_LOCK``, ``weighthub.use_lock``) against a real server.

The lockfile is written by the real CLI in a subprocess, for the real ``good`` test plugin whose
weights URL (``WH_TEST_GOOD_URL``) points at the loopback server; fetches then run in this process
through the public API.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from _server import make_checkpoint, sha

import weighthub

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MEMBER = "GoodNet_Weights.IMAGENET1K_V1"


@pytest.fixture(autouse=True)
def _no_lock_afterwards():
    yield
    weighthub.use_lock(None)


def with_zip_comment(checkpoint: bytes, comment: bytes) -> bytes:
    """Give a torch.save zip an end-of-archive comment; it still loads, with the same tensors."""
    assert checkpoint[-22:-18] == b"PK\x05\x06" and checkpoint[-2:] == b"\x00\x00"
    return checkpoint[:-2] + struct.pack("<H", len(comment)) + comment


def prefix_collision(genuine: bytes, altered: bytes) -> tuple[bytes, bytes]:
    """Return a genuine and an altered checkpoint whose sha256 share their first 8 hex digits.

    The forgery of issue 10 with a birthday search over 16-byte zip comments: about 2**16 tries
    (a fraction of a second), since either side may vary.
    """
    hashers = [hashlib.sha256(genuine[:-2]), hashlib.sha256(altered[:-2])]
    seen: list[dict[str, int]] = [{}, {}]
    trial = 0
    while True:
        comment = trial.to_bytes(16, "little")
        for side in (0, 1):
            h = hashers[side].copy()
            h.update(struct.pack("<H", 16) + comment)
            prefix = h.hexdigest()[:8]
            seen[side].setdefault(prefix, trial)
            other = seen[1 - side].get(prefix)
            if other is not None:
                mine = trial.to_bytes(16, "little")
                theirs = other.to_bytes(16, "little")
                pair = (mine, theirs) if side == 0 else (theirs, mine)
                return with_zip_comment(genuine, pair[0]), with_zip_comment(altered, pair[1])
        trial += 1


def run_cli(test_plugins_site: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(test_plugins_site),
        "WEIGHTHUB_PLUGINS": "good",
        "WH_TEST_GOOD_URL": url,
    }
    return subprocess.run(
        [sys.executable, "-m", "weighthub", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def locked(server, ckpt, tmp_path, test_plugins_site):
    """Serve the good plugin's checkpoint, lock it with the CLI; return (url, lockfile)."""
    url = server.add(f"/models/goodnet-{sha(ckpt)[:8]}.pth", ckpt)
    lockfile = tmp_path / "weights.lock"
    done = run_cli(test_plugins_site, url, "lock", MEMBER, "-o", str(lockfile), "--no-progress")
    assert done.returncode == 0, done.stderr
    assert f"Locked 1 file(s) in {lockfile} (1 new)." in done.stdout
    return url, lockfile


def test_lockfile_records_url_name_size_and_full_sha256(locked, ckpt):
    url, lockfile = locked
    text = lockfile.read_text(encoding="utf-8")
    assert text.startswith("# weighthub lockfile")
    assert f"weighthub lock {MEMBER} -o {lockfile}" in text
    data = tomllib.loads(text)
    assert data["version"] == 1
    assert data["file"] == [
        {
            "url": url,
            "name": url.rsplit("/", 1)[1],
            "size": len(ckpt),
            "sha256": sha(ckpt),
            "weights": [MEMBER],
        }
    ]


@pytest.mark.filterwarnings("ignore::weighthub.MetaValidationWarning")
def test_fetch_under_the_lock_uses_the_cache_with_no_request(locked, server, use_plugins):
    url, lockfile = locked
    before = server.count()
    weighthub.use_lock(lockfile)
    path = weighthub.fetch(url)
    assert path.read_bytes() == server.files[url.removeprefix(server.base)]
    os.environ["WH_TEST_GOOD_URL"] = url
    try:
        use_plugins("good")
        state = weighthub.get_weight(MEMBER).get_state_dict()
    finally:
        del os.environ["WH_TEST_GOOD_URL"]
    assert state["w"].shape == (4096,)  # the good plugin's meta warning is expected here
    assert server.count() == before, "a locked, cached file needs no request"


def test_a_file_not_in_the_lock_is_refused_before_any_request(locked, server, monkeypatch):
    _, lockfile = locked
    other = server.add("/models/other.pth", make_checkpoint(3))
    monkeypatch.setenv("WEIGHTHUB_LOCK", str(lockfile))
    with pytest.raises(weighthub.NotInLockfileError) as info:
        weighthub.fetch(other)
    message = str(info.value)
    assert "other.pth" in message
    assert str(lockfile) in message
    assert f"weighthub lock -o {lockfile}" in message
    assert isinstance(info.value, weighthub.IntegrityError)
    assert server.count("/models/other.pth") == 0
    monkeypatch.delenv("WEIGHTHUB_LOCK")
    with pytest.warns(UserWarning, match="without verification"):
        assert weighthub.fetch(other).is_file()  # no lock, no refusal


def test_a_forged_file_matching_the_name_prefix_is_refused(server, tmp_path, test_plugins_site):
    genuine, forged = prefix_collision(make_checkpoint(0), make_checkpoint(1))
    prefix = sha(genuine)[:8]
    assert sha(forged)[:8] == prefix and sha(forged) != sha(genuine)
    name = f"goodnet-{prefix}.pth"
    url = server.add(f"/models/{name}", genuine)
    lockfile = tmp_path / "weights.lock"
    done = run_cli(test_plugins_site, url, "lock", MEMBER, "-o", str(lockfile), "--no-progress")
    assert done.returncode == 0, done.stderr

    server.files[f"/models/{name}"] = forged  # the mirror or the host was compromised
    unlocked = weighthub.fetch(url, model_dir=tmp_path / "unlocked-cache")
    assert unlocked.read_bytes() == forged, "the 8-hex prefix alone lets the forgery in"

    fresh = tmp_path / "fresh-cache"
    weighthub.use_lock(lockfile)
    with pytest.raises(weighthub.IntegrityError) as info:
        weighthub.fetch(url, model_dir=fresh)
    message = str(info.value)
    assert name in message
    assert f"sha256 {sha(genuine)} (from the lockfile {lockfile})" in message
    leftovers = [p.name for p in fresh.iterdir() if not p.name.endswith(".lock")]
    assert leftovers == [], "nothing that looks complete is left behind"

    # The forgery already cached (and recorded as verified by its prefix) is refused too.
    with (
        pytest.warns(UserWarning, match="from the lockfile"),
        pytest.raises(weighthub.IntegrityError),
    ):
        weighthub.fetch(url, model_dir=tmp_path / "unlocked-cache")


def test_a_lock_that_contradicts_the_declared_hash_is_refused(locked, ckpt):
    url, lockfile = locked
    weighthub.use_lock(lockfile)
    with pytest.raises(weighthub.IntegrityError, match=f"The lockfile {lockfile} pins"):
        weighthub.fetch(url, sha256="0" * 64)
    with pytest.raises(weighthub.IntegrityError, match="the size disagrees"):
        weighthub.fetch(url, file_size=len(ckpt) + 1)
    assert weighthub.fetch(url, sha256=sha(ckpt), file_size=len(ckpt)).is_file()


GOOD_ENTRY = 'url = "https://h.invalid/a-0123abcd.pth"\nname = "a-0123abcd.pth"\nsize = 3\n'
DIGEST = "ab" * 32


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f'version = 1\n\n[[file]]\n{GOOD_ENTRY}sha256 = "{DIGEST}"\nsize = 4\n', "(at line 8"),
        (f'version = 1\n[[file]]\n{GOOD_ENTRY}sha256 = "abc"\n', "entry 1, line 2"),
        (f'version = 1\n[[file]]\n{GOOD_ENTRY}sha256 = "abc"\n', "'sha256' must be 64 hex"),
        (f'version = 1\n[[file]]\n{GOOD_ENTRY}sha265 = "{DIGEST}"\n', "Did you mean 'sha256'"),
        (f'version = 2\n[[file]]\n{GOOD_ENTRY}sha256 = "{DIGEST}"\n', "'version' must be 1"),
        (f'[[file]]\n{GOOD_ENTRY}sha256 = "{DIGEST}"\n', "'version' must be 1"),
        (
            f'version = 1\n[[file]]\n{GOOD_ENTRY}sha256 = "{DIGEST}"\n'
            f'[[file]]\n{GOOD_ENTRY}sha256 = "{DIGEST}"\n',
            "entry 2, line 7 repeats url",
        ),
        ('version = 1\n[[file]]\nurl = "x"\nname = "x"\nsize = true\n', "'size' must be a pos"),
    ],
)
def test_a_malformed_lockfile_names_itself_and_the_line_or_field(
    text, expected, tmp_path, monkeypatch, server, ckpt
):
    lockfile = tmp_path / "bad.lock"
    lockfile.write_text(text, encoding="utf-8")
    with pytest.raises(weighthub.LockfileError) as info:
        weighthub.use_lock(lockfile)
    assert str(lockfile) in str(info.value)
    assert expected in str(info.value)
    assert isinstance(info.value, ValueError)
    monkeypatch.setenv("WEIGHTHUB_LOCK", str(lockfile))
    url = server.add(f"/models/goodnet-{sha(ckpt)[:8]}.pth", ckpt)
    with pytest.raises(weighthub.LockfileError, match=re.escape(expected)):
        weighthub.fetch(url)
    assert server.count() == 0


def test_a_missing_lockfile_says_how_to_make_it(tmp_path, monkeypatch, server, ckpt):
    missing = tmp_path / "nope.lock"
    monkeypatch.setenv("WEIGHTHUB_LOCK", str(missing))
    url = server.add(f"/models/goodnet-{sha(ckpt)[:8]}.pth", ckpt)
    with pytest.raises(weighthub.LockfileError, match="does not exist") as info:
        weighthub.fetch(url)
    assert f"weighthub lock -o {missing}" in str(info.value)
