"""Fetching a Hugging Face Hub file into the cache it shares with huggingface_hub.

What a load costs, in requests to the Hub:

- a revision that is a commit id (in the URL, or pinned by the active lockfile), cached: **0**;
- a branch or tag, cached: **1** ``HEAD`` (the branch may have moved), as huggingface_hub; when
  that request fails for a transient reason (429, 5xx, no network) and the revision was cached
  before, the cached commit is used at once, with a warning, instead of waiting;
- offline (``WEIGHTHUB_OFFLINE=1`` or ``HF_HUB_OFFLINE=1``): **0**, through ``refs/{revision}``;
- a download: the ``HEAD``, then weighthub's downloader on the file's ``resolve`` URL at the
  commit: every request of it (the stream, its resumes, a range probe, the pieces of a
  multi-connection download) goes to the Hub, whose redirect to its CDN is followed with a fresh
  signature, so a CDN URL that expires while a download resumes is simply resolved again.

The bytes are verified against the sha256 the Hub announces for an LFS file (``X-Linked-Etag``),
and against the declared or locked sha256 when there is one; a small (non-LFS) file, which the Hub
identifies by its git blob id, is fetched in one request and checked against that id. The download
runs under huggingface_hub's own lock of the blob (:mod:`._hub_cache`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import warnings
from pathlib import Path

from .._errors import IntegrityError, OfflineModeError, WeightsDownloadError
from .._settings import env_flag
from ._config import offline_mode
from ._disk import cache_write_error, finish_download, partial_file, write_at
from ._download import download_to_cache
from ._http import open_http
from ._hub import HubFile, HubMetadata, hub_metadata, parse_hub_url
from ._hub_cache import HubStore, read_only_stores, with_hub_facts, writable_store
from ._hub_env import hf_offline
from ._integrity import Expected
from ._layers import LayerSearch, cache_layers, searchable_layers
from ._layout import CachePaths
from ._lock import cache_lock, clean_stale_partials
from ._lockfile import locked_commit
from ._retries import Retries
from ._sources import Source, check_http_url
from ._stream import RetryableError

__all__ = ["fetch_hub", "locate_hub", "snapshot_commit"]

logger = logging.getLogger("weighthub")

_SMALL_FILE_LIMIT = 64 << 20  # the Hub keeps files above 10 MB in LFS


def snapshot_commit(file: HubFile, pointer: Path) -> str:
    """The commit of a snapshot file ``.../snapshots/{commit}/{path}`` (:func:`fetch_hub`'s)."""
    return pointer.parents[len(file.path.split("/")) - 1].name


def locate_hub(url: str) -> tuple[Path, bool] | None:
    """Where the Hub file of ``url`` is cached, without a request: ``(path, True)``; else the
    repository folder it would go to, ``(folder, False)``; None when ``url`` is not a Hub URL.

    A branch or tag is looked up through its ``refs/`` (what an offline load would use); the
    active lockfile's commit wins.
    """
    file = parse_hub_url(url)
    if file is None:
        return None
    pinned = locked_commit(url)
    wanted = file.at(pinned) if pinned is not None else file
    store = writable_store()
    for each in [*read_only_stores(cache_layers(), store.scratch), store]:
        commit = each.read_ref(wanted, wanted.revision)
        pointer = each.pointer(wanted, commit) if commit else None
        if pointer is not None and pointer.exists():
            return pointer, True
    return store.storage(wanted), False


def fetch_hub(
    url: str,
    file: HubFile,
    *,
    expected: Expected,
    pinned: str | None,
    model_dir: str | os.PathLike[str] | None,
    progress: bool,
    check_hash: bool,
) -> Path:
    """Return the verified snapshot file of a Hub file, downloading it if needed.

    Args:
        url: The URL the weights declare (recorded, and named in messages).
        file: The Hub file it names.
        expected: The declared (or locked) sha256 and size.
        pinned: The commit the active lockfile pins the file to, if any.
        model_dir: A weighthub cache folder, whose ``huggingface/`` then holds the file.
        progress: Show a progress bar while downloading.
        check_hash: Verify the Hub's sha256 (off with ``WEIGHTHUB_CHECK_HASH=0``).

    Raises:
        OfflineModeError: Offline, and the file is not cached.
        WeightsDownloadError: The Hub refused, could not be reached, or the download failed.
        IntegrityError: The bytes are not what the Hub, the weights or the lockfile say.
        CacheWriteError: The cache's disk refused the file.
    """
    store = writable_store(model_dir)
    # A listed home that cannot be searched now is an error only when nothing else has the file.
    layers, search = searchable_layers()
    stores = [*read_only_stores(layers, store.scratch), store]
    wanted = file.at(pinned) if pinned is not None else file
    if wanted.pinned:
        found = _find(stores, wanted, wanted.revision, expected, url)
        if found is not None:
            return _settled(search, found)
        _refuse_offline(stores, wanted, url)
        meta = hub_metadata(wanted)
    elif offline_mode(hub=True):
        found = _find_by_ref(stores, wanted, expected, url)
        if found is not None:
            return _settled(search, found)
        _refuse_offline(stores, wanted, url)
        raise AssertionError  # pragma: no cover - _refuse_offline raised
    else:
        meta_or_hit = _ask_or_fall_back(stores, wanted, expected, url)
        if isinstance(meta_or_hit, Path):
            return _settled(search, meta_or_hit)
        meta = meta_or_hit
    sha256 = meta.sha256 if check_hash else None
    facts = with_hub_facts(expected, sha256, meta.size)
    for each in stores:
        found = each.find(wanted, meta.commit, facts, url=url)
        if found is not None:
            each.write_ref(wanted, wanted.revision, meta.commit)  # a read-only store: nothing
            return _settled(search, found)
    search.settle(found_elsewhere=False)
    return _download(store, wanted, meta, expected, facts, url=url, progress=progress)


def _settled(search: LayerSearch, found: Path) -> Path:
    search.settle(found_elsewhere=True)  # warns once about a listed home that is gone
    return found


def _find(
    stores: list[HubStore], file: HubFile, commit: str, expected: Expected, url: str
) -> Path | None:
    for store in stores:
        found = store.find(file, commit, expected, url=url)
        if found is not None:
            return found
    return None


def _find_by_ref(
    stores: list[HubStore], file: HubFile, expected: Expected, url: str
) -> Path | None:
    for store in stores:
        commit = store.read_ref(file, file.revision)
        found = store.find(file, commit, expected, url=url) if commit else None
        if found is not None:
            return found
    return None


def _refuse_offline(stores: list[HubStore], file: HubFile, url: str) -> None:
    if not offline_mode(hub=True):
        return
    setting = "weighthub.set_offline(True)"
    if env_flag("WEIGHTHUB_OFFLINE"):
        setting = "WEIGHTHUB_OFFLINE"
    elif hf_offline():
        setting = "HF_HUB_OFFLINE"
    roots = ", ".join(str(s.root) for s in stores)
    what = "commit" if file.pinned else "revision"
    msg = (
        f"Offline mode is on ({setting}) and the Hub file {file} ({what} {file.revision}) is not "
        f"in the Hub cache ({roots}). Turn offline mode off to download it from {url}, or fetch "
        "it once where the Hub is reachable (`weighthub download NAME`, or `hf download`) and "
        "copy the cache here."
    )
    raise OfflineModeError(msg, url=url, path=stores[-1].root)


def _ask_or_fall_back(
    stores: list[HubStore], file: HubFile, expected: Expected, url: str
) -> HubMetadata | Path:
    """The Hub's metadata of a branch or tag; or, when the Hub cannot answer now, the cached copy.

    With a cached copy to fall back on, a transient failure (429, 5xx, no connection) is not
    retried: the revision's cached commit is used at once (huggingface_hub #3312).
    """
    cached = any(s.read_ref(file, file.revision) for s in stores)
    try:
        return hub_metadata(file, retry=not cached)
    except (RetryableError, WeightsDownloadError) as exc:
        transient = isinstance(exc, RetryableError) or exc.status is None
        found = _find_by_ref(stores, file, expected, url) if transient and cached else None
        if found is None:
            if isinstance(exc, RetryableError):
                return hub_metadata(file)  # nothing to fall back on: retry as a download does
            raise
        warnings.warn(
            f"Could not ask the Hub whether {file.revision!r} of {file.repo} moved ({exc}); using "
            f"the cached copy {found}.",
            UserWarning,
            stacklevel=5,
        )
        return found


def _download(
    store: HubStore,
    file: HubFile,
    meta: HubMetadata,
    declared: Expected,
    facts: Expected,
    *,
    url: str,
    progress: bool,
) -> Path:
    _check_declared(file, meta, declared, url)
    blob = store.blob(file, meta.etag)
    try:
        store.prepare(file, meta.etag)
    except OSError as exc:
        raise cache_write_error(exc, blob, meta.size) from exc
    with cache_lock(blob, lock_file=store.lock(file, meta.etag)):
        # huggingface_hub (or another weighthub) may have stored it while this one waited.
        if blob.exists():
            problem = store.check_blob(blob, facts, url=url)
            if problem is not None:
                warnings.warn(
                    f"The cached Hub blob {blob} ({file}) is not usable: {problem}; downloading "
                    "it again.",
                    UserWarning,
                    stacklevel=4,
                )
                for stale in (blob, CachePaths(blob).record):
                    with contextlib.suppress(FileNotFoundError):
                        stale.unlink()
        if not blob.exists():
            clean_stale_partials(blob)
            source = Source(kind="http", url=check_http_url(file.at(meta.commit).url()))
            if meta.lfs:
                download_to_cache(source, blob, facts, record_url=url, progress=progress)
            else:
                _download_small(source.url, blob, meta, facts, url=url)
        pointer = store.link(file, meta.commit, blob, url=url)
    store.write_ref(file, file.revision, meta.commit)
    return pointer


def _check_declared(file: HubFile, meta: HubMetadata, declared: Expected, url: str) -> None:
    """Refuse before downloading when the Hub announces other bytes than the declared ones."""
    problem = declared.mismatch(meta.sha256, meta.size)
    if problem is None:
        return
    msg = (
        f"The Hub serves {file} at commit {meta.commit} as a file that is not the expected one: "
        f"{problem}. The revision {file.revision!r} now holds other bytes (did it move?). Pin the "
        "commit the weights were published at (a commit id in the URL, or `weighthub lock`), or "
        "check the declared sha256. Nothing was downloaded."
    )
    raise declared.error(msg, url=url, digest=meta.sha256, size=meta.size)


def _download_small(
    source_url: str, blob: Path, meta: HubMetadata, facts: Expected, *, url: str
) -> None:
    """Fetch a small (non-LFS) file in one request and check it against its git blob id."""
    import hashlib

    limit = meta.size if meta.size is not None else _SMALL_FILE_LIMIT
    retries = Retries()
    while True:
        try:
            with open_http(source_url, limit=limit + 1) as answer:
                data = answer.read()
            break
        except RetryableError as exc:
            time.sleep(retries.next_delay(url, exc))
    git = hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
    digest = hashlib.sha256(data).hexdigest()
    if git != meta.etag or len(data) > limit:
        msg = (
            f"The file downloaded from {url} is not the expected one: its git blob id is {git} "
            f"({len(data)} bytes) but the Hub announced {meta.etag}. Nothing was kept; retry "
            "later, or check HF_ENDPOINT."
        )
        raise IntegrityError(msg, url=url, path=blob, actual_sha256=digest, actual_size=len(data))
    checked = Expected(
        sha256=facts.sha256 or digest,
        prefix=facts.prefix,
        size=facts.size,
        origin=facts.origin or "its git blob id",
    )
    with partial_file(blob) as (partial, fd):
        write_at(fd, memoryview(data), 0, target=blob, needed=len(data))
        finish_download(
            fd,
            partial,
            blob,
            counted=len(data),
            digest=digest,
            expected=checked,
            announced=meta.size,
            display=url,
            record_url=url,
        )
