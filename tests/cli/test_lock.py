"""``weighthub lock`` and ``weighthub download --lock``, against the loopback weights server."""

from __future__ import annotations

import hashlib
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

BASE = "https://weights.invalid/clitest/"
TINYNET_AND_TINYSEG = {"tinynet-v1.pth", "tinynet-v2.pth", "tinyseg-v1.pth"}


def _entries(lockfile):
    return {e["name"]: e for e in tomllib.loads(lockfile.read_text(encoding="utf-8"))["file"]}


def _checkpoints(folder):
    return {p.name for p in folder.iterdir() if not p.name.endswith((".weighthub.json", ".lock"))}


def test_lock_a_model_and_a_weights_name(cli, tmp_path):
    lockfile = tmp_path / "team.lock"
    result = cli("lock", "clitest_tinynet", "TinySeg_Weights.DEFAULT", "-o", str(lockfile))
    assert result.code == 0, result.err
    assert f"Locked 3 file(s) in {lockfile} (3 new)." in result.out
    entries = _entries(lockfile)
    assert set(entries) == TINYNET_AND_TINYSEG
    cached = cli.home / "checkpoints"
    for name, entry in entries.items():
        data = (cached / name).read_bytes()
        assert entry["url"] == BASE + name, "entries keep the declared URL, not the mirror's"
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert entries["tinyseg-v1.pth"]["weights"] == ["TinySeg_Weights.SYNTHETIC_V1"]
    assert entries["tinynet-v2.pth"]["weights"] == ["TinyNet_Weights.SYNTHETIC_V2"]
    header = [line for line in lockfile.read_text().splitlines() if line.startswith("#")]
    assert any("weighthub lock clitest_tinynet TinySeg_Weights.DEFAULT -o" in h for h in header)

    # Locking more keeps the old entries and adds the new one.
    more = cli("lock", "TinyDet_Weights.DEFAULT", "-o", str(lockfile))
    assert more.code == 0, more.err
    assert "(1 new)" in more.out
    assert set(_entries(lockfile)) == {*TINYNET_AND_TINYSEG, "tinydet-v1.pth"}


def test_under_the_lock_only_locked_files_are_fetched(cli, tmp_path, photo_file, expect_error):
    lockfile = tmp_path / "team.lock"
    assert cli("lock", "clitest_tinynet", "-o", str(lockfile)).code == 0
    locked = {"WEIGHTHUB_LOCK": str(lockfile)}
    offline_locked = {**locked, "WEIGHTHUB_OFFLINE": "1"}
    ok = cli("predict", "-m", "clitest_tinynet", photo_file, "--json", env=offline_locked)
    assert ok.code == 0, ok.err

    refused = cli("download", "TinyDet_Weights.SYNTHETIC_V1", env=locked)
    expect_error(refused, code=1, contains="tinydet-v1.pth")
    assert str(lockfile) in refused.err
    assert f"weighthub lock -o {lockfile}" in refused.err
    assert not (cli.home / "checkpoints" / "tinydet-v1.pth").exists()

    # Locking it while that very lockfile is active works: the new file is added.
    added = cli("lock", "clitest_tinydet", "-o", str(lockfile), env=locked)
    assert added.code == 0, added.err
    assert cli("download", "TinyDet_Weights.SYNTHETIC_V1", env=locked).code == 0


def test_download_lock_fills_a_folder_with_exactly_the_locked_files(cli, tmp_path, photo_file):
    lockfile = tmp_path / "team.lock"
    assert cli("lock", "clitest_tinynet", "clitest_tinyseg", "-o", str(lockfile)).code == 0
    bundle = tmp_path / "bundle"
    fresh = {"WEIGHTHUB_HOME": str(tmp_path / "elsewhere")}
    result = cli("download", "--lock", str(lockfile), "--to", str(bundle), env=fresh)
    assert result.code == 0, result.err
    assert f"export WEIGHTHUB_HOME={bundle}" in result.out
    assert f"export WEIGHTHUB_LOCK={lockfile}" in result.out
    assert _checkpoints(bundle / "checkpoints") == TINYNET_AND_TINYSEG
    assert not (tmp_path / "elsewhere" / "checkpoints").exists()

    # The air-gapped machine: the bundle as its cache, offline, the lock enforced.
    there = {
        "WEIGHTHUB_HOME": str(bundle),
        "WEIGHTHUB_OFFLINE": "1",
        "WEIGHTHUB_MIRROR": "",
        "WEIGHTHUB_LOCK": str(lockfile),
    }
    predicted = cli("predict", "-m", "clitest_tinyseg", photo_file, env=there)
    assert predicted.code == 0, predicted.err
    again = cli("download", "--lock", str(lockfile), env=there)
    assert again.code == 0, again.err
    assert len(again.out.strip().splitlines()) == 3


def test_download_lock_copies_files_a_file_mirror_holds_into_the_bundle(cli, tmp_path):
    lockfile = tmp_path / "team.lock"
    assert cli("lock", "clitest_tinynet", "-o", str(lockfile)).code == 0
    first = tmp_path / "first"
    assert cli("download", "--lock", str(lockfile), "--to", str(first)).code == 0
    # A second bundle made from the first one, used as a file:// mirror.
    mirror = {"WEIGHTHUB_MIRROR": f"https://weights.invalid/clitest/=file://{first}/checkpoints/"}
    second = tmp_path / "second"
    result = cli("download", "--lock", str(lockfile), "--to", str(second), env=mirror)
    assert result.code == 0, result.err
    assert _checkpoints(second / "checkpoints") == {"tinynet-v1.pth", "tinynet-v2.pth"}
    for name in ("tinynet-v1.pth", "tinynet-v2.pth"):
        copied = (second / "checkpoints" / name).read_bytes()
        assert copied == (first / "checkpoints" / name).read_bytes()
        assert _entries(lockfile)[name]["sha256"] == hashlib.sha256(copied).hexdigest()
    assert "copied from" in result.out
    # A mirror file that contradicts the lock is refused, and nothing is copied.
    (first / "checkpoints" / "tinynet-v1.pth").write_bytes(b"not the locked file")
    third = tmp_path / "third"
    refused = cli("download", "--lock", str(lockfile), "--to", str(third), env=mirror)
    assert refused.code == 1 and "tinynet-v1.pth" in refused.err
    assert "tinynet-v1.pth" not in _checkpoints(third / "checkpoints")


def test_download_lock_refuses_a_file_that_differs(cli, tmp_path, expect_error):
    lockfile = tmp_path / "team.lock"
    assert cli("lock", "TinyNet_Weights.SYNTHETIC_V1", "-o", str(lockfile)).code == 0
    text = lockfile.read_text(encoding="utf-8")
    digest = _entries(lockfile)["tinynet-v1.pth"]["sha256"]
    lockfile.write_text(text.replace(digest, "0" * 64), encoding="utf-8")
    bundle = tmp_path / "bundle"
    result = cli("download", "--lock", str(lockfile), "--to", str(bundle))
    expect_error(result, code=1, contains="TinyNet_Weights.SYNTHETIC_V1")
    assert f"(from the lockfile {lockfile})" in result.err
    assert _checkpoints(bundle / "checkpoints") == set()


def test_lock_errors_are_one_line(cli, tmp_path, expect_error):
    bad = tmp_path / "bad.lock"
    bad.write_text('version = 1\n[[file]]\nurl = "x"\nname = "x"\nsize = 1\nsha256 = "x"\n')
    result = cli("download", "--lock", str(bad))
    expect_error(result, code=2, contains=f"The lockfile {bad} is malformed")
    assert "entry 1, line 2" in result.err
    assert "'sha256' must be 64 hex digits" in result.err
    expect_error(cli("download", "--lock", str(tmp_path / "none.lock")), contains="does not exist")
    empty = tmp_path / "empty.lock"
    empty.write_text("version = 1\n")
    expect_error(cli("download", "--lock", str(empty)), contains="lists no files")
    expect_error(
        cli("lock", "clitest_nosuchnet", "-o", str(tmp_path / "x.lock")), contains="Unknown"
    )
    assert not (tmp_path / "x.lock").exists()
    expect_error(cli("lock"), contains="NAME")
