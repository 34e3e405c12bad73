"""weighthub.testing's README table helpers, on the test plugin installed for the session."""

import pytest

from weighthub.testing import README_TABLE_BEGIN, README_TABLE_END, check_readme_table, models_table


def test_models_table_lists_every_weights_and_models_without(use_plugins):
    use_plugins("good")
    with pytest.warns(UserWarning):  # the test plugin's V2 breaks the schema on purpose
        table = models_table("good")
    lines = table.splitlines()
    assert lines[0].startswith("| model | weights | metrics |")
    assert (
        "| `goodnet` | `GoodNet_Weights.IMAGENET1K_V1` (default) | "
        "ImageNet-1K: acc@1 50, acc@5 100 |" in table
    )
    assert "| `plainnet` | no pretrained weights |" in table
    assert len(lines) == 2 + 3


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_check_readme_table_detects_stale_tables_and_updates(use_plugins, tmp_path):
    use_plugins("good")
    readme = tmp_path / "README.md"
    readme.write_text(f"# Plugin\n\n{README_TABLE_BEGIN}\n| old |\n{README_TABLE_END}\n\nMore.\n")
    with pytest.raises(AssertionError, match="stale"):
        check_readme_table(readme, "good")
    check_readme_table(readme, "good", update=True)
    check_readme_table(readme, "good")
    text = readme.read_text()
    assert text.startswith("# Plugin\n\n") and text.endswith("\n\nMore.\n")
    readme.write_text("no markers")
    with pytest.raises(AssertionError, match="needs the lines"):
        check_readme_table(readme, "good")
