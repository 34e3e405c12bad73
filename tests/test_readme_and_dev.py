"""The README's snippets run as written; the suite writes nothing outside its temporary folders;
scripts/dev.py refuses old Pythons first."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEIGHTHUB_")}
    return {**env, "WEIGHTHUB_HOME": str(tmp_path / "home"), "WEIGHTHUB_OFFLINE": "1"}


def _readme_snippets() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", readme, re.DOTALL)


def test_every_readme_snippet_is_run_by_a_test():
    # The quickstart (offline) and the online example, each run below: a new snippet needs a test.
    assert len(_readme_snippets()) == 2


def test_readme_quickstart_runs_offline_as_written(tmp_path):
    code = _readme_snippets()[0]
    assert "efficientnet_lite0" in code
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    listed, prediction = done.stdout.strip().splitlines()
    assert "efficientnet_lite0" in listed
    label, score = prediction.rsplit(" ", 1)
    assert label == "academic gown" and 0.2 < float(score) <= 1


@pytest.mark.slow
def test_readme_online_snippet_runs_as_written(weights_server, tmp_path):
    """torchvision's weights "online": served from loopback under their own URL (a mirror)."""
    import torch
    from torchvision.models import resnet50

    from weighthub.models import ResNet50_Weights

    code = _readme_snippets()[1]
    assert "ResNet50_Weights.DEFAULT" in code
    torch.manual_seed(0)
    served = weights_server.serve(ResNet50_Weights.IMAGENET1K_V2, resnet50().state_dict())
    check = (
        "\nassert weights is ResNet50_Weights.IMAGENET1K_V2\n"
        "print(type(model).__name__, weighthub.offline_mode())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code + check],
        capture_output=True,
        text=True,
        env=dict(os.environ),  # the isolated cache and the loopback mirror of weights_server
        cwd=tmp_path,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ResNet", "False"]
    assert weights_server.server.count(urlsplit(served).path) >= 1, "it came from the server"


# Writers of several kinds: pkg:// loads that record their file in the cache, subprocesses, the
# test plugins' pip install, torch.hub's and weighthub's default cache folders, hypothesis.
_REPRESENTATIVE = [
    "examples/plugin-weights-pets/tests",
    "examples/plugin-efficientnet-lite/tests",
    "tests/attach/test_cli_attached.py",
    "tests/attach/test_categories_file.py",
    "tests/fetch/test_config.py",
]


def _pytest_with_home(home: Path, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run pytest on this repository as a user whose HOME is ``home`` and who set nothing else."""
    home.mkdir()
    moved = ("TORCH_HOME", "HF_HOME", "PIP_CACHE_DIR", "MPLCONFIGDIR")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WEIGHTHUB_", "XDG_")) and k not in moved
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", *args],
        capture_output=True,
        text=True,
        env={**env, "HOME": str(home)},
        cwd=cwd,
        timeout=1800,
        check=False,
    )


def _contents(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.slow
def test_the_suite_writes_nothing_into_home(tmp_path):
    """weighthub.testing's pytest plugin gives the session a temporary home and caches."""
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    cwd.mkdir()  # nor in the working directory (.hypothesis, .pytest_cache ...)
    done = _pytest_with_home(home, *(str(ROOT / path) for path in _REPRESENTATIVE), cwd=cwd)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert _contents(home) == []
    assert _contents(cwd) == []
    # The example plugin alone, under its own pyproject.toml as its users run it (no cache folder
    # in the example either).
    pets = ["-p", "no:cacheprovider", "examples/plugin-weights-pets/tests"]
    alone = tmp_path / "home-of-the-example"
    done = _pytest_with_home(alone, *pets)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert _contents(alone) == []
    # Without the plugin's isolation the same writers do write there: the check can fail.
    exposed = tmp_path / "exposed-home"
    done = _pytest_with_home(exposed, "-o", "weighthub_isolated_home=false", *pets)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    records = exposed / ".cache" / "torch" / "hub" / "checkpoints" / ".local-records"
    assert any(records.glob("*shufflenet_v2_x0_5_pets.pth.weighthub.json")), _contents(exposed)


def test_dev_script_checks_the_python_version_before_anything_else(tmp_path):
    # No Python 3.9 here: run the script with the interpreter reporting 3.9.
    code = (
        "import sys, runpy\n"
        "sys.version_info = (3, 9, 18, 'final', 0)\n"
        "sys.argv = ['scripts/dev.py', 'demo']\n"
        f"runpy.run_path({str(ROOT / 'scripts' / 'dev.py')!r}, run_name='__main__')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert done.returncode == 1
    assert "scripts/dev.py needs Python 3.10+" in done.stderr
    assert "+ " not in done.stdout, "nothing ran before the check"
    assert not (tmp_path / ".venv").exists()
