"""``weighthub cache ls | verify | rm NAME | clear``: inspect and clean the checkpoint cache."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._common import CLIError, dump_json, format_bytes, format_table
from ._failure import error_line

__all__ = ["add_parser"]


def add_parser(subparsers: Any) -> None:
    """Register ``cache`` and its sub-commands."""
    cache = subparsers.add_parser(
        "cache",
        help="list, verify and remove cached checkpoints",
        description="Inspect and clean the checkpoint cache: $WEIGHTHUB_HOME/checkpoints, else "
        "torch.hub's <hub dir>/checkpoints (shared with torchvision); Hugging Face Hub files by "
        "repository and revision, in $WEIGHTHUB_HOME/checkpoints/huggingface, else in "
        "huggingface_hub's cache (HF_HUB_CACHE, shared with it; 'clear' leaves that one alone). "
        "'ls' and 'verify' also show the read-only layers of WEIGHTHUB_CACHE_PATH (never written "
        "to).",
    )
    commands = cache.add_subparsers(title="cache commands", metavar="<cache command>")
    cache.set_defaults(handler=lambda _args: _usage(cache))

    def common(p: argparse.ArgumentParser, json: bool = True) -> None:
        p.add_argument(
            "--dir",
            type=Path,
            metavar="DIR",
            help="use the weighthub home DIR (the folder holding checkpoints/, as written by "
            "'download --to DIR') instead of the cache",
        )
        if json:
            p.add_argument("--json", action="store_true", help="print JSON")

    p = commands.add_parser(
        "ls",
        help="list cached checkpoints (no hashing)",
        description="List the cached checkpoints with their size, recorded state and URL, then "
        "those of each read-only layer of WEIGHTHUB_CACHE_PATH. Hashes nothing: 'cache verify' "
        "re-hashes.",
    )
    common(p)
    p.set_defaults(handler=run_ls)
    p = commands.add_parser(
        "verify",
        help="re-hash every cached checkpoint; exit 1 if one is corrupt",
        description="Re-hash every cached checkpoint (and those of the read-only layers) against "
        "its record or the hash prefix in its file name, and flag the corrupt ones so that the "
        "next load downloads them again. Exit 1 if one is corrupt.",
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
    p = commands.add_parser(
        "clear",
        help="remove every cached checkpoint",
        description="Remove every cached checkpoint with its record, after asking (--yes does "
        "not ask). Lock files are kept: another process may hold one. Read-only layers are "
        "never touched.",
    )
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    common(p, json=False)
    p.set_defaults(handler=run_clear)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _folder(args: argparse.Namespace) -> Path | None:
    """Return the checkpoints folder of ``--dir`` (a weighthub home), or None for the cache.

    Raises:
        CLIError: DIR does not exist, is not a folder, or has no ``checkpoints/`` folder (the
            message points at its parent when DIR is itself a checkpoints folder).
    """
    from .._fetch._layout import CHECKPOINT_SUFFIXES, checkpoints_of

    if args.dir is None:
        return None
    home: Path = args.dir
    folder = checkpoints_of(home)
    if folder.is_dir():
        return folder
    what = (
        "a weighthub home (the folder that holds checkpoints/, like WEIGHTHUB_HOME and "
        "'download --to DIR')"
    )
    if not home.exists():
        msg = f"--dir {home}: no such folder. --dir names {what}."
        raise CLIError(msg)
    if not home.is_dir():
        msg = f"--dir {home} is not a folder. --dir names {what}."
        raise CLIError(msg)
    if home.name == "checkpoints" or any(
        p.name.endswith(CHECKPOINT_SUFFIXES) for p in home.iterdir()
    ):
        msg = (
            f"{home} has no checkpoints/ folder but looks like one itself: --dir names {what}; "
            f"use --dir {home.parent}"
        )
        raise CLIError(msg)
    msg = f"{home} is not a weighthub cache: it has no checkpoints/ folder. --dir names {what}."
    raise CLIError(msg)


def _records(entries: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "path": str(e.path),
            "size": e.size,
            "sha256": e.sha256,
            "status": e.status,
            "url": e.url,
            "read_only": e.read_only,
            **({"repo": e.repo, "revision": e.revision, "refs": list(e.refs)} if e.repo else {}),
        }
        for e in entries
    ]


def _print_table(records: list[dict[str, Any]], folder: Path) -> None:
    rows = [
        (Path(r["path"]).name, format_bytes(r["size"]), r["status"], r["url"] or "-")
        for r in records
    ]
    print(format_table(("FILE", "SIZE", "STATUS", "URL"), rows))
    total = format_bytes(sum(r["size"] for r in records))
    print(f"\n{len(records)} file{'s' if len(records) != 1 else ''}, {total} in {folder}")


def _print_hub_files(records: list[dict[str, Any]]) -> None:
    """Hugging Face Hub files, by cache (huggingface_hub's, a home's, a layer's) and repository."""
    caches: dict[tuple[Path, bool], list[tuple[str, ...]]] = {}
    for r in records:
        # <cache>/<type>s--<org>--<name>/snapshots/<commit>/<path in the repository>
        storage, _, inner = r["path"].rpartition(
            f"{os.sep}snapshots{os.sep}{r['revision']}{os.sep}"
        )
        row = (
            r["repo"],
            " ".join([r["revision"][:12], *(f"({ref})" for ref in r["refs"])]),
            inner,
            format_bytes(r["size"]),
            r["status"],
        )
        caches.setdefault((Path(storage).parent, r["read_only"]), []).append(row)
    for (cache, read_only), rows in caches.items():
        layer = " (read-only layer, WEIGHTHUB_CACHE_PATH)" if read_only else ""
        print(f"\nHugging Face Hub files in {cache}{layer}:")
        print(format_table(("REPO", "REVISION", "FILE", "SIZE", "STATUS"), rows))


def _print_entries(records: list[dict[str, Any]], folder: Path) -> None:
    hub_files = [r for r in records if r.get("repo")]
    records = [r for r in records if not r.get("repo")]
    writable = [r for r in records if not r["read_only"]]
    if writable:
        _print_table(writable, folder)
    else:
        print(f"The cache {folder} is empty.")
    layers: dict[Path, list[dict[str, Any]]] = {}
    for r in records:
        if r["read_only"]:
            layers.setdefault(Path(r["path"]).parent, []).append(r)
    for layer, entries in layers.items():
        print(f"\nRead-only layer {layer.parent} (WEIGHTHUB_CACHE_PATH):")
        _print_table(entries, layer)
    if hub_files:
        _print_hub_files(hub_files)


def _show_entries(
    args: argparse.Namespace, list_entries: Callable[..., list[Any]]
) -> list[dict[str, Any]]:
    """Print what ``list_entries`` finds in ``--dir`` (or the cache) and its read-only layers.

    Returns:
        The entries' records, as printed (JSON) or tabulated.
    """
    from .._fetch import cache_dir

    folder = _folder(args)
    records = _records(list_entries(folder, layers=True))
    if args.json:
        dump_json(records)
    else:
        _print_entries(records, cache_dir(folder))
    return records


def run_ls(args: argparse.Namespace) -> int:
    """List the cached checkpoints and the read-only layers with their recorded state."""
    from .._fetch import cached_files

    _show_entries(args, cached_files)
    return 0


def run_verify(args: argparse.Namespace) -> int:
    """Re-hash every cached checkpoint (and the layers'); exit 1 when one is corrupt."""
    from .._fetch import verify_cache

    records = _show_entries(args, verify_cache)
    corrupt = [r for r in records if r["status"] == "corrupt"]
    dir_option = f" --dir {shlex.quote(str(args.dir))}" if args.dir is not None else ""
    for r in corrupt:
        if r["read_only"]:
            error_line(
                f"{r['path']} in a read-only layer is corrupt; loads skip it. "
                "Replace it at its source, or remove its home from WEIGHTHUB_CACHE_PATH."
            )
            continue
        name = Path(r["path"]).name
        if r.get("repo"):  # a Hub file: named by repository, commit and path
            inner = r["path"].rpartition(f"{os.sep}{r['revision']}{os.sep}")[2]
            name = f"hf://{r['repo']}@{r['revision']}/{inner}"
        error_line(
            f"{r['path']} is corrupt; the next load downloads it again "
            f"(or run 'weighthub cache rm {shlex.quote(name)}{dir_option}')."
        )
    foreign = [r for r in records if r["status"] == "foreign"]
    for r in foreign:
        print(
            f"weighthub: error: {r['path']} is not the file its name's hash prefix names: it was "
            "stored with hash checks off (WEIGHTHUB_CHECK_HASH=0 or check_hash=False) and holds "
            "other bytes. A load with hash checks on downloads it again "
            f"(or run 'weighthub cache rm {shlex.quote(Path(r['path']).name)}{dir_option}').",
            file=sys.stderr,
        )
    return 1 if corrupt or foreign else 0


def _targets(name: str) -> list[str]:
    """Return the cache names (or paths, or URLs) that NAME stands for."""
    from .._errors import UnknownModelError, UnknownWeightsError
    from .._fetch._layout import CHECKPOINT_SUFFIXES

    if "/" in name or "\\" in name or name.endswith(CHECKPOINT_SUFFIXES):
        return [name]
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
        folder = _folder(args)
        removed = [path for target in _targets(name) for path in remove_cached(target, folder)]
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
    from .._fetch._hub_cache import writable_store
    from .._fetch._hub_env import hf_hub_cache

    model_dir = _folder(args)
    folder = cache_dir(model_dir)
    shared = writable_store(model_dir).root == hf_hub_cache()  # huggingface_hub's: not cleared
    entries = [e for e in cached_files(model_dir) if not (e.repo and shared)]
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
    count = clear_cache(model_dir)
    print(f"Removed {count} checkpoint{'s' if count != 1 else ''} ({total}) from {folder}.")
    return 0
