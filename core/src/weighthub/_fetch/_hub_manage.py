"""Listing, verifying and removing the Hub files of a cache (``weighthub cache`` on Hub files).

A Hub cache (:mod:`._hub_cache`) is read as huggingface_hub's ``scan_cache_dir`` reads it: every
``{type}s--{org}--{name}/snapshots/{commit}/{path}`` is one file of that repository at that commit,
its ``refs/`` name the branches and tags that point there, and its bytes are the blob it links to.
Whatever downloaded it (weighthub, ``hf_hub_download``, transformers, timm), it is listed with its
weighthub record when there is one; verifying hashes each blob once, against its record and against
its name (a sha256, or a git blob id).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ._hub import COMMIT, HubFile
from ._hub_cache import HubStore, git_blob_and_sha256
from ._integrity import hash_file, read_record, write_record
from ._layout import CachePaths
from ._lock import cache_lock

__all__ = ["HubListed", "clear_hub_files", "list_hub_files", "remove_hub_file"]

_REPO_FOLDER = re.compile(r"(model|dataset|space)s--(.+)")
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class HubListed:
    """One snapshot file of a Hub cache.

    Attributes:
        path: ``.../snapshots/{commit}/{path}``.
        blob: The blob it links to (itself when it is a copy).
        size: The blob's size (0 when it is missing).
        sha256: The sha256 its record holds (or its name, once verified).
        status: As :class:`~weighthub.CacheEntry`'s, ``"corrupt"`` for a broken symlink too.
        url: The URL its record names.
        repo: ``org/name`` (``datasets/org/name`` ...).
        commit: The commit.
        refs: The branches and tags that point at the commit.
        read_only: Whether the cache is a read-only layer.
    """

    path: Path
    blob: Path
    size: int
    sha256: str | None
    status: str
    url: str | None
    repo: str
    commit: str
    refs: tuple[str, ...]
    read_only: bool


def _repos(store: HubStore) -> Iterator[tuple[Path, str]]:
    try:
        folders = sorted(store.root.iterdir())
    except OSError:
        return
    for folder in folders:
        match = _REPO_FOLDER.fullmatch(folder.name)
        if match is None or not folder.is_dir():
            continue
        kind, name = match.groups()
        repo = name.replace("--", "/")
        yield folder, repo if kind == "model" else f"{kind}s/{repo}"


def _refs(storage: Path) -> dict[str, list[str]]:
    by_commit: dict[str, list[str]] = {}
    refs = storage / "refs"
    for ref in sorted(refs.rglob("*")) if refs.is_dir() else []:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            if ref.is_file():
                commit = ref.read_text(encoding="utf-8").strip()
                by_commit.setdefault(commit, []).append(ref.relative_to(refs).as_posix())
    return by_commit


def _status(store: HubStore, blob: Path) -> tuple[str, str | None, str | None]:
    """``(status, sha256, url)`` of a blob from its record, without hashing."""
    record = read_record(blob, store.record_file(blob))
    if record is None:
        return "unrecorded", None, None
    st = blob.stat()
    if record.corrupt or record.size != st.st_size:
        return "corrupt", record.sha256, record.url
    if record.mtime_ns != st.st_mtime_ns:
        return "changed", record.sha256, record.url
    return "ok", record.sha256, record.url


def _verified(store: HubStore, blob: Path) -> tuple[str, str | None, str | None]:
    """``(status, sha256, url)`` of a blob after hashing it against its name and record."""
    record = read_record(blob, store.record_file(blob))
    if COMMIT.fullmatch(blob.name):
        git, digest = git_blob_and_sha256(blob)
        named = git == blob.name
    else:
        digest = hash_file(blob)
        named = digest == blob.name or not _SHA256.fullmatch(blob.name)
    ok = named and (record is None or record.sha256 == digest)
    url = record.url if record is not None else None
    known = digest if ok or record is None else record.sha256
    if not store.read_only:
        write_record(
            blob,
            known,
            url=url,
            verified=named,
            corrupt=not ok,
            record_file=store.record_file(blob),
        )
    return ("ok" if ok else "corrupt"), known, url


def list_hub_files(store: HubStore, *, verify: bool = False) -> list[HubListed]:
    """Every snapshot file of ``store``, by repository and commit (blobs hashed with ``verify``)."""
    listed: list[HubListed] = []
    seen: dict[Path, tuple[str, str | None, str | None]] = {}
    for storage, repo in _repos(store):
        refs = _refs(storage)
        snapshots = storage / "snapshots"
        for commit_folder in sorted(snapshots.iterdir()) if snapshots.is_dir() else []:
            commit = commit_folder.name
            for pointer in sorted(commit_folder.rglob("*")):
                if pointer.is_dir() or not (pointer.is_symlink() or pointer.is_file()):
                    continue
                blob = store.blob_of(pointer)
                if not blob.is_file():
                    state: tuple[str, str | None, str | None] = ("corrupt", None, None)
                    size = 0
                else:
                    if blob not in seen:
                        seen[blob] = _verified(store, blob) if verify else _status(store, blob)
                    state, size = seen[blob], blob.stat().st_size
                listed.append(
                    HubListed(
                        pointer,
                        blob,
                        size,
                        state[1],
                        state[0],
                        state[2],
                        repo,
                        commit,
                        tuple(refs.get(commit, ())),
                        store.read_only,
                    )
                )
    return listed


def remove_hub_file(store: HubStore, file: HubFile) -> list[Path]:
    """Remove ``file`` (at its revision's cached commit) from ``store``; its blob if unshared.

    Returns:
        The files removed (empty when it was not cached).
    """
    commit = store.read_ref(file, file.revision)
    pointer = store.pointer(file, commit) if commit else None
    if pointer is None or not os.path.lexists(pointer):
        return []
    blob = store.blob_of(pointer)
    removed = [pointer]
    with cache_lock(blob, lock_file=store.lock(file, blob.name)):
        pointer.unlink()
        others = store.storage(file) / "snapshots"
        still_used = any(
            p.is_symlink() and store.blob_of(p) == blob for p in others.rglob("*") if p != pointer
        )
        if blob != pointer and not still_used:
            for path in (blob, *CachePaths(blob).removable()):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed.append(path)
    return removed


def clear_hub_files(store: HubStore) -> int:
    """Remove every file of ``store`` (a weighthub home's Hub cache); return how many.

    The lock files stay (another process may hold one), as in the rest of the cache.
    """
    count = 0
    for storage, _repo in _repos(store):
        blobs = storage / "blobs"
        for blob in sorted(blobs.iterdir()) if blobs.is_dir() else []:
            if not (COMMIT.fullmatch(blob.name) or _SHA256.fullmatch(blob.name)):
                continue  # a side file; removed with its blob
            lock = store.root / ".locks" / storage.name / f"{blob.name}.lock"
            lock.parent.mkdir(parents=True, exist_ok=True)
            with cache_lock(blob, lock_file=lock):
                for path in (blob, *CachePaths(blob).removable()):
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
        count += sum(1 for p in storage.glob("snapshots/*/**/*") if not p.is_dir())
        shutil.rmtree(storage, ignore_errors=True)
    return count
