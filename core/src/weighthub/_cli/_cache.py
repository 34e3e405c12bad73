"""``weighthub cache ls | verify | rm NAME | clear``: inspect and clean the checkpoint cache."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

from ._common import CLIError, dump_json, format_bytes, format_table

__all__ = ["add_parser"]


def add_parser(subparsers: Any) -> None:
    """Register ``cache`` and its sub-commands."""
    cache = subparsers.add_parser(
        "cache",
        help="list, verify and remove cached checkpoints",
        description="Inspect and clean the checkpoint cache: $WEIGHTHUB_HOME/checkpoints, else "
        "torch.hub's <hub dir>/checkpoints (shared with torchvision).",
    )
    commands = cache.add_subparsers(title="cache commands", metavar="<cache command>")
    cache.set_defaults(handler=lambda _args: _usage(cache))

    def common(p: argparse.ArgumentParser, json: bool = True) -> None:
        p.add_argument("--dir", type=Path, metavar="DIR", help="the cache folder to use")
        if json:
            p.add_argument("--json", action="store_true", help="print JSON")

    p = commands.add_parser("ls", help="list cached checkpoints (no hashing)")
    common(p)
    p.set_defaults(handler=run_ls)
    p = commands.add_parser(
        "verify", help="re-hash every cached checkpoint; exit 1 if one is corrupt"
    )
    common(p)
    p.set_defaults(handler=run_verify)
    p = commands.add_parser(
        "rm",
        help="remove cached checkpoints",
        description="Remove cached checkpoints, by cache file name, path, URL, weights name "
        "('Enum.MEMBER') or model name (all of its weights).",
    )
    p.add_argument("names", nargs="+", metavar="NAME")
    common(p, json=False)
    p.set_defaults(positionals="names", handler=run_rm)
    p = commands.add_parser("clear", help="remove every cached checkpoint")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    common(p, json=False)
    p.set_defaults(handler=run_clear)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _records(entries: list[Any]) -> list[dict[str, Any]]:
    return [
        {"path": str(e.path), "size": e.size, "sha256": e.sha256, "status": e.status, "url": e.url}
        for e in entries
    ]


def _print_entries(records: list[dict[str, Any]], folder: Path) -> None:
    if not records:
        print(f"The cache {folder} is empty.")
        return
    rows = [
        (Path(r["path"]).name, format_bytes(r["size"]), r["status"], r["url"] or "-")
        for r in records
    ]
    print(format_table(("FILE", "SIZE", "STATUS", "URL"), rows))
    total = format_bytes(sum(r["size"] for r in records))
    print(f"\n{len(records)} file{'s' if len(records) != 1 else ''}, {total} in {folder}")


def run_ls(args: argparse.Namespace) -> int:
    """List the cached checkpoints with their recorded state."""
    from .._fetch import cache_dir, cached_files

    records = _records(cached_files(args.dir))
    if args.json:
        dump_json(records)
    else:
        _print_entries(records, cache_dir(args.dir))
    return 0


def run_verify(args: argparse.Namespace) -> int:
    """Re-hash every cached checkpoint; exit 1 when one is corrupt."""
    from .._fetch import cache_dir, verify_cache

    records = _records(verify_cache(args.dir))
    if args.json:
        dump_json(records)
    else:
        _print_entries(records, cache_dir(args.dir))
    corrupt = [r for r in records if r["status"] == "corrupt"]
    folder = f" --dir {shlex.quote(str(args.dir))}" if args.dir is not None else ""
    for r in corrupt:
        print(
            f"weighthub: error: {r['path']} is corrupt; the next load downloads it again "
            f"(or run 'weighthub cache rm {shlex.quote(Path(r['path']).name)}{folder}').",
            file=sys.stderr,
        )
    return 1 if corrupt else 0


def _targets(name: str) -> list[str]:
    """Return the cache names (or paths, or URLs) that NAME stands for."""
    if "/" in name or "\\" in name or name.endswith((".pth", ".pt", ".safetensors", ".bin")):
        return [name]
    from .._errors import UnknownModelError, UnknownWeightsError

    try:
        from ._common import resolve

        resolved = resolve(name)
    except (UnknownModelError, UnknownWeightsError):
        return [name]  # maybe a cache file name without a usual suffix
    return [member.url for member in resolved.members]


def run_rm(args: argparse.Namespace) -> int:
    """Remove the named checkpoints with their records; exit 2 if nothing matched a NAME."""
    from .._fetch import remove_cached

    missing = []
    for name in args.names:
        removed = [path for target in _targets(name) for path in remove_cached(target, args.dir)]
        if not removed:
            missing.append(name)
        for path in removed:
            print(f"removed {path}")
    if missing:
        msg = f"not in the cache: {', '.join(missing)}"
        raise CLIError(msg)
    return 0


def run_clear(args: argparse.Namespace) -> int:
    """Remove every cached checkpoint, after confirmation unless --yes."""
    from .._fetch import cache_dir, cached_files, clear_cache

    folder = cache_dir(args.dir)
    entries = cached_files(args.dir)
    if not entries:
        print(f"The cache {folder} is empty.")
        return 0
    total = format_bytes(sum(e.size for e in entries))
    if not args.yes:
        if not sys.stdin.isatty():
            msg = f"refusing to remove {len(entries)} files from {folder} without --yes"
            raise CLIError(msg)
        answer = input(f"Remove {len(entries)} cached checkpoints ({total}) from {folder}? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing removed.")
            return 0
    count = clear_cache(args.dir)
    print(f"Removed {count} checkpoint{'s' if count != 1 else ''} ({total}) from {folder}.")
    return 0
