"""``--help``, ``--version``, errors, ``list``, ``plugins`` and ``info`` (real subprocesses)."""

from __future__ import annotations

import subprocess
import sys

import pytest

COMMANDS = [
    [],
    ["list"],
    ["plugins"],
    ["info"],
    ["download"],
    ["predict"],
    ["cache"],
    ["cache", "ls"],
    ["cache", "verify"],
    ["cache", "rm"],
    ["cache", "clear"],
    ["check"],
]


def test_version(cli):
    result = cli("--version")
    assert result.code == 0
    assert result.out.strip() == "weighthub 0.1.0"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "weighthub")
def test_help(cli, command):
    result = cli(*command, "--help")
    assert result.code == 0, result.err
    assert result.out.startswith(f"usage: weighthub {' '.join(command)}".rstrip())


def test_no_command_prints_help_and_fails(cli):
    result = cli()
    assert result.code == 2
    assert "usage: weighthub" in result.err


def test_usage_errors_are_one_line(cli, expect_error):
    expect_error(cli("frobnicate"), contains="invalid choice: 'frobnicate'")
    expect_error(cli("list", "--bogus"), contains="unrecognized arguments: --bogus")
    expect_error(cli("predict", "x.jpg"), contains="--model")


@pytest.mark.parametrize(
    ("args", "contains"),
    [
        (["info", "clitest_tinynett"], "Did you mean 'clitest_tinynet'"),
        (["info", "TinyNett_Weights.SYNTHETIC_V1"], "Did you mean 'TinyNet_Weights'"),
        (["info", "TinyNet_Weights.SYNTHETIC_V3"], "has no member 'SYNTHETIC_V3'"),
        (["info", "a.b.c"], "Invalid weight name"),
        (["download", "clitest_nosuch"], "Unknown model clitest_nosuch"),
        (["predict", "-m", "clitest_nosuch", "x.jpg"], "Unknown model clitest_nosuch"),
        (["predict", "-m", "clitest_tinynet", "-w", "V9", "x.jpg"], "has no member 'V9'"),
    ],
)
def test_unknown_names_exit_2_with_one_line(cli, expect_error, args, contains):
    expect_error(cli(*args), contains=contains)


def test_list_table(cli):
    result = cli("list", "--plugin", "clitest")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].split() == ["MODEL", "TASK", "PLUGIN", "WEIGHTS", "DEFAULT"]
    rows = {line.split()[0]: line.split() for line in lines[1:] if line.startswith("clitest")}
    assert rows["clitest_tinynet"] == [
        "clitest_tinynet",
        "image_classification",
        "clitest",
        "2",
        "TinyNet_Weights.SYNTHETIC_V2",
    ]
    assert rows["clitest_noweights"][3:] == ["0", "-"]
    assert lines[-1] == "5 models"


def test_list_filters_and_json(cli):
    def names(*args):
        result = cli("list", "--json", *args)
        assert result.code == 0, result.err
        return [record["name"] for record in result.json()]

    assert names("--plugin", "weighthub-clitest", "clitest_tiny*") == [
        "clitest_tinydet",
        "clitest_tinynet",
        "clitest_tinyseg",
        "clitest_tinyvideo",
    ]
    assert names("--plugin", "clitest", "--task", "object_detection") == ["clitest_tinydet"]
    assert "clitest_noweights" not in names("--plugin", "clitest", "--pretrained")
    assert names("--plugin", "clitest", "--exclude", "*tiny*") == ["clitest_noweights"]
    assert names("clitest_tinyseg", "clitest_tinyvideo") == ["clitest_tinyseg", "clitest_tinyvideo"]
    [record] = cli("list", "--json", "clitest_tinynet").json()
    assert record == {
        "name": "clitest_tinynet",
        "task": "image_classification",
        "plugin": "clitest",
        "distribution": "weighthub-clitest",
        "weights_enum": "TinyNet_Weights",
        "weights": ["TinyNet_Weights.SYNTHETIC_V1", "TinyNet_Weights.SYNTHETIC_V2"],
        "default": "TinyNet_Weights.SYNTHETIC_V2",
        "error": None,
    }
    assert cli("list", "--json", "nothing-matches-this").json() == []


@pytest.mark.parametrize("command", [["list"], ["list", "--json"], ["plugins"], ["cache", "ls"]])
def test_torch_free_commands_do_not_import_torch(cli, command):
    # Every installed plugin (first-party ones too) is discovered and its weights enums loaded.
    code = (
        "import sys\n"
        "from weighthub._cli import main\n"
        f"assert main({command!r}) == 0\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
        "assert 'torchvision' not in sys.modules, 'torchvision was imported'\n"
    )
    if command[0] == "list":  # the weights enums were really imported
        code += "assert 'weighthub_clitest._weights' in sys.modules\n"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=cli.env, timeout=120
    )
    assert done.returncode == 0, done.stderr


def test_real_list_command_under_importtime_imports_no_torch(cli):
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "weighthub", "list"],
        capture_output=True,
        text=True,
        env=cli.env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    modules = [
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    ]
    assert "weighthub._cli" in modules
    assert not [m for m in modules if m.split(".")[0] in {"torch", "torchvision", "numpy"}]


def test_plugins_json_reports_failed_plugins(broken_cli):
    result = broken_cli("plugins", "--json")
    assert result.code == 0, result.err
    records = {record["name"]: record for record in result.json()}
    assert records["clitest"]["status"] == "loaded"
    assert records["clitest"]["models"] == 5
    assert records["clitest"]["distribution"] == "weighthub-clitest"
    assert records["clitest"]["version"] == "0.0.1"
    assert records["clitest"]["error"] is None
    crash = records["clitest-crash"]
    assert crash["status"] == "failed"
    assert crash["models"] == 0
    assert crash["error"] == "RuntimeError: clitest-crash is broken on purpose"
    # The skipped plugin is reported as a one-line warning, not a traceback.
    assert "weighthub: warning: Skipping weighthub plugin 'clitest-crash'" in result.err
    assert "Traceback" not in result.err
    text = broken_cli("plugins")
    assert "clitest-crash" in text.out
    assert "failed" in text.out


def test_plugins_disabled(cli):
    result = cli("plugins", "--json", env={"WEIGHTHUB_DISABLE_PLUGINS": "clitest"})
    records = {record["name"]: record for record in result.json()}
    assert records["clitest"]["status"] == "disabled"


def test_info_on_a_model(cli):
    result = cli("info", "clitest_tinynet", "--json")
    assert result.code == 0, result.err
    info = result.json()
    [model] = info["models"]
    assert model["name"] == "clitest_tinynet"
    assert model["default"] == "TinyNet_Weights.SYNTHETIC_V2"
    assert model["builder"] == "weighthub_clitest._models:clitest_tinynet"
    assert [w["name"] for w in info["weights"]] == [
        "TinyNet_Weights.SYNTHETIC_V1",
        "TinyNet_Weights.SYNTHETIC_V2",
    ]
    v1, v2 = info["weights"]
    assert (v1["default"], v2["default"]) == (False, True)
    assert v1["num_params"] == 5112
    assert v1["metrics"] == {"ImageNet-1K": {"acc@1": 0.1, "acc@5": 0.5}}
    assert v1["min_size"] == [16, 16]
    assert v1["num_categories"] == 1000
    assert v1["transforms"] == "ImageClassification(crop_size=32, resize_size=36)"
    assert "central crop of ``crop_size=[32]``" in v1["transforms_description"]
    assert v1["cache"] == {
        "kind": "remote",
        "path": str(cli.home / "checkpoints" / "tinynet-v1.pth"),
        "cached": False,
        "problem": None,
    }


def test_info_on_a_weights_name(cli):
    result = cli("info", "TinyNet_Weights.DEFAULT")
    assert result.code == 0, result.err
    out = result.out
    assert out.startswith("clitest_tinynet  (image_classification, plugin 'clitest' from")
    assert "TinyNet_Weights.SYNTHETIC_V2  (default)" in out
    assert "TinyNet_Weights.SYNTHETIC_V1" not in out
    assert "url:          https://weights.invalid/clitest/tinynet-v2.pth" in out
    flat = " ".join(out.split())  # long paths are wrapped onto their own line
    assert f"cached: no (would be {cli.home / 'checkpoints' / 'tinynet-v2.pth'})" in flat
    assert "metrics:      ImageNet-1K: acc@1 0.1, acc@5 0.5" in out
    assert cli("download", "TinyNet_Weights.DEFAULT").code == 0
    flat = " ".join(cli("info", "TinyNet_Weights.SYNTHETIC_V2").out.split())
    assert f"cached: yes, {cli.home / 'checkpoints' / 'tinynet-v2.pth'}" in flat


def test_info_on_a_model_without_weights(cli):
    result = cli("info", "clitest_noweights")
    assert result.code == 0, result.err
    assert "none (no pretrained weights)" in result.out


@pytest.mark.parametrize(
    ("args", "contains"),
    [
        (["list", "--task", "detection"], "Did you mean 'object_detection'?"),
        (["list", "--plugin", "clitestt"], "No plugin 'clitestt' is installed. Did you mean"),
        (["list", "--json", "--task", "segmentation"], "Did you mean 'semantic_segmentation'?"),
    ],
)
def test_list_filters_naming_nothing_are_errors_with_hints(cli, expect_error, args, contains):
    expect_error(cli(*args), contains=contains)


def test_list_with_no_plugin_loaded_names_the_active_filter(cli, expect_error):
    expect_error(
        cli("list", env={"WEIGHTHUB_PLUGINS": "nosuch"}),
        contains="No plugin is loaded (active filters: WEIGHTHUB_PLUGINS='nosuch')",
    )


def test_list_empty_results_explain_why(cli):
    result = cli("list", "clitest_tinynett")
    assert result.code == 0
    assert "'clitest_tinynett' matches no model. Did you mean 'clitest_tinynet'" in result.err
    both = cli("list", "--plugin", "clitest", "--task", "optical_flow")
    assert "No model passes --task optical_flow --plugin clitest together." in both.err


def test_list_fits_80_columns_and_keeps_model_names_whole(cli):
    names = [record["name"] for record in cli("list", "--json").json()]
    assert max(map(len, names)) > 30, "the first-party plugins make the table wide"
    result = cli("list", env={"COLUMNS": "80"})
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert max(len(line) for line in lines) <= 80, max(lines, key=len)
    rows = [line.split()[0] for line in lines[1:] if line and not line[0].isdigit()]
    assert rows == names
    wide = cli("list", env={"COLUMNS": "250"}).out.splitlines()
    assert wide[0].split() == ["MODEL", "TASK", "PLUGIN", "WEIGHTS", "DEFAULT"]


def test_info_suggests_names_whatever_their_case(cli, expect_error):
    expect_error(
        cli("info", "tinynet_weights.synthetic_v1"),
        contains="Did you mean 'TinyNet_Weights.SYNTHETIC_V1'?",
    )
    expect_error(
        cli("predict", "-m", "clitest_tinynet", "-w", "synthetic_v1", "x.jpg"),
        contains="Did you mean 'SYNTHETIC_V1'",
    )


def test_info_text_shows_unpublished_metrics_as_a_dash_and_json_as_null(cli):
    name = "VGG16_Weights.IMAGENET1K_FEATURES"
    text = cli("info", name)
    assert text.code == 0, text.err
    assert "metrics:      ImageNet-1K: acc@1 \u2013, acc@5 \u2013" in text.out
    assert "nan" not in text.out.lower().split()
    [weights] = cli("info", name, "--json").json()["weights"]
    assert weights["metrics"] == {"ImageNet-1K": {"acc@1": None, "acc@5": None}}


def test_info_renders_rest_as_plain_text_and_aligns_long_labels(cli):
    out = cli("info", "swin3d_t").out
    assert "``" not in out and "`frame_rate=15`" not in out
    assert "single (T, C, H, W) video frame" in " ".join(out.split())
    assert "frame_rate=15" in out
    labels = [line for line in out.splitlines() if line.startswith("  ") and ":" in line]
    starts = {line.index(line.split(":", 1)[1].strip()) for line in labels if line[2] != " "}
    assert len(starts) == 1, labels
    assert "  min_temporal_size: 1" in out


def test_a_weights_only_plugin_points_list_at_its_weights(cli, pets_example_installed):
    # examples/plugin-weights-pets registers no model: it attaches weights to one.
    result = cli("list", "--plugin", "example_pets_weights")
    assert result.code == 0, result.err
    assert "No models match." in result.err
    assert (
        "Plugin 'example_pets_weights' registers no models: it attaches weights (1 enum) to "
        "other plugins' models. List them with 'weighthub list --weights --plugin "
        "example_pets_weights'." in result.err
    )
    listed = cli("list", "--weights", "--plugin", "example_pets_weights")
    assert "ExamplePetsWeights_ShuffleNet_V2_X0_5_Weights.PETS_3_V1" in listed.out


@pytest.mark.parametrize(
    ("args", "contains"),
    [
        (["check", "clitest-broke"], "Did you mean 'clitest-broken'"),
        (["check", "clitestt"], "No plugin 'clitestt' is installed. Did you mean 'clitest'"),
        (["download", "--task", "detect"], "Did you mean 'object_detection'"),
        (["download", "--task", "segmentaton", "--all"], "Did you mean 'semantic_segmentation'"),
        (["download", "--plugin", "clitestt"], "Did you mean 'clitest'"),
        (["list", "--task", "detect"], "Did you mean 'object_detection'"),
    ],
)
def test_plugin_and_task_names_get_the_same_suggestions_everywhere(
    broken_cli, expect_error, args, contains
):
    expect_error(broken_cli(*args), contains=contains)


def test_check_suggests_a_plugin_name_missing_its_last_letter(cli, pets_example_installed):
    result = cli("check", "example-pets-weight")
    assert result.code == 2
    assert "Did you mean 'example-pets-weights'" in result.err


def test_an_enum_or_member_name_alone_is_recognised(cli, expect_error):
    enum = cli("info", "TinyNet_Weights")
    assert enum.code == 0, enum.err
    assert "TinyNet_Weights.SYNTHETIC_V1" in enum.out
    expect_error(
        cli("info", "SYNTHETIC_V1"), contains="'TinyNet_Weights.SYNTHETIC_V1', 'TinySeg_Weights"
    )
