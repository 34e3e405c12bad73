"""Parallel ranged downloads: several connections writing pieces of one partial, with a journal.

Used for HTTP files of at least ``WEIGHTHUB_PARALLEL_MIN`` bytes (8 MiB) when a Range probe
(``bytes=0-0``) is answered ``206`` with a consistent ``Content-Range``; anything else (a ``200``,
even one carrying ``Content-Range``, or a wrong range) means one stream. ``WEIGHTHUB_CONNECTIONS``
(default 8; 1 disables) workers take pieces from a queue, write them at their offsets of
``<name>.pieces.partial`` and retry and resume each piece on its own. The sha256 is computed in
order on a thread while pieces arrive (it reads the finished prefix back from the page cache).

The probe and every piece are requests of the one HTTP client (:mod:`._http`): the same headers,
the same error classification and the same server waits as the single stream; this module opens
no connection of its own.

One file is one version: every piece asks for the probe's version (``If-Range`` with its ETag or
Last-Modified) and its answer's validators must be the probe's. A piece answered ``200`` (the file
changed, or the server stopped honouring ranges) or of another version makes the download start
again from byte 0 as one stream; no file is ever stitched from two versions.

A *piece journal* ``<name>.pieces.json`` (URL, size, ETag, Last-Modified, completed ranges) lets the
next process that takes the lock continue a dead process's download after checking the validators.
The partial and the journal are continued only when they are this user's own regular files
(:mod:`._sidefiles`); a journal that claims bytes the partial does not hold (holes), or whose
continued download fails its hash, is dropped with a warning and the file is fetched again from
byte 0. Small gaps between completed ranges are fetched with their neighbours, so a journal of
thousands of tiny ranges costs a few requests. Whatever the journal says, the final size and hash
decide (the finish step of :mod:`._disk`).
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import CacheWriteError, IntegrityError
from ._config import connections, parallel_min
from ._disk import (
    cache_write_error,
    check_free_space,
    finish_download,
    size_disagreement,
    start_writeback,
    write_at,
)
from ._http import HttpResponse, open_http
from ._integrity import Expected
from ._layout import CachePaths
from ._retries import Retries
from ._sidefiles import create_new, open_own, remove_file, replace_file
from ._stream import RetryableError, Version

__all__ = [
    "Handover",
    "download_parallel",
    "hand_over",
    "probe",
]

logger = logging.getLogger("weighthub")

_PIECE_MAX = 16 << 20
_PIECE_MIN = 1 << 20
_HASH_STEP = 4 << 20


@dataclass(frozen=True)
class Probe:
    """What a ``Range: bytes=0-0`` probe learnt: the full size and the validators."""

    size: int
    etag: str | None
    last_modified: str | None

    @property
    def version(self) -> Version:
        """The version of the file the probe saw."""
        return Version(self.etag, self.last_modified)


@dataclass(frozen=True)
class Handover:
    """A single stream's first ``written`` bytes, moved to the pieces partial to be continued."""

    found: Probe
    written: int


def probe(url: str, version: Version | None = None) -> Probe | None:
    """Ask for byte 0; return the size and validators when ranges work, else None (one stream).

    With ``version`` (a running stream's), the probe asks for that version only (``If-Range``).
    """
    condition = version.if_range if version is not None else None
    try:
        with open_http(url, byte_range=(0, 0), headers=condition, limit=1) as response:
            found = response.content_range
            if response.status != 206 or found is None or found.total is None:
                return None
            if (found.start, found.end) != (0, 0):
                return None
            response.read()
            return Probe(found.total, response.etag, response.last_modified)
    except (RetryableError, OSError):
        return None


@dataclass
class _Journal:
    target: Path
    url: str
    probe: Probe
    done: list[list[int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def as_json(self) -> str:
        info = {"url": self.url, "size": self.probe.size, "etag": self.probe.etag}
        info |= {"last_modified": self.probe.last_modified, "done": self.done}
        return json.dumps(info)

    def complete(self, start: int, end: int) -> None:
        with self.lock:
            spans = sorted([*self.done, [start, end]])
            merged: list[list[int]] = []
            for a, b in spans:
                if merged and a <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], b)
                else:
                    merged.append([a, b])
            self.done = merged
            with contextlib.suppress(OSError):  # a lost journal only costs a resume
                replace_file(CachePaths(self.target).journal, self.as_json().encode())

    def missing(self) -> list[tuple[int, int]]:
        gaps, pos = [], 0
        for a, b in self.done:
            if a > pos:
                gaps.append((pos, a))
            pos = max(pos, b)
        if pos < self.probe.size:
            gaps.append((pos, self.probe.size))
        return gaps


def _read_journal(path: Path) -> dict[str, Any] | None:
    """The journal at ``path`` when it is this user's own regular file, else None."""
    fd = open_own(path, os.O_RDONLY)
    if fd is None:
        return None
    try:
        with os.fdopen(fd, "rb") as f:
            data = json.loads(f.read())
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _holds(fd: int, start: int, end: int) -> bool:
    """Whether bytes ``[start, end)`` of ``fd`` were written: no hole where a journal says data."""
    try:
        return (
            os.lseek(fd, start, os.SEEK_DATA) == start and os.lseek(fd, start, os.SEEK_HOLE) >= end
        )
    except OSError as exc:  # ENXIO: no data at or after ``start``
        return exc.errno != errno.ENXIO
    except AttributeError:  # no SEEK_DATA on this platform: the hash decides
        return True


def _load_journal(path: Path, url: str, found: Probe, fd: int) -> list[list[int]]:
    """Return the completed ranges of a previous process, or [] when they cannot be trusted."""
    data = _read_journal(path)
    if data is None:
        return []
    try:
        same = (data["url"], data["size"], data["etag"], data["last_modified"]) == (
            url,
            found.size,
            found.etag,
            found.last_modified,
        )
        done = [[int(a), int(b)] for a, b in data["done"]]
        on_disk = os.fstat(fd).st_size
    except (OSError, ValueError, KeyError, TypeError):
        return []
    if not same or not (found.etag or found.last_modified):
        logger.info("Not resuming %s: the journal is for another URL or file version.", path)
        return []
    fits = all(0 <= a < b <= min(on_disk, found.size) for a, b in done)
    if not fits or not all(_holds(fd, a, b) for a, b in done):
        logger.warning(
            "The journal %s claims bytes its partial does not hold; both were discarded and the "
            "download starts again from byte 0.",
            path,
        )
        return []
    return done


class _OrderedHash(threading.Thread):
    """sha256 of the partial's finished prefix, read back (from the page cache) as it grows."""

    def __init__(self, fd: int, journal: _Journal) -> None:
        super().__init__(name="weighthub-sha256-pieces", daemon=True)
        import hashlib

        self.sha = hashlib.sha256()
        self._fd, self._journal = fd, journal
        self._changed = threading.Condition()
        self.stopped = False
        self.hashed = 0
        self.error: BaseException | None = None

    def poke(self) -> None:
        with self._changed:
            self._changed.notify()

    def stop(self) -> None:
        self.stopped = True
        self.poke()

    def _ready_until(self) -> int:
        with self._journal.lock:
            first = self._journal.done[0] if self._journal.done else None
        return first[1] if first is not None and first[0] == 0 else 0

    def run(self) -> None:
        size = self._journal.probe.size
        try:
            while self.hashed < size and not self.stopped:
                ready = self._ready_until()
                if ready <= self.hashed:
                    with self._changed:
                        self._changed.wait(0.05)
                    continue
                while self.hashed < ready and not self.stopped:
                    data = os.pread(self._fd, min(_HASH_STEP, ready - self.hashed), self.hashed)
                    if not data:
                        msg = f"the partial ends at byte {self.hashed} of {size}"
                        raise IntegrityError(msg)
                    self.sha.update(data)
                    self.hashed += len(data)
        except BaseException as exc:  # reported by the caller
            self.error = exc


@dataclass
class _Run:
    url: str
    display: str
    target: Path
    fd: int
    journal: _Journal
    hasher: _OrderedHash
    bar: Any
    pieces: queue.SimpleQueue[tuple[int, int]]
    version: Version
    stop: threading.Event = field(default_factory=threading.Event)
    errors: list[BaseException] = field(default_factory=list)
    bar_lock: threading.Lock = field(default_factory=threading.Lock)


def _fetch_piece(run: _Run, start: int, end: int, buffer: bytearray) -> None:
    """Fetch bytes ``[start, end)`` into the partial, resuming on its own after failures."""
    retries, pos, best = Retries(), start, start
    view = memoryview(buffer)
    while pos < end and not run.stop.is_set():
        try:
            with open_http(
                run.url,
                byte_range=(pos, end - 1),
                headers=run.version.if_range,
                limit=end - pos,
            ) as response:
                _check_piece(run, response, pos)
                while pos < end and not run.stop.is_set():
                    count = response.readinto(view[: min(len(buffer), end - pos)])
                    if not count:
                        break
                    write_at(run.fd, view[:count], pos, target=run.target, needed=end - pos)
                    pos += count
                    with run.bar_lock:
                        run.bar.update(count)
            if pos < end and not run.stop.is_set():
                msg = "the connection closed early"
                raise RetryableError(msg)
        except RetryableError as exc:
            if pos > best:
                best = pos
                retries.progress()
            delay = retries.next_delay(run.display, exc)
            logger.warning(
                "Piece %d-%d of %s was interrupted at byte %d (%s); retrying in %.1f s.",
                start,
                end - 1,
                run.display,
                pos,
                exc,
                delay,
            )
            time.sleep(delay)
    if pos >= end:
        start_writeback(run.fd, start, end - start)
        run.journal.complete(start, end)
        run.hasher.poke()


class _OneStreamInstead(Exception):
    """A piece's answer shows the pieces cannot make one file: start again as one stream."""


def _check_piece(run: _Run, response: HttpResponse, pos: int) -> None:
    """Raise :class:`_OneStreamInstead` unless ``response`` is bytes from ``pos`` of the file."""
    found = response.content_range
    if response.status != 206:
        why = "the file changed on the server" if run.version.if_range else "ranges stopped working"
        msg = f"a piece was answered {response.status}, not 206 ({why})"
    elif run.version.differs(response.version):
        msg = "the file changed on the server (another ETag or Last-Modified)"
    elif found is None or found.start != pos or found.total != run.journal.probe.size:
        msg = f"a piece was answered another range ({response.headers.get('Content-Range')!r})"
    else:
        return
    raise _OneStreamInstead(msg)


def _worker(run: _Run) -> None:
    buffer = bytearray(1 << 20)
    while not run.stop.is_set():
        try:
            start, end = run.pieces.get_nowait()
        except queue.Empty:
            return
        try:
            _fetch_piece(run, start, end, buffer)
        except BaseException as exc:
            run.errors.append(exc)
            run.stop.set()


def _coalesce(gaps: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge gaps separated by less than a piece: fetching a small kept range beats a request."""
    merged: list[tuple[int, int]] = []
    for start, end in gaps:
        if merged and start - merged[-1][1] < _PIECE_MIN:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _split(gaps: list[tuple[int, int]], size: int, workers: int) -> list[tuple[int, int]]:
    piece = max(_PIECE_MIN, min(_PIECE_MAX, size // (workers * 4) + 1))
    return [(a, min(a + piece, b)) for start, b in _coalesce(gaps) for a in range(start, b, piece)]


@contextlib.contextmanager
def _pieces_partial(target: Path, *, keep: bool) -> Iterator[tuple[Path, int, bool]]:
    """Open the pieces partial; yield its path, descriptor and whether it was continued.

    With ``keep``, this user's own partial is continued; anything else at its name (a link,
    another user's file, an old partial not to continue) is removed and a new one created.
    """
    partial = CachePaths(target).pieces_partial
    try:
        fd = open_own(partial, os.O_RDWR) if keep else None
        kept = fd is not None
        if fd is None:
            remove_file(partial)
            fd = create_new(partial, os.O_RDWR)
    except CacheWriteError:
        raise
    except OSError as exc:
        raise cache_write_error(exc, target, None) from exc
    try:
        yield partial, fd, kept
    finally:
        os.close(fd)


def _discard(target: Path) -> None:
    """Remove the pieces partial and its journal."""
    paths = CachePaths(target)
    for path in (paths.pieces_partial, paths.journal):
        with contextlib.suppress(OSError):
            path.unlink()


def hand_over(partial: Path, target: Path, url: str, found: Probe, written: int) -> Handover:
    """Move a single stream's partial (its first ``written`` bytes) to be continued in pieces.

    The journal is written at once, so a process that dies after the switch still leaves a
    download the next one can continue.

    Raises:
        CacheWriteError: The partial cannot be renamed in the cache folder.
    """
    try:
        partial.replace(CachePaths(target).pieces_partial)
    except OSError as exc:
        raise cache_write_error(exc, target, None) from exc
    journal = _Journal(target, url, found)
    if written:
        journal.complete(0, written)
    return Handover(found, written)


class _BadResume(Exception):
    """A download continued from a previous process's journal failed its check."""


def download_parallel(
    url: str,
    target: Path,
    expected: Expected,
    *,
    display: str,
    record_url: str,
    bar: Any,
    handover: Handover | None = None,
) -> bool:
    """Fetch ``url`` over several connections into ``target``; False when one stream must do.

    Call with the lock of ``target`` held. On a network failure the partial and its journal stay
    for the next process; on an integrity or disk error both are deleted. ``handover`` continues
    a single stream that was too slow (its bytes are already in the pieces partial). When the
    pieces cannot make one file (a piece answered ``200``, another version, another range), both
    are deleted and False is returned: one stream starts again from byte 0.

    Raises:
        IntegrityError: The probe's size contradicts ``file_size``, or the bytes are not the file.
        CacheWriteError: The local disk refused the file.
        WeightsDownloadError: A piece failed for good.
    """
    workers = connections()
    if handover is not None:
        found: Probe | None = handover.found
    else:
        found = probe(url) if workers > 1 else None
    if found is None or found.size < max(1, parallel_min()):
        return False
    if expected.size is not None and found.size != expected.size:
        raise size_disagreement(display, found.size, expected)
    args: dict[str, Any] = {"display": display, "record_url": record_url, "bar": bar}
    try:
        try:
            _fetch_pieces(url, target, expected, found, workers, handover=handover, **args)
        except _BadResume as exc:
            logger.warning(
                "The download of %s continued from %s failed its check (%s): the journal or the "
                "partial was wrong. Both were discarded; downloading again from byte 0.",
                display,
                CachePaths(target).journal,
                exc.__cause__,
            )
            _fetch_pieces(url, target, expected, found, workers, handover=None, fresh=True, **args)
    except _OneStreamInstead as exc:
        _discard(target)
        logger.warning(
            "Downloading %s in pieces stopped: %s. Starting again from byte 0 as one stream.",
            display,
            exc,
        )
        return False
    return True


def _fetch_pieces(
    url: str,
    target: Path,
    expected: Expected,
    found: Probe,
    workers: int,
    *,
    display: str,
    record_url: str,
    bar: Any,
    handover: Handover | None,
    fresh: bool = False,
) -> None:
    journal_path = CachePaths(target).journal
    with _pieces_partial(target, keep=not fresh) as (partial, fd, kept):
        if handover is not None:
            done = [[0, handover.written]] if handover.written else []
        else:
            done = _load_journal(journal_path, url, found, fd) if kept else []
        if not done:
            os.ftruncate(fd, 0)
        continued = handover is None and bool(done)
        journal = _Journal(target, url, found, done)
        gaps = journal.missing()
        check_free_space(target, sum(b - a for a, b in gaps))
        pieces: queue.SimpleQueue[tuple[int, int]] = queue.SimpleQueue()
        for piece in _split(gaps, found.size, workers):
            pieces.put(piece)
        hasher = _OrderedHash(fd, journal)
        run = _Run(url, display, target, fd, journal, hasher, bar, pieces, found.version)
        bar.reset()
        bar.total = found.size
        bar.update(found.size - sum(b - a for a, b in gaps))
        if handover is not None:
            logger.info(
                "One stream of %s was slow: continuing from byte %d over %d connections.",
                display,
                handover.written,
                workers,
            )
        else:
            logger.info("Downloading %s over %d connections.", display, workers)
        hasher.start()
        threads = [threading.Thread(target=_worker, args=(run,)) for _ in range(workers)]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if not run.errors:
                hasher.join()
        finally:
            hasher.stop()
            hasher.join()
        failure = run.errors[0] if run.errors else hasher.error
        try:
            if failure is not None:
                raise failure
            counted = sum(b - a for a, b in journal.done)
            finish_download(
                fd,
                partial,
                target,
                counted=counted,
                digest=hasher.sha.hexdigest(),
                expected=expected,
                announced=found.size,
                display=display,
                record_url=record_url,
            )
        except IntegrityError as exc:
            _discard(target)
            if continued:
                raise _BadResume(str(exc)) from exc
            raise
        except CacheWriteError:
            _discard(target)
            raise
        finally:
            if not partial.exists():
                with contextlib.suppress(FileNotFoundError):
                    journal_path.unlink()
