"""Read-only cache layers: weighthub homes listed in ``WEIGHTHUB_CACHE_PATH``, searched first.

A layer is a *home* (the folder that holds ``checkpoints/``), like ``WEIGHTHUB_HOME`` and
``weighthub download --to DIR``: a bundle written on one machine, a read-only NFS export or a
squashfs image. A file found in a layer is verified and used in place. Nothing is ever written to a
layer: no lock, no partial download, no record. What weighthub learns about a layer file is kept in
the writable cache (``<cache>/.local-records``), as for local files: the record of a file hashed
once, or that a load or a verification found it damaged, which sets it aside until it changes.

A layer file that fails verification (or to load) is skipped with a warning, and the next layer,
the writable cache or the network serves the file. A listed home that cannot be searched (an NFS
export that went away) is an error only when no other layer and not the cache holds the file;
otherwise it is a warning, once per home.
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from .._errors import CachePathError
from ._config import verify_always
from ._integrity import Expected, check_cached, hash_file, read_record, write_record
from ._keys import taken_by_other
from ._layout import CHECKPOINT_SUFFIXES, checkpoints_of, is_hub_cache, local_record_path

__all__ = [
    "CACHE_PATH_VARIABLE",
    "LayerSearch",
    "cache_layers",
    "find_in_layers",
    "in_a_layer",
    "searchable_layers",
    "set_aside_after_failed_load",
]

logger = logging.getLogger("weighthub")

CACHE_PATH_VARIABLE = "WEIGHTHUB_CACHE_PATH"

# Homes already warned about as unusable in this process (warned again after they come back).
_warned_unusable: set[Path] = set()


def _layer_problem(home: Path) -> str | None:
    """Return why ``home`` cannot be a layer, or None when ``home/checkpoints`` is readable."""
    try:
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
    except OSError as exc:  # a stale NFS handle, an I/O error
        return f"cannot be read ({exc})"
    if not os.access(checkpoints, os.R_OK | os.X_OK):
        return f"is not readable ({checkpoints})"
    return None


def _safe_listing(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _listed_homes() -> list[Path]:
    raw = os.environ.get(CACHE_PATH_VARIABLE, "")
    return [Path(entry.strip()).expanduser() for entry in raw.split(os.pathsep) if entry.strip()]


def _unusable_error(home: Path, problem: str) -> CachePathError:
    msg = (
        f"{CACHE_PATH_VARIABLE} lists {str(home)!r}, which {problem}. Fix or remove that "
        f"entry; {CACHE_PATH_VARIABLE} lists weighthub homes (folders holding "
        f"checkpoints/, as written by 'weighthub download --to DIR') separated by "
        f"{os.pathsep!r}."
    )
    return CachePathError(msg, path=home)


def _layers_and_problems() -> tuple[list[Path], list[CachePathError]]:
    """Return the usable layers' ``checkpoints/`` folders and the errors of the unusable homes."""
    layers: list[Path] = []
    unusable: list[CachePathError] = []
    for home in _listed_homes():
        problem = _layer_problem(home)
        if problem is None:
            _warned_unusable.discard(home)
            layers.append(checkpoints_of(home))
        else:
            unusable.append(_unusable_error(home, problem))
    return layers, unusable


def cache_layers() -> list[Path]:
    """Return the ``checkpoints/`` folders of the homes in ``WEIGHTHUB_CACHE_PATH``, in order.

    ``WEIGHTHUB_CACHE_PATH`` lists weighthub homes separated by ``os.pathsep`` (``:`` on POSIX);
    empty entries are ignored. The layers are searched, in this order, before the writable cache.

    Raises:
        CachePathError: A listed home does not exist, is not readable or has no ``checkpoints/``.
    """
    layers, unusable = _layers_and_problems()
    if unusable:
        raise unusable[0]
    return layers


def searchable_layers() -> tuple[list[Path], LayerSearch]:
    """Return the ``checkpoints/`` folders of the homes that can be searched now, and the search
    to settle once the file is found elsewhere or not (for sources that search layers themselves,
    such as the Hub's)."""
    layers, unusable = _layers_and_problems()
    return layers, LayerSearch(None, tuple(unusable))


def in_a_layer(path: Path) -> bool:
    """Return whether ``path`` lies under a home listed in ``WEIGHTHUB_CACHE_PATH``."""
    return any(path.is_relative_to(home) for home in _listed_homes())


@dataclass(frozen=True)
class LayerSearch:
    """What the read-only layers hold of one file.

    Attributes:
        path: The verified file in the first layer that holds one, or None.
        unusable: The error of each listed home that could not be searched (gone, unreadable).
    """

    path: Path | None
    unusable: tuple[CachePathError, ...] = ()

    def settle(self, *, found_elsewhere: bool) -> None:
        """Accept the homes that could not be searched, or raise the first one's error.

        Args:
            found_elsewhere: Whether another layer or the writable cache holds the verified file.

        Raises:
            CachePathError: A listed home could not be searched and nothing else holds the file.
        """
        if not self.unusable:
            return
        if not found_elsewhere:
            raise self.unusable[0]
        for error in self.unusable:
            home = Path(error.path) if error.path is not None else Path()
            if home in _warned_unusable:
                continue
            _warned_unusable.add(home)
            warnings.warn(
                f"{error} It is skipped: another layer or the cache holds the file "
                "(warned once per process).",
                UserWarning,
                stacklevel=4,
            )


def _set_aside_reason(path: Path, st: os.stat_result, local_file: Path) -> str | None:
    """Return why ``path`` is set aside in the writable cache, if it is (and still the same file).

    A rejection is kept for the file's size and modification time: once the layer's file is
    replaced, the stale rejection is removed and the new file is checked afresh.
    """
    local = read_record(path, local_file)
    if local is None or not local.corrupt:
        return None
    if (local.size, local.mtime_ns) == (st.st_size, st.st_mtime_ns):
        return "a load or a verification found it damaged (set aside in the writable cache)"
    with contextlib.suppress(OSError):
        local_file.unlink()
    return None


def _check_layer_file(path: Path, expected: Expected, *, url: str, scratch: Path) -> str | None:
    """Return why the layer file ``path`` is unusable, or None when it is verified."""
    try:
        st = path.stat()
    except OSError as exc:
        return f"it cannot be read ({exc})"
    local_file = local_record_path(path, scratch)
    set_aside = _set_aside_reason(path, st, local_file)
    if set_aside is not None:
        return set_aside
    record = read_record(path)  # the layer's own record, read only
    if record is not None:
        if record.corrupt:
            return "its record marks it corrupt"
        if record.size == st.st_size and record.mtime_ns == st.st_mtime_ns:
            digest = record.sha256
            if verify_always():
                digest = hash_file(path)
                if digest != record.sha256:
                    return (
                        f"its sha256 is {digest}, not the {record.sha256} its layer record "
                        "holds (WEIGHTHUB_VERIFY=always re-hashed it)"
                    )
            return expected.mismatch(digest, st.st_size)
        if not expected.has_hash:
            # The record still says what the bytes must be (e.g. after a copy changed the mtime).
            expected = Expected(sha256=record.sha256, size=expected.size)
    check = check_cached(path, expected, url=url, record_file=local_file)
    return check.reason if check.state != "ok" else None


def find_in_layers(name: str, expected: Expected, *, url: str, scratch: Path) -> LayerSearch:
    """Look for a verified ``name`` in the read-only layers.

    A damaged file is skipped with a warning, and the next layer (or the writable cache) is used.
    A listed home that cannot be searched is reported in the result, for :meth:`LayerSearch.settle`
    once the writable cache has been looked at.

    Args:
        name: The cache file name.
        expected: The declared size and hash.
        url: The checkpoint's URL (stored in a new record).
        scratch: The writable cache folder, which keeps the records of layer files.
    """
    layers, unusable = _layers_and_problems()
    search = LayerSearch(None, tuple(unusable))
    for layer in layers:
        path = layer / name
        try:
            if not path.is_file() or taken_by_other(path, url):
                continue  # absent, or another URL's file of the same name (._keys)
        except OSError:
            continue
        problem = _check_layer_file(path, expected, url=url, scratch=scratch)
        if problem is None:
            logger.debug("Using %s from the read-only layer %s.", name, layer)
            search = LayerSearch(path, tuple(unusable))
            search.settle(found_elsewhere=True)
            return search
        warnings.warn(
            f"Skipping {path} in the read-only cache layer {layer.parent} "
            f"({CACHE_PATH_VARIABLE}): {problem}. Using the next layer or the cache.",
            UserWarning,
            stacklevel=3,
        )
    return search


def set_aside_after_failed_load(path: Path, expected: Expected, *, url: str, scratch: Path) -> bool:
    """Set aside a layer file that failed to load, so that the next fetch skips it.

    Nothing is written to the layer: the rejection is a record flagged corrupt in the writable
    cache, valid while the layer file keeps its size and modification time.

    Args:
        path: The layer file that failed to load.
        expected: The declared size and hash.
        url: The checkpoint's URL.
        scratch: The writable cache folder.

    Returns:
        True when the file is set aside (fetch again); False when its bytes are the declared
        ones, so another copy would fail the same way and the load error stands.
    """
    digest = hash_file(path)
    if expected.has_hash and expected.mismatch(digest, path.stat().st_size) is None:
        return False
    record = write_record(
        path,
        digest,
        url=url,
        verified=False,
        corrupt=True,
        record_file=local_record_path(path, scratch),
    )
    if record is None:
        logger.warning("Could not set aside %s: the cache %s is not writable.", path, scratch)
    return True
