"""The local-disk side of a download: the partial file, writes, free space, and the finish step.

Every download path (the single stream of :mod:`._download`, and any multi-connection path writing
pieces at their offsets) uses these: the partial is created next to its target, bytes are written
with ``pwrite`` at their offsets, a local ``OSError`` becomes a :class:`~weighthub.CacheWriteError`
(never retried as a network error), and :func:`finish_download` checks the bytes on disk, fsyncs,
renames into place and records.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import stat
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .._errors import CacheWriteError, IntegrityError
from ._integrity import Expected, write_record
from ._layout import CachePaths
from ._sidefiles import clear_side_file, create_new, odd_entry_error

__all__ = [
    "WRITEBACK_STEP",
    "cache_write_error",
    "check_free_space",
    "copy_into",
    "finish_download",
    "open_partial",
    "partial_file",
    "side_files_checked",
    "size_disagreement",
    "start_writeback",
    "write_at",
]

# Written bytes are handed to the kernel's writeback every this many bytes, so the final fsync
# only waits for the tail instead of the whole file.
WRITEBACK_STEP = 16 << 20
_COPY_STEP = 1 << 20
_SYNC_FILE_RANGE_WRITE = 2
_sync_file_range: Any = None


def cache_write_error(exc: OSError, target: Path, needed: int | None) -> CacheWriteError:
    """Turn an ``OSError`` of the local disk into a :class:`CacheWriteError` that says what to do.

    Args:
        exc: The error of ``open``/``pwrite``/``fsync``/``ftruncate``.
        target: The cached file being written.
        needed: The bytes the download still needs, when known.
    """
    folder = target.parent
    code = exc.errno or errno.EIO
    try:
        free: int | None = shutil.disk_usage(folder).free
    except OSError:
        free = None
    room = f"{needed} more bytes are needed" if needed is not None else "its size is not known"
    room += f" and {free} bytes are free" if free is not None else ""
    move = (
        "or point WEIGHTHUB_HOME at a folder on another disk (model_dir= for one call), then retry."
    )
    if code == errno.ENOSPC:
        what = f"the disk is full ({room})"
        fix = f"Free space on the disk holding {folder}, {move}"
    elif code == getattr(errno, "EDQUOT", -1):
        what = f"the disk quota is exceeded ({room})"
        fix = f"Free space within your quota, {move}"
    elif code == errno.EROFS:
        what = "the file system is read-only"
        fix = f"Make {folder} writable, {move}"
    elif code in (errno.EACCES, errno.EPERM):
        what = "permission denied"
        fix = f"Make {folder} writable for this user, {move}"
    else:
        what = f"the disk reported an error ({errno.errorcode.get(code, code)}: {exc.strerror})"
        fix = f"Check the disk holding {folder}, {move}"
    msg = (
        f"Cannot write {target.name} into the cache folder {folder}: {what}. Nothing was kept. "
        f"{fix}"
    )
    return CacheWriteError(code, msg, path=target, needed=needed, free=free)


def size_disagreement(display: str, announced: int, expected: Expected) -> IntegrityError:
    """The error of a server announcing another size than the one declared (or pinned)."""
    declared = (
        f"{expected.origin} pins size={expected.size}"
        if expected.origin is not None
        else f"the weights declare file_size={expected.size}"
    )
    msg = (
        f"The server of {display} announces {announced} bytes but {declared}: it serves another "
        "file (or the declaration is wrong). Nothing was downloaded; check the mirror "
        "(WEIGHTHUB_MIRROR) and the declared size."
    )
    return IntegrityError(msg, url=display, expected_size=expected.size, actual_size=announced)


def side_files_checked(target: Path) -> None:
    """Before a download: no link stays at a side file's name, and no odd file type is there.

    Raises:
        CacheWriteError: A directory, FIFO, socket or device is at a side file's name (named).
    """
    paths = CachePaths(target)
    for path in (paths.lockinfo, paths.record, paths.pieces_partial, paths.journal):
        clear_side_file(path)
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        raise odd_entry_error(target, "a directory")


def check_free_space(target: Path, needed: int) -> None:
    """Refuse to start a download of ``needed`` bytes that cannot fit in ``target``'s folder.

    Raises:
        CacheWriteError: Fewer than ``needed`` bytes are free (``errno`` ``ENOSPC``).
    """
    try:
        free = shutil.disk_usage(target.parent).free
    except OSError:
        return
    if free < needed:
        raise cache_write_error(OSError(errno.ENOSPC, "No space left on device"), target, needed)


def open_partial(target: Path) -> tuple[Path, int]:
    """Create a process-unique partial file next to ``target``; return its path and descriptor.

    Raises:
        CacheWriteError: The folder cannot be written.
    """
    partial = CachePaths(target).new_partial()
    try:
        return partial, create_new(partial)
    except OSError as exc:
        raise cache_write_error(exc, target, None) from exc


def write_at(fd: int, data: memoryview, offset: int, *, target: Path, needed: int | None) -> None:
    """Write all of ``data`` at ``offset`` of ``fd`` (the partial of ``target``).

    Raises:
        CacheWriteError: The disk refused the bytes (the partial may hold part of them: the caller
            truncates or deletes it; nothing past the last good byte is ever counted).
    """
    try:
        while data:
            done = os.pwrite(fd, data, offset)
            data = data[done:]
            offset += done
    except OSError as exc:
        raise cache_write_error(exc, target, needed) from exc


def finish_download(
    fd: int,
    partial: Path,
    target: Path,
    *,
    counted: int,
    digest: str,
    expected: Expected,
    announced: int | None,
    display: str,
    record_url: str,
) -> None:
    """Check the bytes on disk, fsync, rename the partial into place and record it.

    Shared by every download path: the file's real size (``fstat``) must equal the bytes counted,
    the declared size and the announced size; the hash of the counted bytes must match.

    Raises:
        IntegrityError: The file on disk is not the expected checkpoint.
        CacheWriteError: fsync or the rename failed on the local disk.
    """
    try:
        on_disk = os.fstat(fd).st_size
    except OSError as exc:
        raise cache_write_error(exc, target, None) from exc
    problem = None
    if on_disk != counted:
        problem = f"the partial holds {on_disk} bytes on disk but {counted} bytes were received"
    if problem is None:
        problem = expected.mismatch(digest, counted)
    if problem is None and announced is not None and counted != announced:
        problem = f"its size is {counted} bytes but the server announced {announced} bytes"
    if problem is not None:
        if display != record_url:  # "<url> (from <mirror url>)": the mirror served these bytes
            mirror = display[len(record_url) + len(" (from ") : -1]
            msg = (
                f"The mirror serves other bytes than {record_url}: {mirror} is not the expected "
                f"checkpoint ({problem}). It was deleted. The mirror holds another file under this "
                "name: update it, or fix WEIGHTHUB_MIRROR (retrying gets the same bytes)."
            )
        else:
            msg = (
                f"The file downloaded from {display} is not the expected checkpoint: {problem}. "
                "It was deleted. Retry later (a transfer may have been damaged), or check the "
                "declared hash."
            )
        raise expected.error(msg, url=display, path=target, digest=digest, size=counted)
    try:
        os.fsync(fd)
    except OSError as exc:
        raise cache_write_error(exc, target, counted) from exc
    if not expected.has_hash:
        warnings.warn(
            f"{target.name} was downloaded from {display} without verification: no sha256 is "
            "declared and its file name has no hash prefix (or check_hash=False). Its sha256 "
            f"is {digest}.",
            UserWarning,
            stacklevel=5,
        )
    try:
        partial.replace(target)  # over a link or a stranger's file: the entry becomes this file
    except OSError as exc:
        raise cache_write_error(exc, target, None) from exc
    write_record(target, digest, url=record_url, verified=expected.has_hash)
    # A download finished by one path leaves nothing of the other: a multi-connection partial
    # and its journal (a killed process's, continued here by one stream) go with it.
    paths = CachePaths(target)
    for leftover in (paths.pieces_partial, paths.journal):
        with contextlib.suppress(OSError):
            leftover.unlink()


def copy_into(source: Path, target: Path, *, url: str) -> Path:
    """Copy the local file ``source`` (verified by the caller) to ``target`` and record it.

    The bytes go to a partial next to ``target``, are fsynced and renamed into place, as a download.

    Raises:
        CacheWriteError: The folder of ``target`` cannot be written.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cache_write_error(exc, target, None) from exc
    side_files_checked(target)
    hasher = hashlib.sha256()
    with partial_file(target) as (partial, fd), source.open("rb") as f:
        offset = 0
        while chunk := f.read(_COPY_STEP):
            write_at(fd, memoryview(chunk), offset, target=target, needed=None)
            hasher.update(chunk)
            offset += len(chunk)
        try:
            os.fsync(fd)
            partial.replace(target)
        except OSError as exc:
            raise cache_write_error(exc, target, offset) from exc
    write_record(target, hasher.hexdigest(), url=url, verified=False)
    return target


def start_writeback(fd: int, offset: int, length: int) -> None:
    """Start writing ``[offset, offset + length)`` of ``fd`` to disk without waiting (Linux).

    ``sync_file_range(SYNC_FILE_RANGE_WRITE)`` queues the pages for writeback and keeps them in
    the page cache; elsewhere, or if it fails, nothing happens (the final fsync does the work).
    """
    global _sync_file_range
    if _sync_file_range is None:
        _sync_file_range = False
        if sys.platform.startswith("linux"):
            import ctypes

            with contextlib.suppress(OSError, AttributeError):
                function = ctypes.CDLL(None, use_errno=True).sync_file_range
                function.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
                _sync_file_range = function
    if _sync_file_range:
        _sync_file_range(fd, offset, length, _SYNC_FILE_RANGE_WRITE)


@contextlib.contextmanager
def partial_file(target: Path) -> Iterator[tuple[Path, int]]:
    """Create the partial of ``target``; close and delete it on exit unless it was renamed."""
    partial, fd = open_partial(target)
    try:
        yield partial, fd
    finally:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
