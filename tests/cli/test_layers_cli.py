"""One folder convention: ``download --to DIR``, ``WEIGHTHUB_CACHE_PATH=DIR`` and ``cache ... --dir
DIR`` all name a home; ``cache ls``/``verify`` show and check the read-only layers."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "fetch"))

from _readonly import MODE, read_only


def test_download_to_then_use_as_layer(cli, tmp_path, photo_file, expect_error):
    bundle = tmp_path / "bundle"
    result = cli("download", "clitest_tinynet", "--to", str(bundle), "--no-progress")
    assert result.code == 0, result.err
    assert f"export WEIGHTHUB_CACHE_PATH={bundle}" in result.out
    layer_file = bundle / "checkpoints" / "tinynet-v2.pth"

    # Another machine: offline, an empty cache, the bundle as a (really) read-only layer.
    env = {"WEIGHTHUB_OFFLINE": "1", "WEIGHTHUB_MIRROR": "", "WEIGHTHUB_CACHE_PATH": str(bundle)}
    with read_only(bundle):
        predicted = cli("predict", "-m", "clitest_tinynet", photo_file, "--json", env=env)
        assert predicted.code == 0, predicted.err
        listed = cli("cache", "ls", "--json", env=env)
        assert listed.code == 0, listed.err
        assert [(r["path"], r["status"], r["read_only"]) for r in listed.json()] == [
            (str(layer_file), "ok", True)
        ]
        table = cli("cache", "ls", env=env).out
        assert f"Read-only layer {bundle} (WEIGHTHUB_CACHE_PATH):" in table
        assert "tinynet-v2.pth" in table
        verified = cli("cache", "verify", "--json", env=env)
        assert verified.code == 0, verified.err
        assert [r["status"] for r in verified.json()] == ["ok"]
        info = cli("info", "TinyNet_Weights.DEFAULT", "--json", env=env)
        assert info.json()["weights"][0]["cache"] == {
            "kind": "remote",
            "path": str(layer_file),
            "cached": True,
            "problem": None,
        }
        # --dir names the same home.
        by_dir = cli("cache", "ls", "--dir", str(bundle), "--json", env={"WEIGHTHUB_OFFLINE": "1"})
        assert [r["path"] for r in by_dir.json()] == [str(layer_file)]
    assert not (cli.home / "checkpoints" / "tinynet-v2.pth").exists()
    assert MODE in ("read-only-bind-mount", "listing-and-mtimes")


def test_verify_reports_a_corrupt_layer_file_without_touching_it(cli, tmp_path):
    bundle = tmp_path / "bundle"
    assert cli("download", "clitest_tinynet", "--to", str(bundle), "--no-progress").code == 0
    layer_file = bundle / "checkpoints" / "tinynet-v2.pth"
    data = layer_file.read_bytes()
    layer_file.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    env = {"WEIGHTHUB_CACHE_PATH": str(bundle)}
    with read_only(bundle):
        result = cli("cache", "verify", env=env)
    assert result.code == 1
    assert f"{layer_file} in a read-only layer is corrupt" in result.err


def test_bad_layer_is_a_clear_error(cli, tmp_path, expect_error):
    missing = tmp_path / "not-mounted"
    result = cli("cache", "ls", env={"WEIGHTHUB_CACHE_PATH": str(missing)})
    expect_error(result, code=2, contains=f"WEIGHTHUB_CACHE_PATH lists '{missing}'")
