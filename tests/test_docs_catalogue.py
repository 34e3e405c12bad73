"""The docs' catalogue of timm's weights: one row per tag, grouped by family, filterable in a real
headless Chromium; and the third-party page leaves it to its own page."""

from __future__ import annotations

import importlib.util
import re
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
catalogue = _load("timm_catalogue", ROOT / "docs" / "_ext" / "timm_catalogue.py")
browser_check = _load("check_docs_in_browser", ROOT / "scripts" / "check_docs_in_browser.py")
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
        "25.6M",
        "224 (test 288)",
        "imagenet-1k",
        "apache-2.0",
        "[Hub](<https://huggingface.co/timm/resnet50.a1_in1k>)",
    ]
    tv = row("resnet50.tv2_in1k")
    assert tv[-1] == "[torchvision](<https://download.pytorch.org/models/resnet50-11ad3fa6.pth>)"
    assert row("vit_base_patch14_dinov2.lvd142m")[3] == "headless"
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
