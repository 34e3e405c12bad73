"""The commands take plugin-namespace names: ``tiny/tinynet``, ``tiny/TinyNet_Weights.MEMBER``
and ``tiny/tinynet.tag``, next to clitest's same-named ``TinyNet_Weights``."""

from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


def test_list_takes_namespace_patterns(ns_cli):
    result = ns_cli("list", "tiny/*", "--json")
    assert result.code == 0, result.err
    [record] = result.json()
    assert record["name"] == "tiny/tinynet"
    assert record["weights_enum"] == "tiny/TinyNet_Weights"
    assert record["default"] == "tiny/TinyNet_Weights.SYNTHETIC_V1"
    everything = ns_cli("list", "--json").json()
    assert {"clitest_tinynet", "tiny/tinynet"} <= {r["name"] for r in everything}
    weights = ns_cli("list", "--weights", "tiny/*", "--json")
    assert weights.code == 0, weights.err
    assert {r["name"] for r in weights.json()} == {
        "tiny/TinyNet_Weights.SYNTHETIC_V1",
        "tiny/TinyNet_Weights.SYNTHETIC_V2",
    }
    missing = ns_cli("list", "tiny/tinynt")
    assert "'tiny/tinynt' matches no model. Did you mean 'tiny/tinynet'" in missing.err


def test_info_takes_full_names_and_tags(ns_cli, expect_error):
    for name in ("tiny/tinynet.synthetic_v2", "tiny/TinyNet_Weights.SYNTHETIC_V2"):
        result = ns_cli("info", name, "--json")
        assert result.code == 0, result.err
        found = result.json()
        assert [m["name"] for m in found["models"]] == ["tiny/tinynet"]
        assert [w["name"] for w in found["weights"]] == ["tiny/TinyNet_Weights.SYNTHETIC_V2"]
    # The short name is clitest's own enum, unchanged.
    own = ns_cli("info", "TinyNet_Weights.SYNTHETIC_V2", "--json").json()
    assert [m["name"] for m in own["models"]] == ["clitest_tinynet"]
    expect_error(ns_cli("info", "tiny/tinynt"), contains="Did you mean 'tiny/tinynet'?")
    expect_error(ns_cli("info", "tiyn/tinynet"), contains="Did you mean 'tiny'?")


def test_download_and_lock_take_full_names(ns_cli, tmp_path):
    result = ns_cli("download", "tiny/tinynet", "--json")
    assert result.code == 0, result.err
    [record] = result.json()
    assert record["weights"] == "tiny/TinyNet_Weights.SYNTHETIC_V1"  # tiny's DEFAULT
    lockfile = tmp_path / "tiny.lock"
    locked = ns_cli("lock", "tiny/tinynet.synthetic_v2", "-o", str(lockfile))
    assert locked.code == 0, locked.err
    [entry] = tomllib.loads(lockfile.read_text(encoding="utf-8"))["file"]
    assert entry["name"] == "tinynet-v2.pth"
    assert entry["weights"] == ["tiny/TinyNet_Weights.SYNTHETIC_V2"]


def test_predict_takes_model_dot_tag(ns_cli, photo_file, expect_error):
    result = ns_cli("predict", "-m", "tiny/tinynet.synthetic_v2", photo_file, "--json")
    assert result.code == 0, result.err
    by_weights = ns_cli(
        "predict",
        "-m",
        "tiny/tinynet",
        "-w",
        "tiny/TinyNet_Weights.SYNTHETIC_V2",
        photo_file,
        "--json",
    )
    assert by_weights.code == 0, by_weights.err
    assert result.json() == by_weights.json()
    expect_error(
        ns_cli("predict", "-m", "tiny/tinynet.synthetic_v2", "-w", "SYNTHETIC_V1", photo_file),
        contains="names its weights already",
    )
