"""Generate the catalogue of timm's weights (``docs/models/timm.md``) from the installed plugin.

weighthub-timm carries every pretrained tag of its timm release (1,826 for timm 1.0.31): one
table of that many rows is unreadable, so the catalogue is grouped by family (timm's model
module: ``resnet``, ``vision_transformer`` ..., from the plugin's manifest), each family a
collapsed ``<details>`` section holding a weights table built as :mod:`weights_tables` builds the
first-party ones (same ``list-table``, same ``weights-table`` class, so the same CSS, the same
line breaks after dots and the same headless-Chromium check). A filter box above
(``_static/catalogue-filter.js``) shows the rows that contain every word typed, and opens their
families; the browser's own find-in-page opens a collapsed family too.

On ``builder-inited`` it writes ``docs/generated/timm/catalogue.md`` (a folder of its own, so
that :mod:`weights_tasks` does not take the page for a first-party task page); without the
plugin installed, the fragment says how to install it. The cells come from each member's
``meta`` (its public face), the grouping from :func:`weighthub_timm.manifest`.
"""

from __future__ import annotations

import html
import sys
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from weights_tables import NONE, Report, list_table, write  # noqa: E402

__all__ = ["DISTRIBUTION", "catalogue", "generate", "setup"]

logger = logging.getLogger(__name__)

DISTRIBUTION = "weighthub-timm"
FRAGMENT = Path("timm") / "catalogue.md"
HUB = "https://huggingface.co"


def _input(meta: dict[str, Any]) -> str:
    def size(shape: Sequence[int]) -> str:
        height, width = shape[-2:]
        return str(height) if height == width else f"{height}\N{MULTIPLICATION SIGN}{width}"

    text = size(meta["x_input_size"])
    test = meta.get("x_test_input_size")
    return f"{text} (test {size(test)})" if test and tuple(test) != meta["x_input_size"] else text


def _classes(meta: dict[str, Any]) -> str:
    """timm's label set (``imagenet-1k``, ``imagenet-21k-goog`` ...), else the classifier's width,
    or ``headless``."""
    count = meta["x_num_classes"]
    return meta.get("x_label_set") or (str(count) if count else "headless")


def _source(meta: dict[str, Any], url: str) -> str:
    if "x_torchvision_weights" in meta and url == meta.get("x_torchvision_url"):
        return f"[torchvision](<{url}>)"
    if url.startswith(f"{HUB}/"):
        return f"[Hub](<{HUB}/{meta['x_hf_hub_id']}>)"
    return f"[URL](<{url}>)"


def _metric(meta: dict[str, Any]) -> str | None:
    top1 = meta.get("_metrics", {}).get("ImageNet-1K", {}).get("acc@1")
    return None if top1 is None else f"{top1:.2f}"


def _rows(members: Iterable[Any], metrics: bool) -> list[list[str]]:
    rows = []
    for member in members:
        meta = member.meta
        name = f"`{meta['x_timm_name']}`"
        params = meta.get("num_params")
        rows.append(
            [
                f"{name} (default)" if member is type(member).DEFAULT else name,
                *([_metric(meta) or NONE] if metrics else []),
                NONE if params is None else f"{params / 1e6:.1f}M",
                _input(meta),
                _classes(meta),
                meta.get("license") or NONE,
                _source(meta, member.url),
            ]
        )
    return rows


def catalogue(plugin: Any) -> str:
    """The catalogue fragment of an installed, loaded weighthub-timm."""
    import weighthub_timm

    found = weighthub_timm.manifest()
    families = {
        family: [weighthub_timm.weights_enum(arch) for arch in archs]
        for family, archs in sorted(found.families.items())
    }
    total = sum(len(enum) for enums in families.values() for enum in enums)
    metrics = any(
        _metric(member.meta) for enums in families.values() for e in enums for member in e
    )
    header = [
        "Weights (timm's name)",
        *(["Top-1"] if metrics else []),
        "Params",
        "Input",
        "Classes",
        "Licence",
        "Source",
    ]
    parts = [
        f"`{DISTRIBUTION}` {plugin.version} lists {total:,} weights of "
        f"{len(found.architectures):,} architectures, every pretrained tag of timm "
        f"{found.timm_version}, in {len(families)} families (timm's model modules). Click a "
        "family to open it, or type in the filter: it shows the weights whose row contains every "
        "word (`resnet50`, `in22k`, `dinov2 headless`, `cc-by-nc`). In weighthub, "
        "`resnet50.a1_in1k` is `timm/resnet50.a1_in1k`, the member `resnet50_Weights.A1_IN1K` "
        "(a tag starting with a digit gets a leading underscore: `_300EP_IN1K`); `(default)` "
        "marks the tag `DEFAULT` points to, the one `timm.create_model(arch, pretrained=True)` "
        "loads.\n",
        '<div class="catalogue-search">\n'
        '<input type="search" class="catalogue-filter" aria-label="Filter the weights" '
        'placeholder="Filter: resnet50 a1_in1k, vit in22k, headless …">\n'
        f'<span class="catalogue-count" data-total="{total}">{total:,} weights</span>\n'
        "</div>\n",
    ]
    for family, enums in families.items():
        members = [member for enum in enums for member in enum]
        parts.append(
            f'<details class="catalogue-group" data-family="{html.escape(family)}">\n'
            f"<summary><code>{html.escape(family)}</code>: {len(enums)} "
            f"architecture{'s' if len(enums) > 1 else ''}, {len(members)} "
            f"weight{'s' if len(members) > 1 else ''}</summary>\n"
        )
        parts.append(list_table(header, _rows(members, metrics), classes=["timm-catalogue"]))
        parts.append("</details>\n")
    return "\n".join(parts)


def _install_note(status: str | None, error: str | None) -> str:
    install = (
        f"Install it (`pip install {DISTRIBUTION}`; from a checkout: `pip install ./plugins/timm`) "
        "and rebuild."
    )
    if status == "failed":
        why = f"is installed but failed to load when these docs were built ({error})"
    elif status == "disabled":
        why = "was disabled (`WEIGHTHUB_PLUGINS` / `WEIGHTHUB_DISABLE_PLUGINS`) for this build"
        install = "Enable it and rebuild."
    else:
        why = "was not installed when these docs were built"
    listed = f"The plugin `{DISTRIBUTION}` {why}, so its catalogue is not listed."
    return f":::{{note}}\n{listed} {install}\n:::\n"


def generate(outdir: Path) -> Report:
    """Write the catalogue fragment into ``outdir``; return what changed."""
    import weighthub

    report = Report()
    plugin = next((p for p in weighthub.plugins() if p.distribution == DISTRIBUTION), None)
    if plugin is None or plugin.status != "loaded":
        status, error = (None, None) if plugin is None else (plugin.status, plugin.error)
        text = _install_note(status, error)
    else:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            text = catalogue(plugin)
        for item in caught:  # reading the manifest and meta warns of nothing: say so if it does
            logger.warning("%s: %s", item.category.__name__, item.message, type="timm_catalogue")
    target = outdir / FRAGMENT
    target.parent.mkdir(parents=True, exist_ok=True)
    write(target, text.encode(), report)
    return report


def _on_builder_inited(app: Sphinx) -> None:
    outdir = Path(app.srcdir) / app.config.weights_tables_output
    report = generate(outdir)
    logger.info("timm_catalogue: %s %s", "wrote" if report.written else "unchanged", FRAGMENT)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("weights_tables")  # its config value, its table classes
    app.connect("builder-inited", _on_builder_inited)
    app.add_js_file("catalogue-filter.js", loading_method="defer")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
