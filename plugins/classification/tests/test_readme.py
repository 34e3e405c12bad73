"""The README's model table is the one generated from the weights' meta."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _generated_table() -> str:
    spec = importlib.util.spec_from_file_location(
        "model_table", ROOT / "scripts" / "model_table.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.model_table()


def test_readme_table_is_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = _generated_table()
    assert table in readme, (
        "README.md's model table is stale: regenerate it with "
        "`python plugins/classification/scripts/model_table.py`"
    )
    assert table.count("\n") == 116  # header, separator and 115 weights
