"""Streaming a remote checkpoint into the cache: retries, HTTP Range resume, hashing, atomic rename.

The bytes go to a process-unique ``<name>.<pid>.<hex>.partial`` file in the cache folder. The loop
reads into a few preallocated buffers (``readinto``), writes each at its offset (``pwrite``) and
hands it to a worker thread that hashes while the next buffer arrives (:mod:`._hashing`), so sha256
costs no wall time on a machine with a second core. A dropped connection is resumed with a Range
request (the hash state stays alive across the resume); a server that ignores Range makes the
download start again.

A file of at least ``WEIGHTHUB_PARALLEL_MIN`` bytes starts as one stream too. When its answer
advertises ``Accept-Ranges: bytes``, a window of it runs below ``WEIGHTHUB_PARALLEL_BELOW`` and a
Range probe works, its bytes so far are handed over to :mod:`._parallel`, which continues the rest
over several connections. A fast link (loopback, a local mirror) thus keeps the cheaper single
stream; a link that holds each TCP stream back gets several.

The body is bounded: never more than the declared ``file_size`` (else the announced length) is
read. A local write error (disk full, quota, read-only, I/O error) is not a network error: it is
raised at once as :class:`~weighthub.CacheWriteError`. The finish step, shared with the
multi-connection path, checks the bytes on disk (``fstat`` size == counted == expected, hash),
fsyncs, renames with ``os.replace`` and records. Nothing that looks complete is ever left behind.
"""

from __future__ import annotations

import logging
import math
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import (
    CacheWriteError,
    IntegrityError,
    InvalidURLError,
    WeightsDownloadError,
)
from ._config import connections, parallel_below, parallel_min
from ._disk import (
    WRITEBACK_STEP,
    cache_write_error,
    check_free_space,
    finish_download,
    partial_file,
    side_files_checked,
    size_disagreement,
    start_writeback,
    write_at,
)
from ._hashing import HashWorker
from ._integrity import Expected
from ._layout import CachePaths
from ._retries import Retries, failed_message
from ._sources import Source
from ._stream import RetryableError, Version

if TYPE_CHECKING:
    from ._parallel import Handover, Probe

__all__ = ["download_to_cache"]

logger = logging.getLogger("weighthub")

_PERMANENT = (CacheWriteError, IntegrityError, InvalidURLError, WeightsDownloadError)


class _NoBar:
    """What a download reports its progress to when no bar is shown (tqdm is not even imported)."""

    total: int | None = None

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def update(self, count: int) -> None:
        return None

    def reset(self) -> None:
        return None

    def refresh(self) -> None:
        return None


def _progress_bar(enabled: bool, name: str) -> Any:
    if not (enabled and sys.stderr is not None and sys.stderr.isatty()):
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(
        total=None, unit="B", unit_scale=True, unit_divisor=1024, desc=name, file=sys.stderr
    )


# -- the single-stream loop --------------------------------------------------------------------

# One stream of a large file is measured over windows of this many seconds; it hands over to several
# connections when it runs below WEIGHTHUB_PARALLEL_BELOW and the rest would take at least
# _WORTH_SWITCHING seconds at its rate (so connection set-up pays for itself).
_WINDOW = 0.25
_WORTH_SWITCHING = 1.0


class _GoParallel(Exception):
    """The first answer shows a file large enough for several connections (none of it is kept)."""

    handover: Handover | None = None


class _SwitchToParallel(_GoParallel):
    """A large file's single stream is slow and the server takes ranges: continue in pieces."""

    def __init__(self, written: int, found: Probe) -> None:
        super().__init__(f"switching to several connections after {written} bytes")
        self.written, self.found = written, found
        self.handover: Handover | None = None


@dataclass
class _RateWatch:
    """Decides, window by window, whether a single stream should hand over to several."""

    url: str
    total: int
    below: float
    version: Version
    since: float = field(default_factory=time.monotonic)
    mark: int = 0
    gave_up: bool = False

    def check(self, written: int) -> None:
        """Raise :class:`_SwitchToParallel` when the last window ran slow and ranges work."""
        now = time.monotonic()
        if self.gave_up or now - self.since < _WINDOW:
            return
        rate = (written - self.mark) / (now - self.since)
        self.since, self.mark = now, written
        if rate >= self.below or self.total - written <= rate * _WORTH_SWITCHING:
            return
        from ._parallel import probe

        found = probe(self.url, self.version)  # the stream's version, or nothing to continue
        if found is None or found.size != self.total or self.version.differs(found.version):
            self.gave_up = True  # no usable ranges: this stream goes on to the end
            return
        raise _SwitchToParallel(written, found)


@dataclass
class _State:
    written: int = 0
    flushed: int = 0
    best: int = 0
    announced: int | None = None
    responded: bool = False
    version: Version | None = None  # of the bytes written so far


def _too_long(display: str, limit: int, expected: Expected) -> IntegrityError:
    source = "file_size declares" if expected.size is not None else "the server announced"
    msg = (
        f"{display} sent more than the {limit} bytes {source}; the download was stopped and "
        "deleted. The server (or mirror) is broken or hostile; check WEIGHTHUB_MIRROR."
    )
    return IntegrityError(msg, url=display, expected_size=limit)


def _copy_body(
    body: Any,
    fd: int,
    state: _State,
    hasher: HashWorker,
    bar: Any,
    *,
    limit: int | None,
    target: Path,
    display: str,
    expected: Expected,
    watch: _RateWatch | None,
) -> None:
    """Copy ``body`` into the partial until it ends, hashing on the worker thread."""
    readinto = getattr(body, "readinto", None)
    while True:
        buffer = hasher.take()
        view = memoryview(buffer)
        want = len(buffer) if limit is None else min(len(buffer), limit + 1 - state.written)
        try:
            if readinto is not None:
                count = readinto(view[:want])
            else:
                chunk = body.read(want)
                count = len(chunk)
                view[:count] = chunk
        except BaseException:
            hasher.give_back(buffer)
            raise
        if not count:
            hasher.give_back(buffer)
            return
        if limit is not None and state.written + count > limit:
            hasher.give_back(buffer)
            raise _too_long(display, limit, expected)
        needed = None if limit is None else limit - state.written
        try:
            write_at(fd, view[:count], state.written, target=target, needed=needed)
        except BaseException:
            hasher.give_back(buffer)
            raise
        hasher.feed(buffer, count)
        state.written += count
        bar.update(count)
        if state.written - state.flushed >= WRITEBACK_STEP:
            start_writeback(fd, state.flushed, state.written - state.flushed)
            state.flushed = state.written
        if watch is not None:
            watch.check(state.written)


def _attempt(
    source: Source,
    fd: int,
    state: _State,
    hasher: HashWorker,
    bar: Any,
    *,
    target: Path,
    display: str,
    expected: Expected,
    allow_parallel: bool,
) -> None:
    """One request: open the stream at ``state.written`` and copy it to the end (or raise)."""
    with source.open_stream(state.written, state.version) as stream:
        state.responded = True
        changed = state.version is not None and state.version.differs(stream.version)
        if changed or stream.start != state.written:
            _start_again(fd, state, hasher, bar, target=target)
            if changed:
                # A server that ignores If-Range: the rest of another version must not be kept.
                msg = f"{display} changed on the server during the download; starting again"
                raise RetryableError(msg)
        if state.written == 0:
            state.version = stream.version
        total = stream.total
        if total is not None and expected.size is not None and total != expected.size:
            raise size_disagreement(display, total, expected)
        watch = None
        if allow_parallel and total is not None and _worth_parallel(total):
            below = parallel_below()
            if below == math.inf and state.written == 0:
                raise _GoParallel
            if stream.ranges:  # else a probe would only start a second whole-file answer
                watch = _RateWatch(source.url, total, below, stream.version, mark=state.written)
        if total is None:
            total = expected.size
        if total is not None:
            if state.announced is None:
                check_free_space(target, total - state.written)
            state.announced = total
            bar.total = total
            bar.refresh()
        limit = expected.size if expected.size is not None else total
        _copy_body(
            stream.body,
            fd,
            state,
            hasher,
            bar,
            limit=limit,
            target=target,
            display=display,
            expected=expected,
            watch=watch,
        )
        if total is not None and state.written < total:
            msg = "the connection closed early"
            raise RetryableError(msg)


def _start_again(fd: int, state: _State, hasher: HashWorker, bar: Any, *, target: Path) -> None:
    """Drop the bytes written so far (a server that ignored the resume, a file that changed)."""
    if state.written:
        logger.info("Starting the download of %s again from byte 0.", target.name)
    hasher.restart()
    try:
        os.ftruncate(fd, 0)
    except OSError as exc:
        raise cache_write_error(exc, target, None) from exc
    state.written = state.flushed = 0
    state.version = None
    bar.reset()


def _describe_failure(display: str, exc: BaseException, state: _State) -> str:
    if not state.responded:
        return failed_message(display, exc)
    total = state.announced if state.announced is not None else "?"
    return f"Downloading {display} was interrupted after {state.written} of {total} bytes ({exc})"


def _stream_with_retries(
    source: Source,
    fd: int,
    *,
    target: Path,
    display: str,
    expected: Expected,
    bar: Any,
    allow_parallel: bool,
) -> tuple[str, int, int | None]:
    """Write the remote file into the partial ``fd``; return its sha256, size and announced size.

    Raises:
        _GoParallel: The file is large enough to try several connections (``allow_parallel``);
            :class:`_SwitchToParallel` when a slow stream hands its bytes over.
    """
    retries = Retries()
    state = _State()
    hasher = HashWorker()
    try:
        while True:
            state.responded = False
            try:
                _attempt(
                    source,
                    fd,
                    state,
                    hasher,
                    bar,
                    target=target,
                    display=display,
                    expected=expected,
                    allow_parallel=allow_parallel and source.kind == "http",
                )
                break
            except (_GoParallel, *_PERMANENT):
                raise
            # HTTP failures arrive classified (_http); a package resource or an fsspec file whose
            # library raised something unclassified can still fail with a plain OSError.
            except (RetryableError, OSError, EOFError) as exc:
                if state.written > state.best:
                    state.best = state.written
                    retries.progress()
                described = _describe_failure(display, exc, state)
                delay = retries.next_delay(display, exc)
                logger.warning(
                    "%s; retrying in %.1f s (retry %d of %d) from byte %d.",
                    described,
                    delay,
                    retries.failures,
                    retries.retries,
                    state.written,
                )
                time.sleep(delay)
    finally:
        digest = hasher.close()
    return digest, state.written, state.announced


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
        IntegrityError: The downloaded bytes have the wrong size or hash, or the server sent more
            than expected.
        CacheWriteError: The local disk refused the file (full, quota, read-only, I/O error).
        WeightsDownloadError: A permanent error, or the retries ran out.
    """
    display = source.url if source.url == record_url else f"{record_url} (from {source.url})"
    try:
        with _progress_bar(progress, target.name) as bar:
            _download(source, target, expected, display=display, record_url=record_url, bar=bar)
    except WeightsDownloadError as exc:
        if source.kind == "fsspec" and exc.status in (401, 403):
            raise  # the store's credentials: the message says which to check; a mirror would not
        if source.url != record_url:
            msg = (
                f"{exc} The mirror failed, not {record_url}: WEIGHTHUB_MIRROR sends it to "
                f"{source.url}. Check that mirror (its host, and that it holds the file), fix "
                f"WEIGHTHUB_MIRROR, or put the file at {target} and set WEIGHTHUB_OFFLINE=1."
            )
        else:
            msg = (
                f"{exc} If this host cannot reach it, point WEIGHTHUB_MIRROR at a mirror (e.g. "
                f"WEIGHTHUB_MIRROR='<url prefix>=<mirror prefix>'), or put the file at {target} "
                "and set WEIGHTHUB_OFFLINE=1 for offline use."
            )
        raise WeightsDownloadError(msg, url=exc.url or source.url, status=exc.status) from exc


def _worth_parallel(size: int) -> bool:
    return connections() > 1 and size >= parallel_min()


def _download(
    source: Source,
    target: Path,
    expected: Expected,
    *,
    display: str,
    record_url: str,
    bar: Any,
) -> None:
    side_files_checked(target)
    if expected.size is not None:
        check_free_space(target, expected.size)
    args: dict[str, Any] = {"display": display, "record_url": record_url, "bar": bar}
    parallel = source.kind == "http"
    journal = CachePaths(target).journal
    known_large = expected.size is not None and _worth_parallel(expected.size)
    at_once = known_large and parallel_below() == math.inf
    if parallel and (at_once or journal.exists()):
        from ._parallel import download_parallel

        if download_parallel(source.url, target, expected, **args):
            return
        parallel = False
    if parallel:
        try:
            _one_stream(source, target, expected, allow_parallel=True, **args)
            return
        except _GoParallel as go:
            handover = go.handover  # the stream's bytes so far, when it switched mid-way
        from ._parallel import download_parallel

        if download_parallel(source.url, target, expected, handover=handover, **args):
            return
    _one_stream(source, target, expected, allow_parallel=False, **args)


def _one_stream(
    source: Source,
    target: Path,
    expected: Expected,
    *,
    display: str,
    record_url: str,
    bar: Any,
    allow_parallel: bool,
) -> None:
    with partial_file(target) as (partial, fd):
        try:
            digest, size, announced = _stream_with_retries(
                source,
                fd,
                target=target,
                display=display,
                expected=expected,
                bar=bar,
                allow_parallel=allow_parallel,
            )
        except _SwitchToParallel as switch:
            from ._parallel import hand_over

            switch.handover = hand_over(partial, target, source.url, switch.found, switch.written)
            raise
        finish_download(
            fd,
            partial,
            target,
            counted=size,
            digest=digest,
            expected=expected,
            announced=announced,
            display=display,
            record_url=record_url,
        )
    logger.info("Downloaded %s to %s (sha256 %s).", display, target, digest)
