"""``weighthub download``: fetch checkpoints into the cache, or into a folder for other machines."""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import WeighthubError
from .._weights import WeightsEnum
from ._common import (
    CLIError,
    default_member,
    dump_json,
    format_bytes,
    require_plugin,
    require_task,
    resolve,
)
from ._failure import error_line

if TYPE_CHECKING:
    from .._fetch._lockfile import LockEntry

__all__ = ["add_parser", "select_weights"]


def add_parser(subparsers: Any) -> None:
    """Register ``download``."""
    p = subparsers.add_parser(
        "download",
        help="download checkpoints into the cache (or into a folder)",
        description="Download checkpoints into the cache, or with --to into a folder that another "
        "machine can use as its cache (WEIGHTHUB_HOME) or as a mirror (WEIGHTHUB_MIRROR). A model "
        "NAME downloads its default weights (all of them with --all); 'Enum.MEMBER' downloads "
        "those weights. Without NAME, --task and/or --all select the models. --lock FILE "
        "requires every file to match the lockfile, and without NAME downloads all it lists.",
    )
    p.add_argument("names", nargs="*", metavar="NAME", help="model or 'EnumName.MEMBER'")
    p.add_argument(
        "--all",
        action="store_true",
        help="every weights of the named models; without NAME, of every installed model",
    )
    p.add_argument("--task", metavar="T", help="without NAME: the models of task T")
    p.add_argument("--plugin", metavar="P", help="without NAME: the models of plugin P")
    p.add_argument(
        "--to",
        metavar="DIR",
        help="write DIR/checkpoints/<file> (a WEIGHTHUB_HOME layout) instead of the cache; an "
        "fsspec URL such as s3://bucket/prefix uploads the verified files there (a mirror)",
    )
    p.add_argument(
        "--lock",
        metavar="FILE",
        type=Path,
        help="every file must match lockfile FILE (see 'weighthub lock'); without NAME, --task "
        "or --all: download exactly the files it lists",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument("--json", action="store_true", help="print a JSON report")
    p.set_defaults(positionals="names", handler=run)


def _members_of_model(name: str, every: bool) -> list[WeightsEnum]:
    resolved = resolve(name)
    if resolved.explicit:
        return resolved.members
    if not resolved.members:
        msg = f"Model {name!r} has no pretrained weights to download."
        raise CLIError(msg)
    default = default_member(type(resolved.members[0]))
    if every or default is None:
        return resolved.members
    return [default]


def select_weights(args: argparse.Namespace) -> list[WeightsEnum]:
    """Turn NAMEs / --all / --task / --plugin into the weights to download, without duplicates.

    Raises:
        CLIError: Nothing was selected, NAME and --task/--plugin were mixed, or --task/--plugin
            names nothing installed (with the close names).
    """
    from .._api import list_models

    if args.names and (args.task or args.plugin):
        msg = "--task and --plugin select models by themselves; drop them or the NAMEs."
        raise CLIError(msg)
    if args.names:
        names = list(args.names)
    elif args.all or args.task or args.plugin:
        if args.plugin is not None:
            require_plugin(args.plugin)
        if args.task is not None:
            require_task(args.task)
        names = list_models(task=args.task, plugin=args.plugin, pretrained=True)
        if not names:
            msg = "No installed model with pretrained weights matches --task/--plugin."
            raise CLIError(msg)
    else:
        msg = "Nothing to download: give model or weights NAME(s), --task T or --all."
        raise CLIError(msg)
    selected: dict[str, WeightsEnum] = {}
    for name in names:
        for member in _members_of_model(name, args.all):
            selected.setdefault(member.url, member)
    return list(selected.values())


def _is_url(text: str) -> bool:
    return "://" in text and not text.startswith("file://")


def _publish(record: dict[str, Any], to: str) -> None:
    """Upload the verified file of ``record`` under the mirror prefix ``to``."""
    from .._fetch._fsspec import publish

    dest = f"{to.rstrip('/')}/{Path(record['path']).name}"
    record["path"] = publish(Path(record["path"]), dest)


def _name(member: WeightsEnum | LockEntry) -> str:
    """The name get_weight takes for a member (``timm/...`` in a namespace); a lock entry's own."""
    from .._api import get_weight_name

    return get_weight_name(member) if isinstance(member, WeightsEnum) else str(member)


def _download_one(
    member: WeightsEnum | LockEntry, folder: Path | None, progress: bool
) -> dict[str, Any]:
    from .._fetch import fetch, rewrite_url
    from .._fetch._disk import copy_into
    from .._fetch._sources import cache_file_name, resolve_source

    record: dict[str, Any] = {"weights": _name(member), "url": member.url, "path": None}
    source = resolve_source(rewrite_url(member.url))
    if source.kind == "local" and source.path is not None:
        # Verified where it is (against its declaration and the active lockfile), then copied.
        path = fetch(
            member.url, progress=progress, sha256=member.sha256, file_size=member.file_size
        )
        if folder is None:
            record.update(path=str(path), status="local", size=path.stat().st_size)
            record["note"] = "a local or package file, verified where it is"
            return record
        path = copy_into(path, folder / cache_file_name(member.url, None), url=member.url)
        record.update(path=str(path), status="ok", size=path.stat().st_size)
        record["note"] = f"copied from {source.path}"
        return record
    path = fetch(
        member.url,
        model_dir=folder,
        progress=progress,
        sha256=member.sha256,
        file_size=member.file_size,
        file_name=getattr(member, "file_name", None),  # a lockfile entry has none
    )
    record["path"] = str(path)
    record["size"] = path.stat().st_size
    record["status"] = "ok"
    return record


def _how_to_use_mirror(to: str, records: list[dict[str, Any]]) -> list[str]:
    prefixes = sorted({r["url"].rsplit("/", 1)[0] + "/" for r in records if r["status"] == "ok"})
    mirror = ";".join(f"{prefix}={to.rstrip('/')}/" for prefix in prefixes)
    return [
        f"Use {to} as a mirror (readers need its credentials, e.g. AWS_* for s3://):",
        f"  export WEIGHTHUB_MIRROR={shlex.quote(mirror)}",
    ]


def _how_to_use(root: Path, records: list[dict[str, Any]]) -> list[str]:
    from .._fetch._hub import parse_hub_url

    checkpoints = (root / "checkpoints").resolve()
    # Hub files keep their own layout (checkpoints/huggingface): no plain mirror serves them.
    plain = [r for r in records if r["status"] == "ok" and parse_hub_url(r["url"]) is None]
    prefixes = sorted({r["url"].rsplit("/", 1)[0] + "/" for r in plain})
    mirror = ";".join(f"{prefix}={checkpoints.as_uri()}/" for prefix in prefixes)
    home = shlex.quote(str(root.resolve()))
    lines = [
        f"Copy {root} to the other machine, then use it as the cache:",
        f"  export WEIGHTHUB_HOME={home}",
        "or as a read-only layer searched before the cache (nothing is written to it):",
        f"  export WEIGHTHUB_CACHE_PATH={home}",
    ]
    if mirror:
        lines += [
            f"or as a mirror (or serve {checkpoints} over HTTP and use its URL instead):",
            f"  export WEIGHTHUB_MIRROR={shlex.quote(mirror)}",
        ]
    return lines


def run(args: argparse.Namespace) -> int:
    """Download the selected weights (under ``--lock``, if given); exit 1 if any failed."""
    if args.lock is None:
        return _run(args, select_weights(args))
    from .._fetch._lockfile import read_lockfile, use_lock

    lock = read_lockfile(args.lock)
    if args.names or args.all or args.task or args.plugin:
        members: Sequence[WeightsEnum | LockEntry] = select_weights(args)
    elif lock.entries:
        members = list(lock.entries.values())
    else:
        msg = f"Nothing to download: the lockfile {lock.path} lists no files."
        raise CLIError(msg)
    use_lock(lock.path)
    try:
        return _run(args, members)
    finally:
        use_lock(None)


def _error_record(member: WeightsEnum | LockEntry, error: Exception) -> dict[str, Any]:
    return {"weights": _name(member), "url": member.url, "status": "error", "error": str(error)}


def _run(args: argparse.Namespace, members: Sequence[WeightsEnum | LockEntry]) -> int:
    remote = args.to is not None and _is_url(args.to)
    folder = Path(args.to) / "checkpoints" if args.to is not None and not remote else None
    records: list[dict[str, Any]] = []
    code = 0
    for member in members:
        try:
            record = _download_one(member, folder, progress=not args.no_progress)
            if remote and record["status"] == "ok":
                _publish(record, args.to)
        except WeighthubError as exc:  # offline and not cached is the user's to fix: exit 2
            record = _error_record(member, exc)
            code = max(code, exc.exit_code)
        except (OSError, ValueError) as exc:
            record = _error_record(member, exc)
            code = max(code, 1)
        records.append(record)
        if record["status"] == "error":
            error_line(f"{member}: {record['error']}")
        elif not args.json:
            size = f" ({format_bytes(record['size'])})" if "size" in record else ""
            note = f"  [{record['note']}]" if "note" in record else ""
            print(f"{member}: {record['path']}{size}{note}")
    if args.json:
        dump_json(records)
    elif args.to is not None and any(r["status"] == "ok" for r in records):
        print()
        lines = (
            _how_to_use_mirror(args.to, records) if remote else _how_to_use(Path(args.to), records)
        )
        print("\n".join(lines))
        if args.lock is not None:
            where = shlex.quote(str(args.lock.expanduser().absolute()))
            print(f"and keep refusing unlocked files there:\n  export WEIGHTHUB_LOCK={where}")
    return code
