"""Streaming a remote checkpoint into the cache: retries, HTTP Range resume, hashing, atomic rename.

The bytes go to a process-unique ``<name>.<pid>.<hex>.partial`` file in the cache folder and are
hashed while they stream (no second read). A dropped connection is resumed with a Range request
(the hash object stays alive across the resume); a server that ignores Range makes the download
start again from zero. Once complete, the file is fsynced, its size and hash are checked, and only
then is it renamed to its final name with ``os.replace`` and recorded. Nothing that looks complete
is ever left behind by a failed download.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from .._errors import IntegrityError, WeightsDownloadError
from ._config import env_number
from ._integrity import CHUNK_SIZE, Expected, write_record
from ._lock import partial_path
from ._sources import RetryableError, Source

__all__ = ["download_to_cache"]

logger = logging.getLogger("weighthub")

_MAX_DELAY = 60.0


def _progress_bar(enabled: bool, name: str) -> Any:
    from tqdm.auto import tqdm

    show = enabled and sys.stderr is not None and sys.stderr.isatty()
    return tqdm(
        total=None,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        desc=name,
        disable=not show,
        file=sys.stderr,
    )


def _stream_with_retries(
    source: Source, partial: Path, *, display: str, progress: bool, name: str
) -> tuple[str, int, int | None]:
    """Write the remote file into ``partial``; return its sha256, size and announced size."""
    retries = int(env_number("WEIGHTHUB_RETRIES", 5))
    backoff = env_number("WEIGHTHUB_RETRY_BACKOFF", 1.0)
    hasher = hashlib.sha256()
    written = 0
    announced: int | None = None
    failures = 0
    with partial.open("wb") as out, _progress_bar(progress, name) as bar:
        while True:
            before = written
            try:
                with source.open_stream(written) as stream:
                    if stream.start != written:
                        if written:
                            logger.info("%s ignored the resume request; starting again.", display)
                        out.seek(0)
                        out.truncate()
                        hasher = hashlib.sha256()
                        written = 0
                        bar.reset()
                    if stream.total is not None:
                        announced = stream.total
                        bar.total = stream.total
                        bar.refresh()
                    while chunk := stream.body.read(CHUNK_SIZE):
                        out.write(chunk)
                        hasher.update(chunk)
                        written += len(chunk)
                        bar.update(len(chunk))
                    if announced is not None and written < announced:
                        msg = f"the connection closed after {written} of {announced} bytes"
                        raise RetryableError(msg)
                break
            except (RetryableError, OSError, EOFError, http.client.HTTPException) as exc:
                if isinstance(exc, WeightsDownloadError):
                    raise
                failures = 0 if written > before else failures + 1
                if failures > retries:
                    msg = f"Downloading {display} failed after {retries} retries: {exc}"
                    raise WeightsDownloadError(msg) from exc
                delay = min(_MAX_DELAY, backoff * 2 ** max(0, failures - 1))
                logger.warning(
                    "Downloading %s was interrupted (%s); retrying in %.1f s from byte %d.",
                    display,
                    exc,
                    delay,
                    written,
                )
                time.sleep(delay)
        out.flush()
        os.fsync(out.fileno())
    return hasher.hexdigest(), written, announced


def download_to_cache(
    source: Source,
    target: Path,
    expected: Expected,
    *,
    record_url: str,
    progress: bool,
) -> None:
    """Download ``source`` to ``target`` (call with the lock of ``target`` held).

    Args:
        source: A remote (or package-resource) source.
        target: The final path in the cache.
        expected: The declared size and hash.
        record_url: The URL stored in the record (the one the user asked for).
        progress: Show a tqdm bar when stderr is a terminal.

    Raises:
        IntegrityError: The downloaded bytes have the wrong size or hash.
        WeightsDownloadError: A permanent error, or the retries ran out.
    """
    display = source.url if source.url == record_url else f"{record_url} (from {source.url})"
    partial = partial_path(target)
    try:
        try:
            digest, size, announced = _stream_with_retries(
                source, partial, display=display, progress=progress, name=target.name
            )
        except WeightsDownloadError as exc:
            msg = (
                f"{exc} If this host cannot reach it, point WEIGHTHUB_MIRROR at a mirror (e.g. "
                f"WEIGHTHUB_MIRROR='<url prefix>=<mirror prefix>'), or put the file at {target} "
                "and set WEIGHTHUB_OFFLINE=1 for offline use."
            )
            raise WeightsDownloadError(msg) from exc
        problem = expected.mismatch(digest, size)
        if problem is None and announced is not None and size != announced:
            problem = f"its size is {size} bytes but the server announced {announced} bytes"
        if problem is not None:
            msg = (
                f"The file downloaded from {display} is not the expected checkpoint: {problem}. "
                "It was deleted. Retry later, or check the mirror (WEIGHTHUB_MIRROR) and the "
                "declared hash."
            )
            raise IntegrityError(msg)
        if not expected.has_hash:
            import warnings

            warnings.warn(
                f"{target.name} was downloaded from {display} without verification: no sha256 is "
                "declared and its file name has no hash prefix (or check_hash=False). Its sha256 "
                f"is {digest}.",
                UserWarning,
                stacklevel=4,
            )
        partial.replace(target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    write_record(target, digest, url=record_url, verified=expected.has_hash)
    logger.info("Downloaded %s to %s (sha256 %s).", display, target, digest)
