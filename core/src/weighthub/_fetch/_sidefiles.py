"""Writing into a cache folder without following a link or reusing a stranger's file.

A cache folder may be shared (group-writable): a co-tenant can plant a symbolic link, a hard link
or a file of their own at any name. So every file weighthub writes there goes through this module:

- a new file is created with ``O_CREAT | O_EXCL | O_NOFOLLOW`` under a name nobody else uses
  (:func:`create_new`), written, then renamed over its final name (:func:`replace_file`): a rename
  replaces a link or a stranger's file at that name and never writes through it;
- a file that is continued (a multi-connection download's partial and its journal, kept for the
  next process) is opened ``O_NOFOLLOW`` and used only when it is a regular file with one link that
  this user owns (:func:`open_own`); anything else is started again;
- files that are only read (records, the lock's holder) are read ``O_NOFOLLOW``, regular files
  only, and bounded (:func:`read_small`);
- a symbolic link at a side file's name is removed; a directory, FIFO, socket or device there is
  refused with a :class:`~weighthub.CacheWriteError` naming it (:func:`clear_side_file`).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import stat
from pathlib import Path

from .._errors import CacheWriteError
from ._layout import temporary_path

__all__ = [
    "create_new",
    "clear_side_file",
    "odd_entry_error",
    "open_own",
    "read_small",
    "remove_file",
    "replace_file",
]

logger = logging.getLogger("weighthub")

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
# Records, journals and lock holders are a few KiB; a journal of many ranges stays well below this.
_SMALL = 16 << 20


def _kind(mode: int) -> str | None:
    """Describe an entry that is neither a regular file nor a symbolic link; None for those."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return None


def odd_entry_error(path: Path, what: str) -> CacheWriteError:
    """The error of a cache entry weighthub will not use or write through."""
    msg = (
        f"{path} is {what}, where weighthub keeps a file of its own: it was left alone and nothing "
        f"was written through it. Remove it (rm -r '{path}') and retry; if you did not put it "
        f"there, someone else who can write to {path.parent} did."
    )
    return CacheWriteError(errno.EEXIST, msg, path=path)


def remove_file(path: Path) -> None:
    """Remove the file or link at ``path`` (nothing there is fine).

    Raises:
        CacheWriteError: It is a directory, or this user may not remove it (another user's file in
            a folder with the sticky bit).
    """
    try:
        path.unlink()
    except FileNotFoundError:
        return
    except IsADirectoryError:
        raise odd_entry_error(path, "a directory") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EACCES):
            raise
        try:
            owner = f"uid {os.lstat(path).st_uid}"
        except OSError:
            owner = "another user"
        raise odd_entry_error(path, f"a file of {owner} that this user may not remove") from exc


def clear_side_file(path: Path) -> None:
    """Make sure ``path`` is a regular file or nothing: a link is removed, odd types refused.

    Raises:
        CacheWriteError: A directory, FIFO, socket or device is at ``path``, or a link there
            cannot be removed.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        try:
            points_to = str(path.readlink())
        except OSError:
            points_to = "?"
        logger.warning(
            "Removed a symbolic link at %s (to %s): weighthub never writes through a link.",
            path,
            points_to,
        )
        remove_file(path)
        return
    what = _kind(mode)
    if what is not None:
        raise odd_entry_error(path, what)


def create_new(path: Path, flags: int = os.O_WRONLY, mode: int = 0o666) -> int:
    """Create ``path``, which must not exist (not even as a link); return its descriptor.

    Raises:
        OSError: ``FileExistsError`` when anything is at ``path``, or the disk's error.
    """
    return os.open(path, flags | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, mode)


def replace_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a new temporary file and rename it over ``path``.

    Raises:
        OSError: The disk's error (the temporary file is removed), ``IsADirectoryError`` when a
            directory is at ``path``, or ``PermissionError`` when another user's file there may not
            be replaced (a folder with the sticky bit).
    """
    tmp = temporary_path(path)
    fd = create_new(tmp)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def open_own(path: Path, flags: int) -> int | None:
    """Open ``path`` to continue it: a regular file with one link that this user owns, else None.

    A link, another user's file, a hard link to a file elsewhere or an odd type gives None (the
    caller starts a new file); so does a missing file.

    Raises:
        OSError: The disk's error.
    """
    try:
        fd = os.open(path, flags | _NOFOLLOW | _CLOEXEC | _NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EISDIR, errno.ENXIO, errno.EACCES, errno.EPERM):
            return None
        raise
    info = os.fstat(fd)
    if stat.S_ISREG(info.st_mode) and info.st_nlink == 1 and info.st_uid == os.geteuid():
        os.set_blocking(fd, True)
        return fd
    os.close(fd)
    logger.info("Not continuing %s: it is not a file of this user's.", path)
    return None


def read_small(path: Path) -> str | None:
    """Return the text of the regular file ``path`` (not a link); None when absent or odd."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | _NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > _SMALL:
            return None
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(_SMALL + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None
