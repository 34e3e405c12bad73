"""Read-only cache layers: weighthub homes listed in ``WEIGHTHUB_CACHE_PATH``, searched first.

A layer is a *home* (the folder that holds ``checkpoints/``), like ``WEIGHTHUB_HOME`` and
``weighthub download --to DIR``: a bundle written on one machine, a read-only NFS export or a
squashfs image. A file found in a layer is verified and used in place. Nothing is ever written to a
layer: no lock, no partial download, no record. A layer file without a current record is hashed
once and its record is kept in the writable cache (``<cache>/.local-records``), as for local files.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

from .._errors import CachePathError
from ._integrity import Expected, check_cached, read_record
from ._keys import taken_by_other
from ._layout import CHECKPOINT_SUFFIXES, checkpoints_of, is_hub_cache, local_record_path

__all__ = ["CACHE_PATH_VARIABLE", "cache_layers", "find_in_layers"]

logger = logging.getLogger("weighthub")

CACHE_PATH_VARIABLE = "WEIGHTHUB_CACHE_PATH"


def _layer_problem(home: Path) -> str | None:
    """Return why ``home`` cannot be a layer, or None when ``home/checkpoints`` is readable."""
    if not home.is_dir():
        return "does not exist" if not home.exists() else "is not a folder"
    checkpoints = checkpoints_of(home)
    if not checkpoints.is_dir() and is_hub_cache(home):
        return None  # a huggingface_hub cache, read as a layer of Hub files (._hub_cache)
    if not checkpoints.is_dir():
        looks_like_checkpoints = any(
            p.name.endswith(CHECKPOINT_SUFFIXES) for p in _safe_listing(home)
        )
        hint = (
            f". It holds checkpoint files itself: list its parent {home.parent} instead"
            if looks_like_checkpoints
            else ""
        )
        return (
            f"has no checkpoints/ folder (a layer is a weighthub home, or a huggingface_hub "
            f"cache){hint}"
        )
    if not os.access(checkpoints, os.R_OK | os.X_OK):
        return f"is not readable ({checkpoints})"
    return None


def _safe_listing(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def cache_layers() -> list[Path]:
    """Return the ``checkpoints/`` folders of the homes in ``WEIGHTHUB_CACHE_PATH``, in order.

    ``WEIGHTHUB_CACHE_PATH`` lists weighthub homes separated by ``os.pathsep`` (``:`` on POSIX);
    empty entries are ignored. The layers are searched, in this order, before the writable cache.

    Raises:
        CachePathError: A listed home does not exist, is not readable or has no ``checkpoints/``.
    """
    raw = os.environ.get(CACHE_PATH_VARIABLE, "")
    layers: list[Path] = []
    for entry in raw.split(os.pathsep):
        if not entry.strip():
            continue
        home = Path(entry.strip()).expanduser()
        problem = _layer_problem(home)
        if problem is not None:
            msg = (
                f"{CACHE_PATH_VARIABLE} lists {str(home)!r}, which {problem}. Fix or remove that "
                f"entry; {CACHE_PATH_VARIABLE} lists weighthub homes (folders holding "
                f"checkpoints/, as written by 'weighthub download --to DIR') separated by "
                f"{os.pathsep!r}."
            )
            raise CachePathError(msg, path=home)
        layers.append(checkpoints_of(home))
    return layers


def _check_layer_file(path: Path, expected: Expected, *, url: str, scratch: Path) -> str | None:
    """Return why the layer file ``path`` is unusable, or None when it is verified."""
    try:
        st = path.stat()
    except OSError as exc:
        return f"it cannot be read ({exc})"
    record = read_record(path)  # the layer's own record, read only
    if record is not None:
        if record.corrupt:
            return "its record marks it corrupt"
        if record.size == st.st_size and record.mtime_ns == st.st_mtime_ns:
            return expected.mismatch(record.sha256, st.st_size)
        if not expected.has_hash:
            # The record still says what the bytes must be (e.g. after a copy changed the mtime).
            expected = Expected(sha256=record.sha256, size=expected.size)
    check = check_cached(path, expected, url=url, record_file=local_record_path(path, scratch))
    return check.reason if check.state != "ok" else None


def find_in_layers(name: str, expected: Expected, *, url: str, scratch: Path) -> Path | None:
    """Return the first verified ``name`` in the read-only layers, or None.

    A damaged file is skipped with a warning, and the next layer (or the writable cache) is used.

    Args:
        name: The cache file name.
        expected: The declared size and hash.
        url: The checkpoint's URL (stored in a new record).
        scratch: The writable cache folder, which keeps the records of unrecorded layer files.
    """
    for layer in cache_layers():
        path = layer / name
        if not path.is_file() or taken_by_other(path, url):
            continue  # absent, or another URL's file of the same name (._keys)
        problem = _check_layer_file(path, expected, url=url, scratch=scratch)
        if problem is None:
            logger.debug("Using %s from the read-only layer %s.", name, layer)
            return path
        warnings.warn(
            f"Skipping {path} in the read-only cache layer {layer.parent} "
            f"({CACHE_PATH_VARIABLE}): {problem}. Using the next layer or the cache.",
            UserWarning,
            stacklevel=3,
        )
    return None
