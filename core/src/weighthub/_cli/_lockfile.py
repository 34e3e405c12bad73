"""``weighthub lock``: pin the checkpoints of some weights in a lockfile, as pip's hashes do."""

from __future__ import annotations

import argparse
import shlex
import time
from pathlib import Path
from typing import Any

from .._errors import IntegrityError
from ._common import CLIFailure, format_bytes

__all__ = ["add_parser"]


def add_parser(subparsers: Any) -> None:
    """Register ``lock``."""
    p = subparsers.add_parser(
        "lock",
        help="pin checkpoints by size and sha256 in a lockfile (WEIGHTHUB_LOCK)",
        description="Fetch (or find in the cache) and verify the checkpoints of each NAME, and "
        "record each file's URL, cache name, size and full sha256 in a TOML lockfile. A model "
        "NAME locks all its weights; 'Enum.MEMBER' (or 'Enum.DEFAULT') those weights. An existing "
        "lockfile keeps its entries and gains the new ones. With WEIGHTHUB_LOCK=FILE every fetch "
        "then requires a matching entry.",
    )
    p.add_argument("names", nargs="+", metavar="NAME", help="model or 'EnumName.MEMBER'")
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        type=Path,
        default=Path("weights.lock"),
        help="the lockfile to write or extend (default: weights.lock)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    # select_weights' settings: every weights of each model, never all installed models.
    p.set_defaults(positionals="names", handler=run, all=True, task=None, plugin=None)


def _header(args: argparse.Namespace) -> list[str]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        made_by = f"weighthub {version('weighthub')}"
    except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        made_by = "weighthub"
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    command = shlex.join(["weighthub", "lock", *args.names, "-o", str(args.output)])
    # Where this lockfile is, as its user named it: the absolute path of one machine is not kept.
    use = shlex.quote(str(args.output))
    enforce = use if Path(args.output).expanduser().is_absolute() else f'"$PWD/{args.output}"'
    return [
        "weighthub lockfile: the checkpoint files this project uses, pinned by size and sha256.",
        f"Last written by {made_by} on {when}:",
        f"  {command}",
        "Each file was verified against what its weights declare (sha256, size or file-name",
        "prefix; a file declaring none is pinned as first downloaded), then hashed from the bytes",
        "on disk. Entries match the URL the weights declare (before WEIGHTHUB_MIRROR rewriting).",
        f"Enforce it:  export WEIGHTHUB_LOCK={enforce}   (or weighthub.use_lock(...))",
        f"Add files:   weighthub lock -o {use} NAME...",
        f"Bundle them: weighthub download --lock {use} --to DIR",
    ]


def run(args: argparse.Namespace) -> int:
    """Lock the selected weights; nothing is written unless every file was locked."""
    from .._api import get_weight_name
    from .._fetch._config import hash_checks_enabled
    from .._fetch._integrity import Expected, hash_file
    from .._fetch._lockfile import lock_suspended, read_lockfile, write_lockfile
    from .._fetch._sources import url_file_name
    from ._download import select_weights

    members = select_weights(args)
    output = args.output.expanduser().absolute()
    entries = dict(read_lockfile(output).entries) if output.exists() else {}
    added = 0
    for member in members:
        # The lockfile being written may be the active one: these files are not in it yet.
        with lock_suspended():
            path = member.fetch(progress=not args.no_progress)
        # Hash the bytes on disk rather than trust the record: the lock becomes the root of trust.
        digest, size = hash_file(path), path.stat().st_size
        name = member.file_name or url_file_name(member.url)
        declared = Expected.build(name, member.sha256, member.file_size, check_hash=True)
        problem = declared.mismatch(digest, size)
        if problem is not None:
            fix = (
                "Hash checks are off (WEIGHTHUB_CHECK_HASH=0), so the cached file was never "
                "checked and holds other bytes: unset WEIGHTHUB_CHECK_HASH (the next fetch "
                "downloads the declared file), then lock again."
                if not hash_checks_enabled()
                else f"Remove it ('weighthub cache rm {path.name}') and lock again."
            )
            msg = f"{member}: the file {path} is not the one its weights declare: {problem}. {fix}"
            raise IntegrityError(
                msg,
                url=member.url,
                path=path,
                expected_sha256=declared.sha256,
                actual_sha256=digest,
                expected_size=declared.size,
                actual_size=size,
            )
        old = entries.get(member.url)
        if old is not None and (old.sha256, old.file_size) != (digest, size):
            msg = (
                f"{member}: {path} ({size} bytes, sha256 {digest}) is not the file locked in "
                f"{output} ({old.file_size} bytes, sha256 {old.sha256}). If the weights were "
                "really republished, delete that entry and lock again."
            )
            raise CLIFailure(msg)
        added += old is None
        weights = tuple(sorted({*(old.weights if old else ()), get_weight_name(member)}))
        entries[member.url] = _entry(member.url, path, size, digest, weights)
        pinned = f", commit {entries[member.url].commit}" if entries[member.url].commit else ""
        print(f"{member}: {path.name} ({format_bytes(size)}, sha256 {digest}{pinned})")
    try:
        write_lockfile(output, entries.values(), header=_header(args))
    except OSError as exc:
        msg = f"Cannot write the lockfile {output}: {exc}"
        raise CLIFailure(msg) from exc
    print(f"Locked {len(entries)} file(s) in {output} ({added} new).")
    return 0


def _entry(url: str, path: Path, size: int, digest: str, weights: tuple[str, ...]) -> Any:
    """The lockfile entry of a fetched file; a Hub file's names its repo, commit and path."""
    from .._fetch import rewrite_url
    from .._fetch._hub import parse_hub_url
    from .._fetch._hub_fetch import snapshot_commit
    from .._fetch._lockfile import LockEntry

    hub = parse_hub_url(url) if rewrite_url(url) == url else None  # mirrored: a plain file
    if hub is None:
        return LockEntry(url, path.name, size, digest, weights)
    commit = snapshot_commit(hub, path)
    return LockEntry(url, path.name, size, digest, weights, hub.repo, commit, hub.path)
