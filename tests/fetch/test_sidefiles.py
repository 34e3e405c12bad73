"""A cache's side files never follow a link or continue a stranger's file (issue 19, point 1).

Links and odd file types are planted at every side file's name of a real download (one stream
and several connections); the victim outside the cache must keep its bytes, the link must be gone
and the cached entry must be a regular file. The shared-cache tests run a real second user
(``nobody``, through ``setpriv``) against a group-writable cache.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from _server import make_checkpoint, sha

from weighthub import CacheWriteError, fetch

SIDE_SUFFIXES = [".lock", ".lockinfo", ".weighthub.json", ".pieces.partial", ".pieces.json"]


@pytest.fixture
def big() -> bytes:
    return make_checkpoint(n=1_500_000)  # ~6 MB: several 1 MiB pieces


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file of the user's outside the cache, which a planted link points at."""
    path = tmp_path / "victim.txt"
    path.write_text("precious\n")
    return path


def _assert_untouched(victim: Path) -> None:
    assert victim.read_text() == "precious\n"


def _assert_no_links(cache: Path) -> None:
    links = [p.name for p in cache.iterdir() if p.is_symlink()]
    assert not links, links


@pytest.mark.parametrize("suffix", ["", *SIDE_SUFFIXES], ids=lambda s: s or "file")
def test_a_planted_link_is_not_written_through_by_one_stream(server, cache, victim, ckpt, suffix):
    url = server.add("/m/net.pth", ckpt)
    cache.mkdir(parents=True)
    (cache / f"net.pth{suffix}").symlink_to(victim)
    path = fetch(url, sha256=sha(ckpt), progress=False)
    _assert_untouched(victim)
    assert path == cache / "net.pth" and not path.is_symlink() and path.read_bytes() == ckpt
    _assert_no_links(cache)


@pytest.mark.parametrize("suffix", ["", *SIDE_SUFFIXES], ids=lambda s: s or "file")
def test_a_planted_link_is_not_written_through_by_pieces(
    server, cache, parallel, victim, big, suffix
):
    url = server.add("/m/big.pth", big)
    cache.mkdir(parents=True)
    (cache / f"big.pth{suffix}").symlink_to(victim)
    path = fetch(url, file_size=len(big), check_hash=False, progress=False)
    _assert_untouched(victim)
    assert not path.is_symlink() and path.read_bytes() == big
    assert len(server.ranges_of("/m/big.pth")) > 2, "the file really came in pieces"
    _assert_no_links(cache)


def _odd(path: Path, kind: str) -> None:
    if kind == "directory":
        path.mkdir()
        (path / "inside").write_text("x")
    else:
        os.mkfifo(path)


@pytest.mark.parametrize("kind", ["directory", "fifo"])
@pytest.mark.parametrize("suffix", SIDE_SUFFIXES)
def test_an_odd_file_type_at_a_side_file_name_is_refused_by_name(
    server, cache, parallel, big, suffix, kind
):
    url = server.add("/m/big.pth", big)
    cache.mkdir(parents=True)
    odd = cache / f"big.pth{suffix}"
    _odd(odd, kind)
    with pytest.raises(CacheWriteError, match=r"big\.pth") as info:
        fetch(url, sha256=sha(big), progress=False)
    assert info.value.path == odd and str(odd) in str(info.value)
    assert "Remove it" in str(info.value)
    assert not (cache / "big.pth").exists()


def test_no_lock_file_outlives_a_download(server, cache, ckpt):
    url = server.add("/m/net.pth", ckpt)
    fetch(url, sha256=sha(ckpt), progress=False)
    bad = server.add("/m/bad.pth", ckpt)
    with pytest.raises(Exception, match="sha256"):
        fetch(bad, sha256="0" * 64, progress=False)
    assert sorted(p.name for p in cache.iterdir()) == ["net.pth", "net.pth.weighthub.json"]


@pytest.mark.parametrize("length", [220, 224])
def test_a_long_name_gets_its_record(server, cache, ckpt, length):
    name = "n" * (length - 4) + ".pth"
    url = server.add(f"/m/{name}", ckpt)
    path = fetch(url, sha256=sha(ckpt), progress=False)
    record = json.loads((cache / f"{name}.weighthub.json").read_text())
    assert path.name == name and record["sha256"] == sha(ckpt) and record["verified"] is True
    assert not [p for p in cache.iterdir() if p.name.endswith(".tmp")]


# -- a shared cache and a real second user -------------------------------------------------------

_OTHER = 65534  # nobody / nogroup


@pytest.fixture(scope="session")
def second_user() -> list[str]:
    """The command prefix that runs a real process as ``nobody`` (skips when that is impossible)."""
    if os.geteuid() != 0:
        pytest.skip("a second user needs root to switch to (setpriv); run the suite as root")
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is not installed")
    prefix = [setpriv, f"--reuid={_OTHER}", f"--regid={_OTHER}", "--clear-groups"]
    probe = subprocess.run(
        [*prefix, sys.executable, "-c", "import weighthub"], capture_output=True, text=True
    )
    if probe.returncode:
        pytest.skip(f"nobody cannot run this interpreter with weighthub: {probe.stderr[-300:]}")
    return prefix


@pytest.fixture
def shared(second_user, monkeypatch) -> Iterator[Path]:
    """WEIGHTHUB_HOME both users write to: group ``nogroup``, ``2775`` (setgid, no sticky bit)."""
    root = Path(tempfile.mkdtemp(prefix="weighthub-shared-"))
    try:
        os.chmod(root, 0o755)
        home = root / "home"
        (home / "checkpoints").mkdir(parents=True)
        for folder in (home, home / "checkpoints"):
            os.chown(folder, 0, _OTHER)
            os.chmod(folder, 0o2775)
        monkeypatch.setenv("WEIGHTHUB_HOME", str(home))
        yield home
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _as_other(prefix: list[str], code: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    full = {**os.environ, **env, "HOME": "/nonexistent"}
    return subprocess.run(
        [*prefix, sys.executable, "-c", code, *args],
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


_PLANT = """
import os, sys
cache, name, victim = sys.argv[1:4]
for suffix in sys.argv[4:]:
    os.symlink(victim, os.path.join(cache, name + suffix))
"""

_FETCH = """
import sys, weighthub
print(weighthub.fetch(sys.argv[1], sha256=sys.argv[2], progress=False))
"""


def test_a_co_tenants_links_are_never_written_through(server, parallel, second_user, shared, big):
    """nobody plants links at every side file's name, to a file of root's; root downloads."""
    cache = shared / "checkpoints"
    victim = shared.parent / "root-only.txt"
    victim.write_text("precious\n")
    os.chmod(victim, 0o644)
    url = server.add("/m/big.pth", big)
    planted = _as_other(second_user, _PLANT, str(cache), "big.pth", str(victim), *SIDE_SUFFIXES)
    assert planted.returncode == 0, planted.stderr
    assert all((cache / f"big.pth{s}").is_symlink() for s in SIDE_SUFFIXES)
    assert all(os.lstat(cache / f"big.pth{s}").st_uid == _OTHER for s in SIDE_SUFFIXES)
    path = fetch(url, sha256=sha(big), progress=False)
    assert path.read_bytes() == big and not path.is_symlink()
    assert victim.read_text() == "precious\n"
    _assert_no_links(cache)


def test_a_strangers_partial_and_journal_are_not_continued(
    server, parallel, second_user, shared, big
):
    """nobody leaves a full-size partial of junk and a journal that claims it all; no hash."""
    cache = shared / "checkpoints"
    url = server.add("/m/big.pth", big)
    journal = {"url": url, "size": len(big), "etag": '"v1"', "last_modified": None}
    journal["done"] = [[0, len(big)]]
    forge = """
import json, sys
cache, size, journal = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(cache + "/big.pth.pieces.partial", "wb") as f:
    f.write(b"\\xee" * size)
with open(cache + "/big.pth.pieces.json", "w") as f:
    f.write(journal)
"""
    forged = _as_other(second_user, forge, str(cache), str(len(big)), json.dumps(journal))
    assert forged.returncode == 0, forged.stderr
    assert os.stat(cache / "big.pth.pieces.partial").st_uid == _OTHER
    path = fetch(url, file_size=len(big), check_hash=False, progress=False)
    assert path.read_bytes() == big, "the stranger's bytes were not kept"
    assert len(server.ranges_of("/m/big.pth")) > 2, "every piece was fetched"
    assert not list(cache.glob("big.pth.pieces.*"))


def test_two_users_share_a_cache(server, second_user, shared, ckpt):
    """root's download serves nobody, and nobody's download serves root, without a new GET."""
    cache = shared / "checkpoints"
    first = server.add("/m/first.pth", ckpt)
    other = make_checkpoint(seed=3)
    second = server.add("/m/second.pth", other)
    fetch(first, sha256=sha(ckpt), progress=False)
    env = {"WEIGHTHUB_HOME": str(shared), "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    done = _as_other(second_user, _FETCH, first, sha(ckpt), **env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(cache / "first.pth")
    assert server.count("/m/first.pth") == 1
    done = _as_other(second_user, _FETCH, second, sha(other), **env)
    assert done.returncode == 0, done.stderr
    made = cache / "second.pth"
    assert os.stat(made).st_uid == _OTHER and stat.S_ISREG(os.lstat(made).st_mode)
    assert fetch(second, sha256=sha(other), progress=False).read_bytes() == other
    assert server.count("/m/second.pth") == 1
    assert not list(cache.glob("*.lock")), "no lock file of either user stays"


def test_a_lock_file_another_user_left_in_a_sticky_cache_is_refused_by_name(
    server, second_user, shared, ckpt
):
    """With the sticky bit, another user's lock file cannot be replaced: it is named, not used."""
    cache = shared / "checkpoints"
    os.chmod(cache, 0o3775)
    url = server.add("/m/net.pth", ckpt)
    leave = "import sys; open(sys.argv[1], 'w').close()"
    left = _as_other(second_user, leave, str(cache / "net.pth.lock"))
    assert left.returncode == 0, left.stderr
    with pytest.raises(CacheWriteError) as info:
        fetch(url, sha256=sha(ckpt), progress=False)
    assert str(cache / "net.pth.lock") in str(info.value) and f"uid {_OTHER}" in str(info.value)
    assert not (cache / "net.pth").exists()


def test_local_records_never_go_through_a_planted_folder_link(cache, tmp_path, ckpt):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cache.mkdir(parents=True)
    (cache / ".local-records").symlink_to(elsewhere, target_is_directory=True)
    local = tmp_path / "mine.pth"
    local.write_bytes(ckpt)
    assert fetch(str(local), sha256=sha(ckpt), progress=False) == local
    assert not list(elsewhere.iterdir())
