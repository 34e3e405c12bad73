"""Listing, verifying and removing cached checkpoints: what ``weighthub cache`` runs.

``cached_files`` and ``verify_cache`` look at the writable cache and, with ``layers=True``, at the
read-only layers of ``WEIGHTHUB_CACHE_PATH`` too (entries marked ``read_only``, never rewritten).
``remove_cached`` and ``clear_cache`` change only the writable cache, each file under its lock, and
keep the partial downloads of processes still running. Hub files (:mod:`._hub_manage`) are listed
by repository and commit; ``clear_cache`` empties a weighthub home's Hub files but never
huggingface_hub's own cache, which other programs share (``hf cache delete`` cleans that one).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import urllib.parse
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ._config import cache_dir
from ._hub import parse_hub_url
from ._hub_cache import read_only_stores, writable_store
from ._hub_env import hf_hub_cache
from ._hub_manage import clear_hub_files, list_hub_files, remove_hub_file
from ._integrity import hash_file, hash_prefix_of, read_record, write_record
from ._keys import cache_entry
from ._layers import cache_layers
from ._layout import LOCAL_RECORDS, CachePaths, is_leftover, is_side_file, partial_owner
from ._lock import cache_lock, pid_alive

__all__ = ["CacheEntry", "cached_files", "clear_cache", "remove_cached", "verify_cache"]


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
            not hash, :func:`verify_cache` tells ``ok`` from ``corrupt``), ``"foreign"`` (unchanged
            since it was stored, but never the file its name's hash prefix names: it was stored with
            hash checks off, ``WEIGHTHUB_CHECK_HASH=0`` or ``check_hash=False``) or
            ``"unrecorded"`` (not downloaded by weighthub and never verified, e.g. downloaded by
            torchvision).
        url: The URL it was downloaded from, when recorded.
        read_only: Whether it lives in a read-only layer (``WEIGHTHUB_CACHE_PATH``), which
            weighthub never writes to.
        repo: For a Hugging Face Hub file, its repository (``org/name``, ``datasets/org/name``).
        revision: For a Hub file, the commit of its snapshot.
        refs: For a Hub file, the branches and tags that point at that commit.
    """

    path: Path
    size: int
    sha256: str | None
    status: str
    url: str | None
    read_only: bool = False
    repo: str | None = None
    revision: str | None = None
    refs: tuple[str, ...] = ()


def _checkpoints(folder: Path) -> list[Path]:
    try:
        children = sorted(folder.iterdir())
    except FileNotFoundError:
        return []
    return [p for p in children if p.is_file() and not is_side_file(p.name)]


def _hub_entries(
    model_dir: str | os.PathLike[str] | None, layers: bool, *, verify: bool
) -> list[CacheEntry]:
    store = writable_store(model_dir)
    stores = [store, *(read_only_stores(cache_layers(), store.scratch) if layers else [])]
    return [
        CacheEntry(f.path, f.size, f.sha256, f.status, f.url, f.read_only, f.repo, f.commit, f.refs)
        for each in stores
        for f in list_hub_files(each, verify=verify)
    ]


def _folders(model_dir: str | os.PathLike[str] | None, layers: bool) -> list[tuple[Path, bool]]:
    """Return the writable cache and, with ``layers``, the read-only layers (folder, read_only)."""
    folders = [(cache_dir(model_dir), False)]
    if layers:
        folders += [(layer, True) for layer in cache_layers()]
    return folders


def _listed(path: Path, read_only: bool) -> CacheEntry:
    st = path.stat()
    record = read_record(path)
    if record is None:
        status = "unrecorded"
    elif record.corrupt or record.size != st.st_size:
        status = "corrupt"
    elif record.mtime_ns != st.st_mtime_ns:
        status = "changed"
    elif _foreign(path, record.sha256):
        status = "foreign"
    else:
        status = "ok"
    sha = record.sha256 if record is not None else None
    url = record.url if record is not None else None
    return CacheEntry(path, st.st_size, sha, status, url, read_only)


def cached_files(
    model_dir: str | os.PathLike[str] | None = None, *, layers: bool = False
) -> list[CacheEntry]:
    """List the checkpoints in the cache with their recorded state (no hashing).

    Args:
        model_dir: The cache folder; see :func:`cache_dir`.
        layers: Also list the read-only layers of ``WEIGHTHUB_CACHE_PATH`` (after the cache).

    Raises:
        CachePathError: With ``layers``, a ``WEIGHTHUB_CACHE_PATH`` entry is not a readable home.
    """
    return [
        _listed(path, read_only)
        for folder, read_only in _folders(model_dir, layers)
        for path in _checkpoints(folder)
    ] + _hub_entries(model_dir, layers, verify=False)


def _foreign(path: Path, digest: str) -> bool:
    """Whether ``digest`` contradicts the hash prefix in ``path``'s name."""
    prefix = hash_prefix_of(path.name)
    return prefix is not None and not digest.startswith(prefix)


def _verified(path: Path, read_only: bool) -> CacheEntry:
    """Re-hash one file; record the outcome unless it is in a read-only layer."""
    size = path.stat().st_size
    record = read_record(path)
    digest = hash_file(path)
    prefix = hash_prefix_of(path.name)
    if record is not None:
        ok = digest == record.sha256 and size == record.size
        if ok and _foreign(path, digest):
            # Unchanged since it was stored with hash checks off: not damage, foreign bytes.
            return CacheEntry(path, size, record.sha256, "foreign", record.url, read_only)
        if not read_only:
            write_record(
                path,
                digest if ok else record.sha256,
                url=record.url,
                verified=record.verified,
                corrupt=not ok,
            )
        status = "ok" if ok else "corrupt"
        return CacheEntry(path, size, record.sha256, status, record.url, read_only)
    if prefix is None:
        return CacheEntry(path, size, None, "unrecorded", None, read_only)
    ok = digest.startswith(prefix)
    if not read_only:
        write_record(path, digest, url=None, verified=ok, corrupt=not ok)
    return CacheEntry(path, size, digest, "ok" if ok else "corrupt", None, read_only)


def verify_cache(
    model_dir: str | os.PathLike[str] | None = None, *, layers: bool = False
) -> list[CacheEntry]:
    """Re-hash every cached checkpoint against its record (or its file-name hash prefix).

    A file that no longer matches is reported ``"corrupt"`` and flagged in its record, so the next
    load downloads it again. An unrecorded file whose name carries a torch.hub hash prefix is
    checked against it and recorded; one without is reported ``"unrecorded"``. Files in read-only
    layers are checked the same way but nothing is written there (a corrupt layer file is skipped
    by loads anyway).

    Args:
        model_dir: The cache folder; see :func:`cache_dir`.
        layers: Also verify the read-only layers of ``WEIGHTHUB_CACHE_PATH``.

    Raises:
        CachePathError: With ``layers``, a ``WEIGHTHUB_CACHE_PATH`` entry is not a readable home.
    """
    return [
        _verified(path, read_only)
        for folder, read_only in _folders(model_dir, layers)
        for path in _checkpoints(folder)
    ] + _hub_entries(model_dir, layers, verify=True)


def _resolve_name(name_or_path: str | os.PathLike[str], folder: Path) -> Path:
    text = os.fspath(name_or_path)
    if "://" in text:
        text = PurePosixPath(urllib.parse.urlparse(text).path).name
    path = Path(text)
    return path if len(path.parts) > 1 or path.is_absolute() else folder / text


def _remove_with_side_files(path: Path) -> list[Path]:
    removed = []
    for candidate in [path, *CachePaths(path).removable()]:
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()
            removed.append(candidate)
    return removed


def remove_cached(
    name_or_path: str | os.PathLike[str], model_dir: str | os.PathLike[str] | None = None
) -> list[Path]:
    """Remove one cached checkpoint (by file name, path or URL) with its record and partial files.

    Args:
        name_or_path: The cache file name, its path, or the URL it was downloaded from (a Hub
            URL removes the file at its revision's cached commit, and its blob unless shared).
        model_dir: The cache folder; see :func:`cache_dir`.

    Returns:
        The files removed (empty when there was nothing to remove).
    """
    hub_file = parse_hub_url(os.fspath(name_or_path)) if "://" in os.fspath(name_or_path) else None
    if hub_file is not None:
        return remove_hub_file(writable_store(model_dir), hub_file)
    folder = cache_dir(model_dir)
    text = os.fspath(name_or_path)
    if "://" in text:  # the entry of that very URL, whatever its name
        found = cache_entry(folder, PurePosixPath(urllib.parse.urlparse(text).path).name, text)
        if found.exists() or CachePaths(found).record.exists():
            name_or_path = found
    path = _resolve_name(name_or_path, folder)
    if not path.exists() and not CachePaths(path).record.exists():
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
        owner = partial_owner(name)
        if owner is not None and pid_alive(owner):
            continue  # a running process's partial download
        if leftover.is_file() and is_leftover(name):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    shutil.rmtree(folder / LOCAL_RECORDS, ignore_errors=True)
    store = writable_store(model_dir)
    if store.root != hf_hub_cache():  # a weighthub home's own Hub files
        count += clear_hub_files(store)
    return count
