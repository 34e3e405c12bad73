"""The docs' chart captions and dot spreading, the headless-Chromium table check, and the catalogue
of timm's weights: one row per tag, grouped by family, filterable in a real headless Chromium; the
third-party page leaves it to its own page."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest
import timm

import weighthub

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


_NAMES_PAGE = """<!doctype html><html><head><style>
body {{ margin: 0; }} .content {{ width: 330px; }} table {{ width: 100%; }}
span.pre {{ white-space: nowrap; }} {extra}
</style></head><body><div class="content"><div class="table-wrapper">
<table class="weights-table"><thead><tr><th>Model</th><th>Weights</th></tr></thead>
<tbody><tr><td><code>convnext_base</code></td><td><code>{name}</code> (default)</td></tr></tbody>
</table></div></div></body></html>"""


def _names_page(tmp_path: Path, name: str, extra: str = "") -> Path:
    page = tmp_path / "html" / "models" / "names.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(_NAMES_PAGE.format(name=name, extra=extra), encoding="utf-8")
    return page


@pytest.mark.skipif(browser_check.find_browser() is None, reason="needs Chromium (apt chromium)")
def test_browser_check_finds_identifiers_broken_mid_name(tmp_path):
    browser = browser_check.find_browser()
    whole = '<span class="pre">ConvNeXt_Base_Weights.IMAGENET1K_V1</span>'
    # What the docs had: a break allowed anywhere, so the name wraps inside IMAGENET1K_V1.
    anywhere = _names_page(
        tmp_path, whole, "code { overflow-wrap: anywhere; } span.pre { white-space: normal; }"
    )
    broken = browser_check.measure(browser, anywhere, 1280)
    assert broken is not None and not broken.ok
    assert broken.broken == ("ConvNeXt_Base_Weights.IMAGENET1K_V1",)
    assert "broken mid-name" in broken.describe()
    # What weights_tables.break_after_dots writes: a <wbr> after the dot, each part unbreakable.
    split = (
        '<span class="pre">ConvNeXt_Base_Weights.</span><wbr><span class="pre">IMAGENET1K_V1</span>'
    )
    kept = browser_check.measure(browser, _names_page(tmp_path, split), 1280)
    assert kept is not None and kept.ok and kept.broken == (), kept


@pytest.mark.skipif(browser_check.find_browser() is None, reason="needs Chromium (apt chromium)")
def test_browser_check_takes_a_relative_folder_and_sees_a_page_scrolling_sideways(
    tmp_path, monkeypatch
):
    wide = _names_page(tmp_path, "x", ".content { width: 1500px; }")
    monkeypatch.chdir(tmp_path)
    fit = browser_check.measure(browser_check.find_browser(), Path("html/models/names.html"), 1280)
    assert fit is not None and not fit.ok and fit.page_width > fit.viewport, fit
    assert "scrolls sideways" in fit.describe()
    wide.write_text(_NAMES_PAGE.format(name="x", extra=""), encoding="utf-8")
    # As in the script's own usage line: a relative folder.
    assert browser_check.main(["html", "--screenshots", "shots"]) == 0
    assert (tmp_path / "shots" / "names-1280.png").is_file()


def test_weights_names_break_only_after_a_dot():
    from docutils import nodes

    def table(classes: list[str], text: str) -> nodes.table:
        return nodes.table("", nodes.literal(text, text), classes=classes)

    document = nodes.section()
    weights = table(["weights-table"], "ConvNeXt_Base_Weights.IMAGENET1K_V1")
    other = table([], "weighthub.get_model")
    model = table(["weights-table"], "convnext_base")
    document.extend([weights, other, model])
    assert tables.break_after_dots(document) == 1
    (literal,) = weights.findall(nodes.literal)
    assert [type(c).__name__ for c in literal.children] == ["Text", "raw", "Text"]
    assert literal.astext() == "ConvNeXt_Base_Weights.<wbr>IMAGENET1K_V1"
    assert [c.astext() for c in literal.children if isinstance(c, nodes.Text)] == [
        "ConvNeXt_Base_Weights.",
        "IMAGENET1K_V1",
    ]
    assert literal.children[1]["format"] == "html"
    assert other.astext() == "weighthub.get_model" and model.astext() == "convnext_base"


def test_browser_check_says_how_to_get_chromium(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("WEIGHTHUB_CHROMIUM", raising=False)
    if shutil.which("chromium") is None:
        assert browser_check.main([str(tmp_path)]) == 2
        assert "apt-get install -y chromium" in capsys.readouterr().err


# --- timm's catalogue -----------------------------------------------------------------------

catalogue = _load("timm_catalogue", ROOT / "docs" / "_ext" / "timm_catalogue.py")
FILTER_JS = ROOT / "docs" / "_static" / "catalogue-filter.js"
needs_chromium = pytest.mark.skipif(
    browser_check.find_browser() is None, reason="needs Chromium (apt chromium)"
)


@pytest.fixture(scope="module")
def fragment() -> str:
    timm_plugin = next(p for p in weighthub.plugins() if p.distribution == "weighthub-timm")
    return catalogue.catalogue(timm_plugin)


def test_every_tag_is_one_row_in_its_family(fragment):
    groups = re.findall(r'<details class="catalogue-group" data-family="([\w]+)">', fragment)
    assert len(groups) == 98 and groups == sorted(groups)
    names = re.findall(r"^\* - `([^`]+)`", fragment, flags=re.MULTILINE)
    assert sorted(names) == sorted(timm.list_pretrained())  # once each
    assert fragment.count("` (default)\n") == 1151  # one default per architecture
    # Each family's rows are its architectures' tags, in timm's order.
    sections = fragment.split('<details class="catalogue-group"')[1:]
    resnet = next(s for s in sections if s.startswith(' data-family="resnet"'))
    assert "`resnet50.a1_in1k` (default)" in resnet
    assert resnet.index("`resnet50.a1_in1k`") < resnet.index("`resnet50.tv2_in1k`")
    assert "vit_base_patch16_224.augreg2_in21k_ft_in1k" not in resnet


def test_rows_say_size_classes_licence_and_source(fragment):
    def row(name: str) -> list[str]:
        found = re.search(rf"^\* - `{re.escape(name)}`.*?(?=^\* - |^```)", fragment, re.S | re.M)
        assert found is not None, name
        return [cell.strip() for cell in found.group(0).split("\n  - ")]

    assert row("resnet50.a1_in1k")[1:] == [
        "80.38",  # timm's published ImageNet-1K top-1, at the weights' own 224
        "25.6M",
        "224 (test 288)",
        "imagenet-1k",
        "apache-2.0",
        "[Hub](<https://huggingface.co/timm/resnet50.a1_in1k>)",
    ]
    tv = row("resnet50.tv2_in1k")
    assert tv[-1] == "[torchvision](<https://download.pytorch.org/models/resnet50-11ad3fa6.pth>)"
    headless = row("vit_base_patch14_dinov2.lvd142m")
    assert headless[4] == "headless"
    assert headless[1] == catalogue.NONE  # no published metric, no placeholder number
    assert row("gcvit_tiny.in1k")[-1].startswith("[URL](<https://github.com/")


def test_without_the_plugin_the_page_says_so(tmp_path, only_plugins):
    only_plugins("classification")
    catalogue.generate(tmp_path)
    text = (tmp_path / "timm" / "catalogue.md").read_text(encoding="utf-8")
    assert "`weighthub-timm` was disabled" in text and "Enable it" in text


def test_the_third_party_page_leaves_timm_to_its_own_page(tmp_path, only_plugins):
    only_plugins("timm", "efficientnet-lite")
    tables.generate(tmp_path, listed_elsewhere=["weighthub-timm"])
    text = (tmp_path / "third-party.md").read_text(encoding="utf-8")
    assert "weighthub-efficientnet-lite" in text
    assert "weighthub-timm" not in text and "resnet50d" not in text


def test_the_third_party_page_lists_attached_weights_with_their_domain_meta(tmp_path, only_plugins):
    only_plugins("timm", "example-torchgeo-weights")
    columns = {"example-torchgeo-weights": ["sensor", "bands"]}
    tables.generate(tmp_path, listed_elsewhere=["weighthub-timm"], meta_columns=columns)
    text = (tmp_path / "third-party.md").read_text(encoding="utf-8")
    assert "48 weights attached to other plugins' models, with their `meta` keys `sensor`" in text
    bands = "B1, B2, B3, B4, B5, B6, B7, B8, B8a, B9, B10, B11, B12"
    row = "* - `torchgeo/ResNet50_Weights.SENTINEL2_ALL_MOCO`\n  - Sentinel-2 MSI\n"
    assert f"{row}  - {bands}\n" in text
    assert text.index("On `timm/resnet50`:") < text.index(row)
    assert text.index("On `timm/vit_small_patch16_224`:") > text.index(row)
    assert (
        "`torchgeo/ViTSmall16_Weights.SENTINEL1_GRD_MAE`\n  - Sentinel-1 SAR\n  - VV, VH\n" in text
    )


_GROUPS = """<!doctype html><html><head><script src="{script}" defer></script></head><body>
<div class="content"><input type="search" class="catalogue-filter">
<span class="catalogue-count" data-total="3">3 weights</span>
<details class="catalogue-group" data-family="resnet"><summary>resnet</summary>
<div class="table-wrapper"><table class="weights-table"><thead><tr><th>Weights</th><th>Source</th>
</tr></thead><tbody><tr><td><code>resnet50.a1_in1k</code></td><td>Hub</td></tr>
<tr><td><code>resnet18.tv_in1k</code></td><td>torchvision</td></tr></tbody></table></div></details>
<details class="catalogue-group" data-family="vit"><summary>vit</summary>
<div class="table-wrapper"><table class="weights-table"><thead><tr><th>Weights</th><th>Source</th>
</tr></thead><tbody><tr><td><code>vit_base_patch16_224.augreg_in21k</code></td><td>Hub</td></tr>
</tbody></table></div></details></div></body></html>"""


def _groups_page(tmp_path: Path, script: str) -> Path:
    page = tmp_path / "html" / "models" / "catalogue.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(_GROUPS.format(script=script), encoding="utf-8")
    return page


@needs_chromium
def test_the_filter_finds_a_row_in_a_collapsed_family_and_clears(tmp_path):
    page = _groups_page(tmp_path, FILTER_JS.as_uri())
    fit = browser_check.measure(browser_check.find_browser(), page, 1280)
    assert fit is not None and fit.ok, fit.describe()
    assert fit.tables == 2
    assert fit.filter == {
        "query": "resnet50.a1_in1k",
        "rows": 3,
        "matched": 1,
        "first": True,
        "restored": 3,
    }
    # Without the script the box filters nothing: the check says so.
    broken = browser_check.measure(browser_check.find_browser(), _groups_page(tmp_path, ""), 1280)
    assert broken is not None and not broken.ok
    assert "shows 3 of 3 rows" in broken.describe()
