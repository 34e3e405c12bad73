"""Where a cached file and each of its side files live: the one place that names them.

A checkpoint ``<cache>/<name>`` is accompanied by side files that only weighthub writes, each named
here and nowhere else (after huggingface_hub's ``LocalDownloadFilePaths``):

- ``<name>.lock``: the cross-process lock of its download (:mod:`._lock`), kept after use;
- ``<name>.lockinfo``: the pid and host of the lock's holder, for waiters' messages;
- ``<name>.<pid>.<hex>.partial``: a single-stream download in progress (one per process);
- ``<name>.pieces.partial`` and ``<name>.pieces.json``: a multi-connection download and its piece
  journal (:mod:`._parallel`), shared by the processes that take the lock in turn;
- ``<name>.weighthub.json``: the record (size, sha256, mtime, URL) of the finished file;
- ``<cache>/.local-records/<key>-<name>.weighthub.json``: the record of a file the cache does not
  own (a local file, a file in a read-only layer), kept in the writable cache.

Temporary files written before a rename end in ``.tmp``. A weighthub *home* (``WEIGHTHUB_HOME``, a
layer, a ``download --to`` bundle) holds its checkpoints in ``<home>/checkpoints``, and its Hugging
Face Hub files in ``<home>/checkpoints/huggingface``, in huggingface_hub's own layout
(:mod:`._hub_cache` names its files).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CHECKPOINT_SUFFIXES",
    "CachePaths",
    "LOCAL_RECORDS",
    "MAX_NAME_BYTES",
    "checkpoints_of",
    "hub_files_of",
    "is_hub_cache",
    "is_leftover",
    "is_side_file",
    "local_record_path",
    "partial_owner",
    "temporary_path",
    "unique_partial_name",
]

_CHECKPOINTS_FOLDER = "checkpoints"
_HUB_FOLDER = "huggingface"
_HUB_REPO_FOLDER = re.compile(r"(models|datasets|spaces)--.+")
# What checkpoint files are usually called (to recognise a checkpoints folder given as a home).
CHECKPOINT_SUFFIXES = (".pth", ".pt", ".bin", ".safetensors", ".ckpt")
LOCAL_RECORDS = ".local-records"

_LOCK_SUFFIX = ".lock"
_LOCKINFO_SUFFIX = ".lockinfo"
_PARTIAL_SUFFIX = ".partial"
_PIECES_PARTIAL_SUFFIX = ".pieces.partial"
_JOURNAL_SUFFIX = ".pieces.json"
_RECORD_SUFFIX = ".weighthub.json"
_TEMPORARY_SUFFIX = ".tmp"
# Every side file ends with one of these (the pieces partial in ".partial", the journal's temporary
# file in ".tmp").
_SIDE_SUFFIXES = (
    _RECORD_SUFFIX,
    _LOCK_SUFFIX,
    _LOCKINFO_SUFFIX,
    _PARTIAL_SUFFIX,
    _JOURNAL_SUFFIX,
    _TEMPORARY_SUFFIX,
)
# What clearing a cache sweeps up beside the checkpoints: never a lock (someone may hold it) nor a
# lock's info (its holder removes it).
_LEFTOVER_SUFFIXES = (_RECORD_SUFFIX, _PARTIAL_SUFFIX, _JOURNAL_SUFFIX, _TEMPORARY_SUFFIX)

# What follows "<name>." in a process's partial: "<pid>.<hex>.partial".
_OWNED_PARTIAL = re.compile(r"(\d+)\.[0-9a-f]+" + re.escape(_PARTIAL_SUFFIX))
# The cache adds ".<pid>.<hex>.partial" (up to 26 bytes) to a name, and file systems allow 255.
MAX_NAME_BYTES = 224
_NAME_MAX = 255


def _unique() -> str:
    return f"{os.getpid()}.{os.urandom(4).hex()}"


@dataclass(frozen=True)
class CachePaths:
    """The side files of one cached file.

    Attributes:
        file: The cached file, ``<cache>/<name>``.
    """

    file: Path

    def _beside(self, suffix: str) -> Path:
        return self.file.with_name(self.file.name + suffix)

    @property
    def lock(self) -> Path:
        """``<name>.lock``: the cross-process lock of the file's download."""
        return self._beside(_LOCK_SUFFIX)

    @property
    def lockinfo(self) -> Path:
        """``<name>.lockinfo``: who holds the lock (pid, host, since when)."""
        return self._beside(_LOCKINFO_SUFFIX)

    @property
    def record(self) -> Path:
        """``<name>.weighthub.json``: the record of the finished file."""
        return self._beside(_RECORD_SUFFIX)

    @property
    def pieces_partial(self) -> Path:
        """``<name>.pieces.partial``: a multi-connection download in progress."""
        return self._beside(_PIECES_PARTIAL_SUFFIX)

    @property
    def journal(self) -> Path:
        """``<name>.pieces.json``: the piece journal of the multi-connection download."""
        return self._beside(_JOURNAL_SUFFIX)

    def new_partial(self) -> Path:
        """Return a new process-unique partial: ``<name>.<pid>.<hex>.partial``."""
        return self._beside(f".{_unique()}{_PARTIAL_SUFFIX}")

    def partials(self) -> list[Path]:
        """Return the file's partial downloads that exist: every process's, and the pieces'."""
        prefix, pieces = self.file.name + ".", self.pieces_partial.name
        try:
            children = list(self.file.parent.iterdir())
        except OSError:
            return []
        return sorted(
            p
            for p in children
            if p.name == pieces
            or (p.name.startswith(prefix) and _OWNED_PARTIAL.fullmatch(p.name[len(prefix) :]))
        )

    def removable(self) -> list[Path]:
        """Return the side files removed with the file: all but the lock (someone may hold it)."""
        return [self.record, self.lockinfo, self.journal, *self.partials()]


def unique_partial_name(name: str) -> str:
    """Return ``<name>.<pid>.<hex>.partial``, a temporary name beside ``name`` (a path, a key)."""
    return f"{name}.{_unique()}{_PARTIAL_SUFFIX}"


def _fit(name: str, room: int) -> str:
    """Return ``name`` cut to at most ``room`` bytes of UTF-8 (never inside a character)."""
    encoded = name.encode("utf-8", "surrogateescape")
    if len(encoded) <= room:
        return name
    return encoded[:room].decode("utf-8", "ignore")


def temporary_path(path: Path) -> Path:
    """Return a process-unique temporary file to write and rename over ``path``.

    Its name is ``<name>.<pid>.<hex>.tmp``, with ``<name>`` cut short when the whole would pass a
    file system's 255 bytes (a record of a 224-byte name).
    """
    suffix = f".{_unique()}{_TEMPORARY_SUFFIX}"
    return path.with_name(_fit(path.name, _NAME_MAX - len(suffix)) + suffix)


def partial_owner(name: str) -> int | None:
    """Return the pid in a process's partial ``<file>.<pid>.<hex>.partial``, else None.

    The pieces partial (``<file>.pieces.partial``) has no owner: its journal decides its fate.
    """
    match = _OWNED_PARTIAL.search(name)
    if match is None or match.end() != len(name) or not name[: match.start()].endswith("."):
        return None
    return int(match.group(1))


def is_side_file(name: str) -> bool:
    """Return whether ``name`` is a side file (or a temporary file) rather than a checkpoint."""
    return name.endswith(_SIDE_SUFFIXES)


def is_leftover(name: str) -> bool:
    """Return whether ``name`` is a side file that clearing the cache sweeps up (no lock files)."""
    return name.endswith(_LEFTOVER_SUFFIXES)


def local_record_path(path: Path, cache_folder: Path) -> Path:
    """Return where the writable ``cache_folder`` keeps the record of a file it does not own."""
    key = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    name = _fit(path.name, _NAME_MAX - len(key) - 1 - len(_RECORD_SUFFIX))
    return cache_folder / LOCAL_RECORDS / f"{key}-{name}{_RECORD_SUFFIX}"


def checkpoints_of(home: Path) -> Path:
    """Return the checkpoints folder of a weighthub home (``WEIGHTHUB_HOME``, a layer, a bundle)."""
    return home / _CHECKPOINTS_FOLDER


def hub_files_of(checkpoints: Path) -> Path:
    """Return the Hub cache of a weighthub checkpoints folder: ``<checkpoints>/huggingface``."""
    return checkpoints / _HUB_FOLDER


def is_hub_cache(folder: Path) -> bool:
    """Return whether ``folder`` looks like a huggingface_hub cache (``models--org--name/`` ...)."""
    try:
        return any(_HUB_REPO_FOLDER.fullmatch(p.name) and p.is_dir() for p in folder.iterdir())
    except OSError:
        return False
