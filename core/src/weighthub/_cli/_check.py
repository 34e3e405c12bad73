"""``weighthub check PLUGIN``: run the conformance kit (:mod:`weighthub.testing`) on a plugin."""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from ._common import CLIError, dump_json, require_plugin

__all__ = ["add_parser"]


def add_parser(subparsers: Any) -> None:
    """Register ``check``."""
    p = subparsers.add_parser(
        "check",
        help="check that a plugin follows the weighthub contract",
        description="Run the conformance kit (weighthub.testing.check_plugin) on an installed "
        "plugin, given by entry-point or distribution name. Exit 1 when a check fails.",
    )
    p.add_argument("plugin", metavar="DIST_OR_PLUGIN", help="plugin or distribution name")
    p.add_argument(
        "--ops-sample",
        type=int,
        default=2,
        metavar="N",
        help="recompute the GFLOPs of N weights per plugin (default 2; 0 skips it)",
    )
    p.add_argument(
        "--no-build", action="store_true", help="skip building the models (faster, fewer checks)"
    )
    p.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="CHECK",
        help="leave out a check (repeatable), e.g. legacy for builders that never had 'pretrained'",
    )
    p.add_argument(
        "--checkpoint",
        action="append",
        default=[],
        metavar="ENUM.MEMBER=PATH",
        help="compare this local copy instead of fetching the weights' remote checkpoint "
        "(repeatable)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=run)


def _checkpoints(values: list[str]) -> dict[str, str]:
    checkpoints = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not name or not path:
            msg = f"--checkpoint takes ENUM.MEMBER=PATH, got {value!r}"
            raise CLIError(msg)
        checkpoints[name] = path
    return checkpoints


def _as_json(report: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if dataclasses.is_dataclass(report) and not isinstance(report, type):
        data = {f.name: getattr(report, f.name) for f in dataclasses.fields(report)}
    data["ok"] = bool(report.ok)
    data["failures"] = [str(f) for f in report.failures]
    data["report"] = report.format()
    return data


def run(args: argparse.Namespace) -> int:
    """Check the plugin and print the report."""
    if args.ops_sample < 0:
        msg = f"--ops-sample must be >= 0, got {args.ops_sample}"
        raise CLIError(msg)
    require_plugin(args.plugin)
    from ..testing import CHECKS, check_plugin

    unknown = sorted(set(args.skip) - set(CHECKS))
    if unknown:
        msg = f"unknown check(s) for --skip: {', '.join(unknown)} (checks: {', '.join(CHECKS)})"
        raise CLIError(msg)
    report = check_plugin(
        args.plugin,
        ops_sample=args.ops_sample,
        build=not args.no_build,
        skip=args.skip,
        checkpoints=_checkpoints(args.checkpoint),
    )
    if args.json:
        dump_json(_as_json(report))
    else:
        print(report.format())
    return 0 if report.ok else 1
