"""Parallel ranged downloads: several connections writing pieces of one partial, with a journal.

Used for HTTP files of at least ``WEIGHTHUB_PARALLEL_MIN`` bytes (64 MiB) when a Range probe
(``bytes=0-0``) is answered ``206`` with a consistent ``Content-Range``; anything else (a ``200``,
even one carrying ``Content-Range``, or a wrong range) means one stream. ``WEIGHTHUB_CONNECTIONS``
(default 8; 1 disables) workers take pieces from a queue, write them at their offsets of
``<name>.pieces.partial`` and retry and resume each piece on its own. The sha256 is computed in
order on a thread while pieces arrive (it reads the finished prefix back from the page cache).

The probe and every piece are requests of the one HTTP client (:mod:`._http`): the same headers,
the same error classification and the same server waits as the single stream; this module opens
no connection of its own.

A *piece journal* ``<name>.pieces.json`` (URL, size, ETag, Last-Modified, completed ranges) lets the
next process that takes the lock continue a dead process's download after checking the validators;
whatever the journal says, the final size and hash decide (the finish step of :mod:`._disk`).
"""

from __future__ import annotations

import contextlib
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

from .._errors import CacheWriteError, IntegrityError, WeightsDownloadError
from ._config import connections, parallel_min
from ._disk import (
    cache_write_error,
    check_free_space,
    finish_download,
    start_writeback,
    write_at,
)
from ._http import open_http
from ._integrity import Expected
from ._layout import CachePaths
from ._retries import Retries
from ._stream import RetryableError

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


@dataclass(frozen=True)
class Handover:
    """A single stream's first ``written`` bytes, moved to the pieces partial to be continued."""

    found: Probe
    written: int


def probe(url: str) -> Probe | None:
    """Ask for byte 0; return the size and validators when ranges work, else None (one stream)."""
    try:
        with open_http(url, byte_range=(0, 0), limit=1) as response:
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
            tmp = CachePaths(self.target).journal_tmp
            with contextlib.suppress(OSError):
                tmp.write_text(self.as_json(), encoding="utf-8")
                tmp.replace(CachePaths(self.target).journal)

    def missing(self) -> list[tuple[int, int]]:
        gaps, pos = [], 0
        for a, b in self.done:
            if a > pos:
                gaps.append((pos, a))
            pos = max(pos, b)
        if pos < self.probe.size:
            gaps.append((pos, self.probe.size))
        return gaps


def _load_journal(path: Path, url: str, found: Probe, partial: Path) -> list[list[int]]:
    """Return the completed ranges of a previous process, or [] when they cannot be trusted."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        same = (data["url"], data["size"], data["etag"], data["last_modified"]) == (
            url,
            found.size,
            found.etag,
            found.last_modified,
        )
        done = [[int(a), int(b)] for a, b in data["done"]]
        on_disk = partial.stat().st_size
    except (OSError, ValueError, KeyError, TypeError):
        return []
    if not same or not (found.etag or found.last_modified):
        logger.info("Not resuming %s: the journal is for another URL or file version.", partial)
        return []
    if any(not 0 <= a < b <= min(on_disk, found.size) for a, b in done):
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
    stop: threading.Event = field(default_factory=threading.Event)
    errors: list[BaseException] = field(default_factory=list)
    bar_lock: threading.Lock = field(default_factory=threading.Lock)


def _fetch_piece(run: _Run, start: int, end: int, buffer: bytearray) -> None:
    """Fetch bytes ``[start, end)`` into the partial, resuming on its own after failures."""
    retries, pos, best = Retries(), start, start
    view = memoryview(buffer)
    while pos < end and not run.stop.is_set():
        try:
            with open_http(run.url, byte_range=(pos, end - 1), limit=end - pos) as response:
                found = response.content_range
                if response.status != 206 or found is None or found.start != pos:
                    header = response.headers.get("Content-Range")
                    msg = f"{run.url} stopped honouring range requests (answered {header!r})"
                    raise WeightsDownloadError(msg, url=run.url)
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


def _split(gaps: list[tuple[int, int]], size: int, workers: int) -> list[tuple[int, int]]:
    piece = max(_PIECE_MIN, min(_PIECE_MAX, size // (workers * 4) + 1))
    return [(a, min(a + piece, b)) for start, b in gaps for a in range(start, b, piece)]


@contextlib.contextmanager
def _pieces_partial(target: Path) -> Iterator[tuple[Path, int]]:
    partial = CachePaths(target).pieces_partial
    try:
        fd = os.open(partial, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as exc:
        raise cache_write_error(exc, target, None) from exc
    try:
        yield partial, fd
    finally:
        os.close(fd)


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
    a single stream that was too slow (its bytes are already in the pieces partial).

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
        msg = (
            f"The server of {display} announces {found.size} bytes but the weights declare "
            f"file_size={expected.size}. Nothing was downloaded; check the mirror and the size."
        )
        raise IntegrityError(msg, url=url, expected_size=expected.size, actual_size=found.size)
    journal_path = CachePaths(target).journal
    with _pieces_partial(target) as (partial, fd):
        if handover is not None:
            done = [[0, handover.written]] if handover.written else []
        else:
            done = _load_journal(journal_path, url, found, partial)
        if not done:
            os.ftruncate(fd, 0)
        journal = _Journal(target, url, found, done)
        gaps = journal.missing()
        check_free_space(target, sum(b - a for a, b in gaps))
        pieces: queue.SimpleQueue[tuple[int, int]] = queue.SimpleQueue()
        for piece in _split(gaps, found.size, workers):
            pieces.put(piece)
        hasher = _OrderedHash(fd, journal)
        run = _Run(url, display, target, fd, journal, hasher, bar, pieces)
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
        except (IntegrityError, CacheWriteError):
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
            raise
        finally:
            if not partial.exists():
                with contextlib.suppress(FileNotFoundError):
                    journal_path.unlink()
    return True
