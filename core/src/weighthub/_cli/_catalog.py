"""``weighthub list`` and ``weighthub plugins``: what is installed. Never imports torch."""

from __future__ import annotations

import argparse
import fnmatch
import sys
import warnings
from typing import Any

from .._errors import PluginLoadError, close_matches_hint
from .._registry import ModelEntry
from ._common import (
    CLIError,
    default_member,
    dump_json,
    format_table,
    require_plugin,
    require_task,
    terminal_width,
)

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
    p.add_argument(
        "--weights",
        action="store_true",
        help="list weights instead (name, model, plugin, task, first metric), attached ones "
        "included; PATTERN then matches weights or model names",
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
        "weights_enum": entry.enum_key,
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
        record["weights"] = [f"{entry.enum_key}.{member.name}" for member in enum]
        default = default_member(enum)
        record["default"] = f"{entry.enum_key}.{default.name}" if default is not None else None
    return record


def _check_filters(args: argparse.Namespace) -> None:
    """Refuse a ``--task`` or ``--plugin`` that names nothing installed, suggesting close names.

    Raises:
        CLIError: The task or the plugin is unknown, or no plugin is loaded at all.
    """
    from .._distributions import environment_hint
    from .._plugins import plugins

    found = plugins()
    if not any(p.status == "loaded" for p in found):
        state = ", ".join(f"{p.name} ({p.status})" for p in found) or "none installed"
        msg = (
            f"No plugin is loaded{environment_hint()}; plugins found: {state}. "
            "Run 'weighthub plugins' for details."
        )
        raise CLIError(msg)
    if args.plugin is not None:
        match = require_plugin(args.plugin)
        if all(p.status != "loaded" for p in match):
            msg = f"Plugin {args.plugin!r} is {match[0].status}{environment_hint()}."
            raise CLIError(msg)
    if args.task is not None:
        require_task(args.task)


def _weights_only_hint(plugin: str) -> str:
    """Point at ``list --weights`` when ``plugin`` registers no model but attaches weights."""
    matching = require_plugin(plugin)
    if any(p.models for p in matching):
        return ""
    attached = sum(p.attached for p in matching)
    if not attached:
        return f"Plugin {plugin!r} registers no models."
    return (
        f"Plugin {plugin!r} registers no models: it attaches weights ({attached} "
        f"enum{'s' if attached != 1 else ''}) to other plugins' models. List them with "
        f"'weighthub list --weights --plugin {plugin}'."
    )


def _no_match_message(args: argparse.Namespace) -> str:
    """Explain an empty ``list``: which patterns match nothing, and what is close."""
    from .._api import list_models

    names = list_models()
    lost = [p for p in args.patterns if not fnmatch.filter(names, p)]
    hints = [
        f"{p!r} matches no model.{close_matches_hint(p.strip('*?'), names, ignore_case=True)}"
        for p in lost
    ]
    filters = [
        f"--{flag} {value}"
        for flag, value in (("task", args.task), ("plugin", args.plugin))
        if value is not None
    ]
    if args.pretrained:
        filters.append("--pretrained")
    if args.exclude:
        filters += [f"--exclude {p}" for p in args.exclude]
    weights_only = _weights_only_hint(args.plugin) if args.plugin is not None else ""
    if weights_only:
        hints.append(weights_only)
    elif not hints and filters:
        hints.append(f"No model passes {' '.join(filters)} together.")
    return "No models match. " + " ".join(hints)


def _list_table(records: list[dict[str, Any]]) -> str:
    """The ``list`` table, fitted to the terminal: full model names always.

    When too wide, DEFAULT shows the member without its enum, then the TASK column goes, then
    PLUGIN and DEFAULT are cut with ``…`` (as ``hf cache ls`` does).
    """
    width = terminal_width()
    header = ["MODEL", "TASK", "PLUGIN", "WEIGHTS", "DEFAULT"]
    rows = [
        [
            r["name"],
            r["task"],
            r["plugin"],
            "?" if r["error"] else len(r["weights"]),
            r["default"] or ("-" if not r["error"] else "?"),
        ]
        for r in records
    ]
    table = format_table(header, rows)
    if width is None or max(map(len, table.splitlines())) <= width:
        return table
    for row in rows:
        row[4] = str(row[4]).rpartition(".")[2]
    table = format_table(header, rows)
    if max(map(len, table.splitlines())) <= width:
        return table
    narrow = [[row[0], *row[2:]] for row in rows]
    return format_table(
        ["MODEL", "PLUGIN", "WEIGHTS", "DEFAULT"], narrow, max_width=width, shrinkable=(1, 3)
    )


def run_list(args: argparse.Namespace) -> int:
    """Print the models matching the filters."""
    from .._api import get_model_entry, list_models

    _check_filters(args)
    if args.weights:
        from ._list_weights import run_list_weights

        return run_list_weights(args)

    names = list_models(
        include=args.patterns or None,
        exclude=args.exclude,
        task=args.task,
        plugin=args.plugin,
        pretrained=True if args.pretrained else None,
    )
    records = [_describe_entry(get_model_entry(name)) for name in names]
    if args.json:
        if not records:
            print(_no_match_message(args).rstrip(), file=sys.stderr)
        dump_json(records)
        return 0
    if not records:
        print(_no_match_message(args).rstrip(), file=sys.stderr)
        return 0
    print(_list_table(records))
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
            "attached": info.attached,
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
        (
            r["name"],
            r["distribution"] or "-",
            r["version"] or "-",
            r["status"],
            r["models"],
            r["attached"],
        )
        for r in records
    ]
    header = ("PLUGIN", "DISTRIBUTION", "VERSION", "STATUS", "MODELS", "ATTACHED")
    print(format_table(header, rows))
    for r in records:
        if r["error"]:
            print(f"\n{r['name']}: {r['error']}")
    return 0
