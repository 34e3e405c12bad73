"""The README's model table matches the weights' meta (WEIGHTHUB_UPDATE_README=1 rewrites it)."""

from pathlib import Path

from weighthub.testing import check_readme_table


def test_readme_table_is_generated_from_meta() -> None:
    check_readme_table(Path(__file__).parents[1] / "README.md", "weighthub-quantized")
