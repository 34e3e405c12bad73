"""``fetch``: turn a checkpoint URL into a verified local file, downloading it at most once.

Flow: rewrite the URL through the mirrors; a Hugging Face Hub URL that no mirror rewrites is a Hub
file, fetched into the cache huggingface_hub shares (:mod:`._hub_fetch`); a local or ``pkg://`` file
is verified and used in place; otherwise look in the read-only layers (``WEIGHTHUB_CACHE_PATH``,
:mod:`._layers`), then in the cache (a recorded file is checked with one ``stat``; an unrecorded one
is hashed once when a hash is known, then recorded); a missing or bad file is downloaded under the
file's cross-process lock, unless offline mode forbids the network. The cache entry of a URL is its
own: a name another URL holds is never reused (:mod:`._keys`). With
``WEIGHTHUB_DISTRIBUTED=broadcast`` in a torch.distributed job, rank 0 does this for every rank
(:mod:`._distributed`).
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

from .._errors import OfflineModeError
from ._config import cache_dir, hash_checks_enabled, offline_mode, rewrite_url
from ._disk import cache_write_error
from ._distributed import RankFetch, broadcast_active, fail_collectively, fetch_collective
from ._download import download_to_cache
from ._hub import parse_hub_url
from ._hub_fetch import fetch_hub
from ._integrity import CacheCheck, Expected, check_cached
from ._keys import cache_entry, claim, keyed_name, taken_by_other
from ._layers import LayerSearch, find_in_layers
from ._layout import local_record_path
from ._lock import cache_lock, clean_stale_partials
from ._lockfile import locked_commit, locked_expectation
from ._sources import Source, cache_file_name, resolve_source

__all__ = ["fetch"]

logger = logging.getLogger("weighthub")


def fetch(
    url: str,
    *,
    model_dir: str | os.PathLike[str] | None = None,
    progress: bool = True,
    check_hash: bool = True,
    file_name: str | None = None,
    sha256: str | None = None,
    file_size: int | None = None,
) -> Path:
    """Return the local, verified file of a checkpoint URL, downloading it if needed.

    Args:
        url: ``http(s)://``, a Hugging Face Hub file (``https://huggingface.co/{repo}/resolve/
            {revision}/{path}``, ``hf://{repo}[@{revision}]/{path}``), a local path,
            ``file://``, ``pkg://<package>/<path>`` or an fsspec URL.
        model_dir: The cache folder; see :func:`cache_dir`. Hub files go to its ``huggingface/``
            folder, and without it (nor ``WEIGHTHUB_HOME``) to huggingface_hub's cache.
        progress: Show a progress bar while downloading (only when stderr is a terminal).
        check_hash: Verify the sha256 (declared, or the file-name prefix). The size is always
            checked when declared. ``WEIGHTHUB_CHECK_HASH=0`` makes it False for every call. An
            active lockfile is enforced either way.
        file_name: The cache file name; ``basename(urlparse(url).path)`` by default. Either way,
            a name another URL holds gets a short hash of this URL (:mod:`._keys`).
        sha256: The full declared sha256.
        file_size: The declared size in bytes.

    Returns:
        The path of the verified file: in the cache, in a read-only layer
        (``WEIGHTHUB_CACHE_PATH``), or the local file itself; for a Hub file, its
        ``snapshots/{commit}/{path}`` in the Hub cache.

    Raises:
        IntegrityError: The file (downloaded or local) is not the declared one, or not the one
            the active lockfile (``WEIGHTHUB_LOCK``, :func:`use_lock`) pins.
        NotInLockfileError: A lockfile is active and has no entry for ``url``.
        LockfileError: The active lockfile does not exist or is malformed.
        OfflineModeError: Offline mode is on and the file is not (intact) in the cache.
        WeightsDownloadError: The download failed for good.
        LockTimeoutError: Another process held the download lock too long (or, with
            ``WEIGHTHUB_DISTRIBUTED=broadcast``, another rank did not answer in time).
        RankMismatchError: With ``WEIGHTHUB_DISTRIBUTED=broadcast``, the ranks do not all fetch
            the same file (URL, after mirrors too, sha256 and size).
        CachePathError: A ``WEIGHTHUB_CACHE_PATH`` entry is not a readable weighthub home, and no
            other layer nor the cache holds the file.
        FileNotFoundError: A local file does not exist.
        CacheWriteError: The cache's disk is full, over quota, read-only or failing.
        InvalidFileNameError: The cache file name is unsafe (a separator, ``..``) or too long.
        InvalidURLError: The URL is malformed.
    """
    collective = broadcast_active()
    hub_file = None
    source: Source | None = None
    try:
        target_url = rewrite_url(url)
        hub_file = parse_hub_url(url) if target_url == url else None
        source = resolve_source(target_url) if hub_file is None else None
        # A Hub file's place is its repository, commit and path; its name only feeds messages.
        name = hub_file.name if hub_file is not None else cache_file_name(url, file_name)
        check_hash = check_hash and hash_checks_enabled()
        expected = Expected.build(name, sha256, file_size, check_hash=check_hash)
        expected = locked_expectation(url, name, expected)  # WEIGHTHUB_LOCK / use_lock, if active
        folder = cache_dir(model_dir)
    except Exception as exc:
        # A local (or missing pkg://) file and a Hub file are never collective; any other fetch
        # is, so the other ranks must learn why this one stops instead of waiting for it.
        local = source.kind == "local" if source is not None else isinstance(exc, FileNotFoundError)
        if collective and hub_file is None and not local:
            fail_collectively(exc, url=url)
        raise
    if target_url != url:
        logger.debug("Mirror: %s -> %s", url, target_url)
    if hub_file is not None:
        return fetch_hub(
            url,
            hub_file,
            expected=expected,
            pinned=locked_commit(url),
            model_dir=model_dir,
            progress=progress,
            check_hash=check_hash,
        )
    assert source is not None  # resolved above for every URL that is not a Hub file
    if source.kind == "local" and source.path is not None:
        return _verify_local(source.path, expected, url=url, folder=folder)
    target = cache_entry(folder, name, url)

    def search_layers() -> LayerSearch:
        search = LayerSearch(None)
        for candidate in (keyed_name(name, url), name):
            search = find_in_layers(candidate, expected, url=url, scratch=folder)
            if search.path is not None:
                break
        return search

    def fetch_here(search: LayerSearch) -> Path:
        return search.path or _fetch_to_cache(source, target, expected, url, progress, search)

    if collective:
        return fetch_collective(
            RankFetch(
                target,
                expected,
                url=url,
                source_url=target_url,
                search_layers=search_layers,
                fetch_here=fetch_here,
            )
        )
    return fetch_here(search_layers())


def _usable(target: Path, expected: Expected, url: str) -> CacheCheck:
    """Whether ``target`` holds ``url``'s file (``"taken"``: another URL's entry)."""
    if taken_by_other(target, url):
        return CacheCheck("taken")
    check = check_cached(target, expected, url=url)
    if check.state == "ok":
        claim(target, url)
    return check


def _fetch_to_cache(
    source: Source, target: Path, expected: Expected, url: str, progress: bool, search: LayerSearch
) -> Path:
    """Return ``target`` once it holds the verified file, downloading it under its lock.

    ``search`` is what the layers held: a home that could not be searched is an error unless the
    cache holds the file.
    """
    name, folder = target.name, target.parent
    keyed = folder / keyed_name(name, url)
    check = _usable(target, expected, url)
    if check.state == "taken":
        return _fetch_to_cache(source, keyed, expected, url, progress, search)
    search.settle(found_elsewhere=check.state == "ok")
    if check.state == "ok":
        return target
    if offline_mode():
        if check.state == "missing":
            msg = (
                f"Offline mode is on (WEIGHTHUB_OFFLINE) and {name} is not in the cache. Put the "
                f"file {name} in {folder} (the full path: {target}), or turn offline mode off to "
                f"download it from {url}."
            )
        else:
            msg = (
                f"Offline mode is on (WEIGHTHUB_OFFLINE) and the cached {target} is unusable: "
                f"{check.reason}. Replace it with the right file, or turn offline mode off to "
                f"download it again from {url}."
            )
        raise OfflineModeError(msg, url=url, path=target)
    if check.state == "bad":
        warnings.warn(
            f"The cached file {target} is not usable ({check.reason}); downloading it again.",
            UserWarning,
            stacklevel=3,
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cache_write_error(exc, target, None) from exc
    with cache_lock(target):
        # Another process may have downloaded it (or another URL's file under this name) while
        # this one waited for the lock.
        again = _usable(target, expected, url).state
        if again == "ok":
            return target
        if again != "taken":
            clean_stale_partials(target)
            download_to_cache(source, target, expected, record_url=url, progress=progress)
            return target
    return _fetch_to_cache(source, keyed, expected, url, progress, search)


def _verify_local(path: Path, expected: Expected, *, url: str, folder: Path) -> Path:
    record_file = local_record_path(path, folder)
    check = check_cached(path, expected, url=url, record_file=record_file)
    if check.state != "ok":
        msg = f"The checkpoint file {path} (from {url}) is not the expected one: {check.reason}."
        raise expected.error(msg, url=url, path=path)
    return path
