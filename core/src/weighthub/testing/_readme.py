"""A plugin README's table of models and weights, generated from the registered meta."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._api import get_model_weights, list_models
from .._distributions import plugin_matches
from .._plugins import catalogue
from .._weights import WeightsEnum

__all__ = ["README_TABLE_BEGIN", "README_TABLE_END", "check_readme_table", "models_table"]

README_TABLE_BEGIN = "<!-- weighthub:models-table:begin (checked by weighthub.testing) -->"
README_TABLE_END = "<!-- weighthub:models-table:end -->"


def _number(value: Any, spec: str) -> str:
    if isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)):
        return format(value, spec)
    return "\u2013"  # an unpublished metric, shown as in the docs tables and `weighthub info`


TABLE_HEADER = (
    "| model | weights | metrics | params | GFLOPs | file size (MiB) |",
    "| --- | --- | --- | ---: | ---: | ---: |",
)


def _metrics(metrics: Mapping[str, Mapping[str, Any]]) -> str:
    return "; ".join(
        f"{dataset}: "
        + ", ".join(f"{name} {_number(value, 'g')}" for name, value in values.items())
        for dataset, values in metrics.items()
    )


def table_rows(model: str, enum: type[WeightsEnum]) -> list[str]:
    """The table rows of one model's weights enum (its own or an attached one)."""
    rows = []
    for member in enum:
        meta = member.meta
        default = " (default)" if member is enum.__members__.get("DEFAULT") else ""
        params = meta.get("num_params")
        millions = params / 1e6 if isinstance(params, int) else None
        rows.append(
            f"| `{model}` | `{member!r}`{default} | {_metrics(meta.get('_metrics', {}))} | "
            f"{_number(millions, '.1f')}M | "
            f"{_number(meta.get('_ops'), '.3f')} | {_number(meta.get('_file_size'), '.1f')} |"
        )
    return rows


def models_table(plugin: str) -> str:
    """Render every model and weights of ``plugin`` as a Markdown table.

    Columns: model, weights (the default marked), metrics per dataset, parameters, GFLOPs and
    file size (MiB), all read from the weights' ``meta``. Enums the plugin attaches to other
    plugins' models follow its own models.

    Args:
        plugin: The plugin's entry-point or distribution name.
    """
    rows = list(TABLE_HEADER)
    for name in list_models(plugin=plugin):
        try:
            enum = get_model_weights(name)
        except ValueError:
            rows.append(f"| `{name}` | no pretrained weights | | | | |")
            continue
        rows.extend(table_rows(name, enum))
    # Weights the plugin attaches to other plugins' models.
    found = catalogue()
    for attachments in found.attachments.values():
        for attachment in attachments:
            if plugin_matches([plugin], attachment.plugin, attachment.distribution):
                rows.extend(table_rows(attachment.model, attachment.load_weights()))
    return "\n".join(rows)


def check_readme_table(readme: str | Path, plugin: str, *, update: bool | None = None) -> None:
    """Check that ``readme`` holds the current :func:`models_table` of ``plugin``.

    The table sits between :data:`README_TABLE_BEGIN` and :data:`README_TABLE_END` lines. With
    ``update=True`` (default: the ``WEIGHTHUB_UPDATE_README=1`` environment variable) the file is
    rewritten instead.

    Raises:
        AssertionError: The markers are missing, or the table is stale.
    """
    path = Path(readme)
    text = path.read_text(encoding="utf-8")
    if README_TABLE_BEGIN not in text or README_TABLE_END not in text:
        msg = f"{path} needs the lines {README_TABLE_BEGIN!r} and {README_TABLE_END!r}."
        raise AssertionError(msg)
    head, _, rest = text.partition(README_TABLE_BEGIN)
    _, _, tail = rest.partition(README_TABLE_END)
    expected = f"{head}{README_TABLE_BEGIN}\n{models_table(plugin)}\n{README_TABLE_END}{tail}"
    if update is None:
        update = os.environ.get("WEIGHTHUB_UPDATE_README") == "1"
    if update:
        path.write_text(expected, encoding="utf-8")
    elif text != expected:
        msg = f"The model table in {path} is stale; rerun with WEIGHTHUB_UPDATE_README=1."
        raise AssertionError(msg)
