"""From a checkpoint to an installed, checked weights plugin: describe, new plugin, convert.

Real processes and real installs: the generated plugin is pip-installed into a folder put on
PYTHONPATH, then ``weighthub check``, its own tests, ruff and mypy run on it as a third party would.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode
from torchvision.models import resnet18
from torchvision.models.detection import fasterrcnn_mobilenet_v3_large_320_fpn

from weighthub.testing import pip_install_target

ROOT = Path(__file__).resolve().parents[2]
# Category names travel verbatim, whatever their characters: one outside the Basic Multilingual
# Plane, a line separator that is not a line break of the file, quotes and a backslash.
PETS = ["abyssinian", "emoji \U0001f600 cat", 'birman\u2028"sacred" cat \\ of Burma']

pytestmark = pytest.mark.slow


def _env(*paths: Path) -> dict[str, str]:
    """The session's environment (its HOME and caches are temporary: the kit's pytest plugin)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEIGHTHUB_")}
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in paths)
    return env


def _weighthub(*args: str, env: dict[str, str], cwd: Path | None = None):
    return subprocess.run(
        [sys.executable, "-m", "weighthub", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=600,
    )


def _run_plugin_tests(plugin: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """Run a generated plugin's own test suite against the distribution installed in ``site``."""
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(plugin)],
        capture_output=True,
        text=True,
        env=_env(site),
        cwd=plugin,
        timeout=900,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    return tests


def _assert_lint_clean(plugin: Path) -> None:
    """A generated plugin passes this repository's ruff, ruff format and mypy settings."""
    config = str(ROOT / "pyproject.toml")
    mypy = ["mypy", "--config-file", config, "--cache-dir", str(plugin.parent / ".mypy-cache")]
    for command in (
        ["ruff", "check", "--no-cache", "--config", config, str(plugin)],
        ["ruff", "format", "--check", "--no-cache", "--config", config, str(plugin)],
        [*mypy, str(plugin / "src"), str(plugin / "tests")],  # caches outside this repository
    ):
        lint = subprocess.run(
            [sys.executable, "-m", *command], capture_output=True, text=True, timeout=600
        )
        assert lint.returncode == 0, (command, lint.stdout, lint.stderr)


def _one_error(result, *needles: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("weighthub: error: ")]
    assert len(errors) == 1, result.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("authoring")
    torch.manual_seed(1)
    torch.save(resnet18(num_classes=3).state_dict(), folder / "pets.pth")
    (folder / "pets.txt").write_text("\n".join(PETS) + "\n", encoding="utf-8")
    wrapped = {f"module.{k}": v for k, v in torch.load(folder / "pets.pth").items()}
    torch.save(wrapped, folder / "pets-ddp.pth")  # as DistributedDataParallel's state_dict()
    return folder


@pytest.fixture(scope="module")
def described(workdir) -> dict:
    result = _weighthub(
        "describe",
        str(workdir / "pets.pth"),
        "--model",
        "resnet18",
        "--categories",
        str(workdir / "pets.txt"),
        "--json",
        env=_env(),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_describe_facts_match_an_independent_computation(workdir, described):
    path = workdir / "pets.pth"
    data = path.read_bytes()
    assert described["sha256"] == hashlib.sha256(data).hexdigest()
    assert described["file_size"] == len(data) == path.stat().st_size
    assert described["_file_size"] == round(len(data) / 2**20, 3)
    reference = resnet18(num_classes=3).eval()
    assert described["num_params"] == sum(p.numel() for p in reference.parameters())
    # torch's own flop counter counts 2 FLOPs per multiply-add, at the preset's 224 crop.
    with FlopCounterMode(display=False) as counter:
        reference(torch.randn(1, 3, 224, 224))
    assert described["_ops"] == round(counter.get_total_flops() / 2 / 1e9, 3)
    assert described["categories"] == PETS
    assert described["transforms"] == "preset('ImageClassification', crop_size=224)"
    assert set(described["timings"]) == {"hashing", "loading", "ops"}
    python = described["python"]
    assert python.startswith("Weights(\n")
    assert f'sha256="{described["sha256"]}"' in python
    # 3 classes: top-5 accuracy is 100% by definition, so the schema asks for acc@1 alone.
    assert '"_metrics": {"custom": {"acc@1": float("nan")}}' in python
    assert "\U0001f600" in python and "\\u2028" in python, "kept as written / escaped as Python"


def test_describe_text_output_is_the_entry(workdir, described):
    result = _weighthub(
        "describe",
        str(workdir / "pets.pth"),
        "--model",
        "resnet18",
        "--categories",
        str(workdir / "pets.txt"),
        "--url",
        "https://example.org/pets.pth",
        env=_env(),
    )
    assert result.returncode == 0, result.stderr
    assert 'url="https://example.org/pets.pth",' in result.stdout
    assert described["python"].split("\n", 2)[2] in result.stdout  # all but the url line


@pytest.fixture(scope="module")
def generated(workdir) -> subprocess.CompletedProcess[str]:
    """``weighthub new plugin acme-pets`` around the checkpoint, run in ``workdir``."""
    result = _weighthub(
        "new",
        "plugin",
        "acme-pets",
        "--name",
        "acme-pets",
        "--model",
        "resnet18",
        "--checkpoint",
        str(workdir / "pets.pth"),
        "--categories",
        str(workdir / "pets.txt"),
        "--dataset",
        "Oxford-IIIT-Pet",
        env=_env(),
        cwd=workdir,
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def installed(workdir, generated, tmp_path_factory) -> tuple[Path, Path]:
    """The generated plugin, and the folder ``pip install`` put it in."""
    plugin = workdir / "acme-pets"
    return plugin, pip_install_target(tmp_path_factory.mktemp("acme-site"), plugin)


def test_new_plugin_says_to_install_the_folder_with_its_test_extra(workdir, generated):
    # Pasted as printed, it installs the folder just written, never a PyPI name.
    next_line = generated.stdout.strip().splitlines()[-1]
    assert next_line == (
        "Next: pip install './acme-pets[test]' && weighthub check acme-pets && pytest ./acme-pets"
    )
    pyproject = (workdir / "acme-pets" / "pyproject.toml").read_text(encoding="utf-8")
    # The range the plugin guide recommends (from the installed 0.1.x), for weighthub and for the
    # model's own plugin.
    assert version("weighthub").startswith("0.1.")
    assert version("weighthub-classification").startswith("0.1.")
    assert 'dependencies = ["weighthub>=0.1,<0.2", "weighthub-classification>=0.1,<0.2"]\n' in (
        pyproject
    )
    assert '[project.optional-dependencies]\ntest = ["pytest>=7"]\n' in pyproject
    assert 'addopts = ["-p", "weighthub.testing.pytest_plugin"]\n' in pyproject


def test_new_plugin_installs_checks_and_tests_clean(installed):
    plugin, site = installed
    check = _weighthub("check", "acme-pets", env=_env(site))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "checked 0 model(s) and 1 weights" in check.stdout
    tests = _run_plugin_tests(plugin, site)
    assert "4 passed" in tests.stdout


def test_new_plugin_passes_our_ruff_and_mypy(installed):
    plugin, _ = installed
    _assert_lint_clean(plugin)


def test_installed_weights_load_bit_identical_offline(installed, workdir, tmp_path):
    _, site = installed
    code = f"""
import torch, weighthub
from weighthub import models as M
expected = torch.load({str(workdir / "pets.pth")!r}, weights_only=True)
member = M.AcmePets_ResNet18_Weights.OXFORD_IIIT_PET_V1
for model in (
    weighthub.get_model("resnet18", weights="AcmePets_ResNet18_Weights.DEFAULT"),
    M.resnet18(weights=member),
):
    state = model.state_dict()
    assert state.keys() == expected.keys()
    assert all(torch.equal(state[k], v) for k, v in expected.items())
assert member.url == "pkg://acme_pets/weights/pets.pth"
print("identical", member.meta["categories"])
"""
    env = _env(site)
    env["WEIGHTHUB_OFFLINE"] = "1"
    env["WEIGHTHUB_HOME"] = str(tmp_path / "home")
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600
    )
    assert result.returncode == 0, result.stderr
    assert f"identical {PETS}" in result.stdout


def test_listing_with_the_generated_plugin_imports_no_torch(installed):
    _, site = installed
    code = (
        "import sys, weighthub;"
        "weighthub.list_models(); names = weighthub.list_weights('resnet18');"
        "assert 'AcmePets_ResNet18_Weights.OXFORD_IIIT_PET_V1' in names, names;"
        "assert 'torch' not in sys.modules, 'torch imported'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(site), timeout=300
    )
    assert result.returncode == 0, result.stderr


def test_detection_weights_plugin_end_to_end(tmp_path):
    torch.manual_seed(2)
    model = fasterrcnn_mobilenet_v3_large_320_fpn(num_classes=4, weights_backbone=None)
    # A detection model fine-tuned from pretrained weights has frozen batch norms: no counters.
    state = {k: v for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
    torch.save(state, tmp_path / "boxes.pth")
    (tmp_path / "boxes.txt").write_text("__background__\ncat\ndog\nrabbit\n", encoding="utf-8")
    plugin, site = tmp_path / "acme-boxes", tmp_path / "site"
    result = _weighthub(
        "new",
        "plugin",
        str(plugin),
        "--name",
        "acme-boxes",
        "--model",
        "fasterrcnn_mobilenet_v3_large_320_fpn",
        "--checkpoint",
        str(tmp_path / "boxes.pth"),
        "--categories",
        str(tmp_path / "boxes.txt"),
        env=_env(),
    )
    assert result.returncode == 0, result.stderr
    weights_source = (plugin / "src" / "acme_boxes" / "_weights.py").read_text(encoding="utf-8")
    assert '"_metrics": {"custom": {"box_map": float("nan")}}' in weights_source
    pip_install_target(site, plugin)
    code = f"""
import torch, weighthub
expected = torch.load({str(tmp_path / "boxes.pth")!r}, weights_only=True)
enum = "AcmeBoxes_FasterRCNN_MobileNet_V3_Large_320_FPN_Weights"
model = weighthub.get_model("fasterrcnn_mobilenet_v3_large_320_fpn", weights=enum + ".DEFAULT")
state = model.state_dict()
assert state.keys() == expected.keys(), set(state) ^ set(expected)
assert all(torch.equal(state[k], v) for k, v in expected.items())
assert model.roi_heads.box_predictor.cls_score.out_features == 4
print("identical")
"""
    env = _env(site)
    env["WEIGHTHUB_OFFLINE"] = "1"
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600
    )
    assert run.returncode == 0, run.stderr
    check = _weighthub("check", "acme-boxes", "--ops-sample", "0", env=_env(site))
    assert check.returncode == 0, check.stdout + check.stderr


class _Payload:
    def __reduce__(self):
        return (os.system, ("echo pwned > pwned.txt",))


@pytest.mark.parametrize(
    ("case", "needles"),
    [
        (
            "misfit",
            [
                "does not fit resnet18 built with 5 categories",
                "fc.weight",
                "The checkpoint has 3 classes, but --categories lists 5",
                "pass --categories with 3 names",
            ],
        ),
        (
            "no_categories",
            [
                "does not fit resnet18 built with 1000 categories",
                "without --categories the model's default weights' 1000 were used",
                "pass --categories with 3 names",
            ],
        ),
        ("wrapped", ["fits resnet18 once the prefix 'module.' is stripped", "DataParallel"]),
        ("bad_name", ["'9lives'", "not a Python identifier"]),
        ("shadowing_name", ["'sitecustomize'", "every Python process"]),
        ("long_name", ["--name is 300 characters long", "at most 100"]),
        ("long_dir", ["DIR's name is 250 bytes long", "at most 237 bytes"]),
        ("symlink_dir", ["out is a symbolic link (to real-out)", "give the folder it points to"]),
        ("parent_is_a_file", ["Cannot write the plugin to", "notes.txt", "nothing was written"]),
        ("non_empty_dir", ["already exists and is not an empty directory"]),
        ("unknown_model", ["Unknown model resnet81", "resnet18"]),
        ("malicious", ["not a safe checkpoint"]),
        ("not_a_model_file", ["not a plain state dict", "optimizer"]),
    ],
)
def test_bad_input_is_one_error_line_and_leaves_nothing(workdir, tmp_path, case, needles):
    checkpoint, name, model = workdir / "pets.pth", "acme-pets", "resnet18"
    categories: Path | None = workdir / "pets.txt"
    target = tmp_path / "out"
    if case == "misfit":
        categories = tmp_path / "five.txt"
        categories.write_text("a\nb\nc\nd\ne\n", encoding="utf-8")
    elif case == "no_categories":
        categories = None
    elif case == "wrapped":
        checkpoint = workdir / "pets-ddp.pth"
    elif case == "bad_name":
        name = "9lives"
    elif case == "shadowing_name":
        name = "sitecustomize"
    elif case == "long_name":
        name = "a" * 300
    elif case == "long_dir":
        target = tmp_path / ("d" * 250)
    elif case == "parent_is_a_file":
        (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
        target = tmp_path / "notes.txt" / "out"
    elif case == "symlink_dir":
        (tmp_path / "real-out").mkdir()
        target.symlink_to("real-out")
    elif case == "non_empty_dir":
        target.mkdir()
        (target / "keep.txt").write_text("mine", encoding="utf-8")
    elif case == "unknown_model":
        model = "resnet81"
    elif case == "malicious":
        checkpoint = tmp_path / "evil.pth"
        torch.save({"fc.weight": torch.zeros(1), "x": _Payload()}, checkpoint)
    elif case == "not_a_model_file":
        checkpoint = tmp_path / "training.pth"
        torch.save({"model": {"fc.weight": torch.zeros(1)}, "optimizer": 3}, checkpoint)
    options = [] if categories is None else ["--categories", str(categories)]
    before = sorted(p.name for p in tmp_path.iterdir())
    result = _weighthub(
        "new", "plugin", str(target), "--name", name, "--model", model,
        "--checkpoint", str(checkpoint), *options, env=_env(), cwd=tmp_path,
    )  # fmt: skip
    _one_error(result, *needles)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no DIR, no staging folder
    if case == "non_empty_dir":
        assert [p.name for p in target.iterdir()] == ["keep.txt"]
    if case == "symlink_dir":
        assert target.is_symlink() and not any((tmp_path / "real-out").iterdir())
    assert not (tmp_path / "pwned.txt").exists()
    if case in ("misfit", "no_categories", "wrapped", "malicious", "unknown_model"):
        describe = _weighthub(
            "describe", str(checkpoint), "--model", model, *options, env=_env(), cwd=tmp_path
        )
        _one_error(describe, *needles)


def test_the_offered_command_strips_a_wrappers_prefix(workdir, described, tmp_path):
    """The error about a DistributedDataParallel checkpoint gives a command that fixes it."""
    (tmp_path / "ddp.pth").write_bytes((workdir / "pets-ddp.pth").read_bytes())
    args = ("--model", "resnet18", "--categories", str(workdir / "pets.txt"), "--json")
    refused = _weighthub("describe", "ddp.pth", *args, env=_env(), cwd=tmp_path)
    _one_error(refused, "Strip the 'module.' prefix and use the new file: python -c ")
    command = shlex.split(refused.stderr.split("use the new file: ", 1)[1])
    assert command[:2] == ["python", "-c"]
    done = subprocess.run(
        [sys.executable, *command[1:]], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    fixed = _weighthub("describe", "ddp-unwrapped.pth", *args, env=_env(), cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stderr
    assert json.loads(fixed.stdout)["num_params"] == described["num_params"]


@pytest.mark.parametrize(
    "name",
    # The issue's list, Python's start-up hooks, and test folders' names.
    [
        "json",
        "os",
        "typing",
        "enum",
        "sitecustomize",
        "usercustomize",
        "filelock",
        "pluggy",
        "safetensors",
        "fsspec",
        "tqdm",
        "numpy",
        "tests",
        "setuptools",
        "TorchVision",  # the package torchvision
        "weighthub-extra",
    ],
)
def test_names_that_would_shadow_an_importable_module_are_refused(name, tmp_path, capsys):
    from weighthub._cli import main  # the `weighthub` console script

    assert main(["new", "plugin", str(tmp_path / "out"), "--name", name]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith(f"weighthub: error: --name {name!r} would install the top-level")
    assert "pick a name of your own" in error
    assert not any(tmp_path.iterdir())


def test_a_module_importable_from_sys_path_is_not_shadowed(tmp_path, monkeypatch, capsys):
    from weighthub._cli import main

    (tmp_path / "acme_local.py").write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(["new", "plugin", str(tmp_path / "out"), "--name", "acme-local"]) == 2
    error = capsys.readouterr().err
    assert f"importable from {tmp_path / 'acme_local.py'}" in error


def test_model_plugin_scaffold_end_to_end(tmp_path):
    plugin, site = tmp_path / "acme-tiny", tmp_path / "site"
    result = _weighthub("new", "plugin", str(plugin), "--name", "acme-tiny", env=_env())
    assert result.returncode == 0, result.stderr
    assert (plugin / "src" / "acme_tiny" / "_builder.py").is_file()
    pip_install_target(site, plugin)
    check = _weighthub("check", "acme-tiny", env=_env(site))
    assert check.returncode == 0, check.stdout + check.stderr
    _run_plugin_tests(plugin, site)
    _assert_lint_clean(plugin)
