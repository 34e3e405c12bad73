"""Listing, verifying and removing cached checkpoints (the future ``weighthub cache`` commands)."""

from __future__ import annotations

import contextlib
import os
import shutil
import urllib.parse
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ._config import cache_dir
from ._integrity import RECORD_SUFFIX, hash_file, hash_prefix_of, read_record, write_record
from ._lock import LOCK_SUFFIX, LOCKINFO_SUFFIX, PARTIAL_SUFFIX, cache_lock, pid_alive

__all__ = ["CacheEntry", "cached_files", "clear_cache", "remove_cached", "verify_cache"]

_JOURNAL_SUFFIX = ".pieces.json"  # the piece journal of a parallel download (see _parallel)
_SIDE_SUFFIXES = (
    RECORD_SUFFIX,
    LOCK_SUFFIX,
    LOCKINFO_SUFFIX,
    PARTIAL_SUFFIX,
    _JOURNAL_SUFFIX,
    ".tmp",
)
_LOCAL_RECORDS = ".local-records"


@dataclass(frozen=True)
class CacheEntry:
    """A checkpoint file in the cache.

    Attributes:
        path: The file.
        size: Its size in bytes.
        sha256: The sha256 its record holds, or None when it has no record.
        status: ``"ok"`` (matches its record), ``"corrupt"`` (flagged by :func:`verify_cache`, or
            its size or content no longer matches the record: the next load downloads it again),
            ``"changed"`` (its modification time differs from the record; :func:`cached_files` does
            not hash, :func:`verify_cache` tells ``ok`` from ``corrupt``) or ``"unrecorded"`` (not
            downloaded by weighthub and never verified, e.g. downloaded by torchvision).
        url: The URL it was downloaded from, when recorded.
    """

    path: Path
    size: int
    sha256: str | None
    status: str
    url: str | None


def _checkpoints(folder: Path) -> list[Path]:
    try:
        children = sorted(folder.iterdir())
    except FileNotFoundError:
        return []
    return [p for p in children if p.is_file() and not p.name.endswith(_SIDE_SUFFIXES)]


def cached_files(model_dir: str | os.PathLike[str] | None = None) -> list[CacheEntry]:
    """List the checkpoints in the cache with their recorded state (no hashing).

    Args:
        model_dir: The cache folder; see :func:`cache_dir`.
    """
    entries = []
    for path in _checkpoints(cache_dir(model_dir)):
        st = path.stat()
        record = read_record(path)
        if record is None:
            status = "unrecorded"
        elif record.corrupt or record.size != st.st_size:
            status = "corrupt"
        elif record.mtime_ns != st.st_mtime_ns:
            status = "changed"
        else:
            status = "ok"
        sha = record.sha256 if record is not None else None
        url = record.url if record is not None else None
        entries.append(CacheEntry(path, st.st_size, sha, status, url))
    return entries


def verify_cache(model_dir: str | os.PathLike[str] | None = None) -> list[CacheEntry]:
    """Re-hash every cached checkpoint against its record (or its file-name hash prefix).

    A file that no longer matches is reported ``"corrupt"`` and flagged in its record, so the next
    load downloads it again. An unrecorded file whose name carries a torch.hub hash prefix is
    checked against it and recorded; one without is reported ``"unrecorded"``.

    Args:
        model_dir: The cache folder; see :func:`cache_dir`.
    """
    entries = []
    for path in _checkpoints(cache_dir(model_dir)):
        size = path.stat().st_size
        record = read_record(path)
        digest = hash_file(path)
        if record is not None:
            ok = digest == record.sha256 and size == record.size
            prefix = hash_prefix_of(path.name)
            if prefix is not None and not digest.startswith(prefix):
                ok = False
            write_record(
                path,
                digest if ok else record.sha256,
                url=record.url,
                verified=record.verified,
                corrupt=not ok,
            )
            status = "ok" if ok else "corrupt"
            entries.append(CacheEntry(path, size, record.sha256, status, record.url))
            continue
        prefix = hash_prefix_of(path.name)
        if prefix is None:
            entries.append(CacheEntry(path, size, None, "unrecorded", None))
            continue
        ok = digest.startswith(prefix)
        write_record(path, digest, url=None, verified=ok, corrupt=not ok)
        entries.append(CacheEntry(path, size, digest, "ok" if ok else "corrupt", None))
    return entries


def _resolve_name(name_or_path: str | os.PathLike[str], folder: Path) -> Path:
    text = os.fspath(name_or_path)
    if "://" in text:
        text = PurePosixPath(urllib.parse.urlparse(text).path).name
    path = Path(text)
    return path if len(path.parts) > 1 or path.is_absolute() else folder / text


def _remove_with_side_files(path: Path) -> list[Path]:
    removed = []
    suffixes = (RECORD_SUFFIX, LOCKINFO_SUFFIX, _JOURNAL_SUFFIX)
    side = [path.with_name(path.name + s) for s in suffixes]
    partials = list(path.parent.glob(f"{glob_escape(path.name)}.*{PARTIAL_SUFFIX}"))
    for candidate in [path, *side, *partials]:
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()
            removed.append(candidate)
    return removed


def glob_escape(name: str) -> str:
    """Escape the glob metacharacters of a file name."""
    import glob

    return glob.escape(name)


def remove_cached(
    name_or_path: str | os.PathLike[str], model_dir: str | os.PathLike[str] | None = None
) -> list[Path]:
    """Remove one cached checkpoint (by file name, path or URL) with its record and partial files.

    Args:
        name_or_path: The cache file name, its path, or the URL it was downloaded from.
        model_dir: The cache folder; see :func:`cache_dir`.

    Returns:
        The files removed (empty when there was nothing to remove).
    """
    path = _resolve_name(name_or_path, cache_dir(model_dir))
    if not path.exists() and not path.with_name(path.name + RECORD_SUFFIX).exists():
        return []
    with cache_lock(path):
        return _remove_with_side_files(path)


def clear_cache(model_dir: str | os.PathLike[str] | None = None) -> int:
    """Remove every cached checkpoint with its records, partial downloads and local-file records.

    Lock files (``*.lock``) are kept: removing a lock another process may be holding is unsafe.

    Args:
        model_dir: The cache folder; see :func:`cache_dir`.

    Returns:
        The number of checkpoint files removed.
    """
    folder = cache_dir(model_dir)
    count = 0
    for path in _checkpoints(folder):
        with cache_lock(path):
            _remove_with_side_files(path)
        count += 1
    for leftover in folder.glob("*") if folder.is_dir() else []:
        name = leftover.name
        if name.endswith(PARTIAL_SUFFIX):
            # <name>.<pid>.<hex>.partial: only a dead process's partial download is removed.
            pid = name.rsplit(".", 3)[-3] if name.count(".") >= 3 else ""
            if pid.isdigit() and pid_alive(int(pid)):
                continue
        leftovers = (RECORD_SUFFIX, PARTIAL_SUFFIX, _JOURNAL_SUFFIX, ".tmp")
        if leftover.is_file() and name.endswith(leftovers):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    shutil.rmtree(folder / _LOCAL_RECORDS, ignore_errors=True)
    return count
