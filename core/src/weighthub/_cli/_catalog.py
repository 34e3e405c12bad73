"""``weighthub list`` and ``weighthub plugins``: what is installed. Never imports torch."""

from __future__ import annotations

import argparse
import sys
import warnings
from typing import Any

from .._errors import PluginLoadError
from .._registry import ModelEntry
from ._common import default_member, dump_json, format_table

__all__ = ["add_parser"]


def add_parser(subparsers: Any) -> None:
    """Register ``list`` and ``plugins``."""
    p = subparsers.add_parser(
        "list",
        help="list the models of every installed plugin",
        description="List the models of every installed plugin, with their task, plugin, number "
        "of weights and default weights. Imports no torch.",
    )
    p.add_argument(
        "patterns",
        nargs="*",
        metavar="PATTERN",
        help="fnmatch pattern(s) of model names, e.g. 'resnet*' (a model matching any is kept)",
    )
    p.add_argument("--exclude", action="append", metavar="PATTERN", help="drop matching models")
    p.add_argument("--task", metavar="T", help="only models of task T, e.g. object_detection")
    p.add_argument("--plugin", metavar="P", help="only models of plugin (or distribution) P")
    p.add_argument(
        "--pretrained", action="store_true", help="only models that have pretrained weights"
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(positionals="patterns", handler=run_list)

    p = subparsers.add_parser(
        "plugins",
        help="list the installed plugins and their status",
        description="List the plugins found through the 'weighthub.plugins' entry points: "
        "distribution, version, status (loaded, failed, disabled), error and model count.",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(handler=run_plugins)


def _describe_entry(entry: ModelEntry) -> dict[str, Any]:
    record: dict[str, Any] = {
        "name": entry.name,
        "task": entry.task,
        "plugin": entry.plugin,
        "distribution": entry.distribution,
        "weights_enum": entry.weights_name,
        "weights": [],
        "default": None,
        "error": None,
    }
    try:
        enum = entry.load_weights()
    except PluginLoadError as exc:
        record["error"] = str(exc)
        warnings.warn(str(exc), UserWarning, stacklevel=1)
        return record
    if enum is not None:
        record["weights"] = [str(member) for member in enum]
        default = default_member(enum)
        record["default"] = str(default) if default is not None else None
    return record


def run_list(args: argparse.Namespace) -> int:
    """Print the models matching the filters."""
    from .._api import get_model_entry, list_models

    names = list_models(
        include=args.patterns or None,
        exclude=args.exclude,
        task=args.task,
        plugin=args.plugin,
        pretrained=True if args.pretrained else None,
    )
    records = [_describe_entry(get_model_entry(name)) for name in names]
    if args.json:
        dump_json(records)
        return 0
    if not records:
        print("No models match.", file=sys.stderr)
        return 0
    rows = [
        (
            r["name"],
            r["task"],
            r["plugin"],
            "?" if r["error"] else len(r["weights"]),
            r["default"] or ("-" if not r["error"] else "?"),
        )
        for r in records
    ]
    print(format_table(("MODEL", "TASK", "PLUGIN", "WEIGHTS", "DEFAULT"), rows))
    plural = "s" if len(records) != 1 else ""
    print(f"\n{len(records)} model{plural}")
    return 0


def run_plugins(args: argparse.Namespace) -> int:
    """Print one row per plugin found."""
    from .._plugins import plugins

    found = plugins()
    records = [
        {
            "name": info.name,
            "distribution": info.distribution,
            "version": info.version,
            "status": info.status,
            "error": info.error,
            "models": info.models,
            "module": info.module,
        }
        for info in found
    ]
    if args.json:
        dump_json(records)
        return 0
    if not records:
        print(
            "No plugins installed. First-party ones: pip install weighthub-classification "
            "(from a checkout: pip install ./plugins/classification).",
            file=sys.stderr,
        )
        return 0
    rows = [
        (r["name"], r["distribution"] or "-", r["version"] or "-", r["status"], r["models"])
        for r in records
    ]
    print(format_table(("PLUGIN", "DISTRIBUTION", "VERSION", "STATUS", "MODELS"), rows))
    for r in records:
        if r["error"]:
            print(f"\n{r['name']}: {r['error']}")
    return 0
