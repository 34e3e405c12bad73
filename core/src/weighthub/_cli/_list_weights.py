"""``weighthub list --weights``: one row per set of weights, attached ones included.

Never imports torch: weights modules are plain data.
"""

from __future__ import annotations

import argparse
import fnmatch
import math
import sys
import warnings
from typing import Any

from ._common import dump_json, format_table

__all__ = ["first_metric", "run_list_weights", "weights_records"]


def first_metric(meta: dict[str, Any]) -> str:
    """``"acc@1 69.758 (ImageNet-1K)"``: the first metric of the first dataset, or ``"-"``."""
    for dataset, values in (meta.get("_metrics") or {}).items():
        for name, value in (values or {}).items():
            shown = "n/a" if isinstance(value, float) and math.isnan(value) else f"{value:g}"
            return f"{name} {shown} ({dataset})"
    return "-"


def weights_records(*, task: str | None = None, plugin: str | None = None) -> list[dict[str, Any]]:
    """Every usable weights member of every model: own enums and attached ones, by name."""
    from .._api import attachments_of, get_model_entry, list_models
    from .._distributions import plugin_matches
    from .._plugins import catalogue

    found = catalogue()
    records = []
    for name in list_models(task=task):
        entry = get_model_entry(name)
        providers: list[Any] = []
        if entry.enum_key is not None and found.conflict("weights enum", entry.enum_key) is None:
            providers.append(entry)
        providers.extend(attachments_of(entry))
        for provider in providers:
            if plugin is not None and not plugin_matches(
                [plugin], provider.plugin, provider.distribution
            ):
                continue
            try:
                enum = provider.load_weights()
            except Exception as exc:  # one broken weights module must not hide the others
                message = f"Skipping {provider.weights_name} from {provider.origin}: {exc}"
                warnings.warn(message, UserWarning, stacklevel=1)
                continue
            if enum is None:
                continue
            default = enum.__members__.get("DEFAULT")
            for member in enum:
                records.append(
                    {
                        "name": f"{provider.enum_key}.{member.name}",
                        "model": entry.name,
                        "plugin": provider.plugin,
                        "distribution": provider.distribution,
                        "task": entry.task,
                        "attached": provider is not entry,
                        "default": member is default,
                        "metric": first_metric(member.meta),
                    }
                )
    return sorted(records, key=lambda r: (r["model"], r["name"]))


def run_list_weights(args: argparse.Namespace) -> int:
    """Print the weights matching the filters (a pattern matches weights or model names)."""
    records = weights_records(task=args.task, plugin=args.plugin)
    patterns = args.patterns or []
    if patterns:
        records = [
            r
            for r in records
            if any(
                fnmatch.fnmatch(r["name"], p) or fnmatch.fnmatch(r["model"], p) for p in patterns
            )
        ]
    for pattern in args.exclude or []:
        records = [
            r
            for r in records
            if not (fnmatch.fnmatch(r["name"], pattern) or fnmatch.fnmatch(r["model"], pattern))
        ]
    if args.json:
        dump_json(records)
        return 0
    if not records:
        print("No weights match.", file=sys.stderr)
        return 0
    rows = [(r["name"], r["model"], r["plugin"], r["task"], r["metric"]) for r in records]
    print(format_table(("WEIGHTS", "MODEL", "PLUGIN", "TASK", "FIRST METRIC"), rows))
    print(f"\n{len(records)} weights")
    return 0
