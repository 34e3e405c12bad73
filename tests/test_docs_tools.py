"""The docs' chart captions and dot spreading, and the headless-Chromium table check."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


tables = _load("weights_tables", ROOT / "docs" / "_ext" / "weights_tables.py")
browser_check = _load("check_docs_in_browser", ROOT / "scripts" / "check_docs_in_browser.py")


def test_coincident_dots_are_spread_and_others_stay():
    offsets, moved = tables.spread([(100.0, 50.0), (101.0, 51.0), (300.0, 50.0), (100.5, 50.0)])
    assert moved == 3
    group = sorted(offsets[i] for i in (0, 1, 3))
    assert group == [-7.0, 0.0, 7.0]
    assert offsets[2] == 0.0


def _spec(slug: str):
    return next(spec for spec in tables.TASKS if spec.slug == slug)


def test_optical_flow_chart_shows_every_charted_entry_and_names_the_rest():
    import weighthub

    spec = _spec("optical-flow")
    rows = tables.rows_of(weighthub.list_models(task=spec.task, pretrained=True))
    chart = tables.chart(spec, rows)
    assert chart is not None
    caption = tables.caption(spec, chart, tables.left_out(spec, rows))
    assert len(chart.dots) == 4 and chart.spread == 2  # raft_small's two entries coincide
    assert sorted(chart.labelled + chart.unlabelled) == sorted(chart.dots)  # few dots: all
    assert "Each of the 4 dots" in caption
    assert ("Every dot is labelled." in caption) == (not chart.unlabelled)
    for name in ("C_T_SKHT_V1", "C_T_SKHT_V2", "C_T_SKHT_K_V1", "C_T_SKHT_K_V2"):
        assert f"`Raft_Large_Weights.{name}`" in caption
    assert len(chart.dots) + len(tables.left_out(spec, rows)) == len(rows)


def test_classification_caption_names_exactly_the_unlabelled_red_dots():
    import weighthub

    spec = _spec("classification")
    rows = tables.rows_of(weighthub.list_models(task=spec.task, pretrained=True))
    chart = tables.chart(spec, rows)
    assert chart is not None and not chart.label_all
    assert set(chart.labelled) | set(chart.unlabelled) == set(chart.frontier)
    assert not set(chart.labelled) & set(chart.unlabelled)
    caption = tables.caption(spec, chart, tables.left_out(spec, rows))
    for name in chart.unlabelled:
        assert f"`{name}`" in caption
    for name in chart.labelled:
        assert f"`{name}`" not in caption
    assert "vgg16 IMAGENET1K_FEATURES" not in chart.dots, "an unpublished metric is not a dot"


_PAGE = """<!doctype html><html><head><style>
body {{ margin: 0; }} .content {{ width: {content}px; margin-left: 300px; }}
.table-wrapper {{ overflow-x: auto; }} td, th {{ white-space: nowrap; padding: 4px; }}
</style></head><body><div class="content"><div class="table-wrapper">
<table class="weights-table"><thead><tr>{headers}</tr></thead>
<tbody><tr>{cells}</tr></tbody></table></div></div></body></html>"""


def _page(tmp_path: Path, content: int, columns: int) -> Path:
    folder = tmp_path / "html" / "models"
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / "table.html"
    page.write_text(
        _PAGE.format(
            content=content,
            headers="".join(f"<th>Column number {i}</th>" for i in range(columns)),
            cells="".join(f"<td>value {i}</td>" for i in range(columns)),
        ),
        encoding="utf-8",
    )
    return page


@pytest.mark.skipif(browser_check.find_browser() is None, reason="needs Chromium (apt chromium)")
def test_browser_check_tells_a_fitting_table_from_a_scrolling_one(tmp_path):
    browser = browser_check.find_browser()
    fitting = browser_check.measure(browser, _page(tmp_path, 900, 4), 1280, tmp_path / "a.png")
    assert fitting is not None and fitting.ok, fitting
    assert fitting.header == "Column number 3"
    assert (tmp_path / "a.png").stat().st_size > 1000, "a screenshot was taken"
    scrolling = browser_check.measure(browser, _page(tmp_path, 900, 12), 1280)
    assert scrolling is not None and not scrolling.ok
    assert scrolling.table_width > scrolling.wrapper_width
    offscreen = browser_check.measure(browser, _page(tmp_path, 1100, 9), 1280)
    assert offscreen is not None and not offscreen.ok
    assert offscreen.header_right > offscreen.viewport
    assert browser_check.main([str(tmp_path / "html"), "--screenshots", str(tmp_path)]) == 1


def test_browser_check_says_how_to_get_chromium(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("WEIGHTHUB_CHROMIUM", raising=False)
    if shutil.which("chromium") is None:
        assert browser_check.main([str(tmp_path)]) == 2
        assert "apt-get install -y chromium" in capsys.readouterr().err
