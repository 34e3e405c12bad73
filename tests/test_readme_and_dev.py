"""The README quickstart runs as written, offline; scripts/dev.py refuses old Pythons first."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEIGHTHUB_")}
    return {**env, "WEIGHTHUB_HOME": str(tmp_path / "home"), "WEIGHTHUB_OFFLINE": "1"}


def test_readme_quickstart_runs_offline_as_written(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quickstart", 1)[1]
    first_block = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert first_block is not None
    code = first_block.group(1)
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
