"""A cross-process lock per cached file, so N processes asking for the same weights download once.

The lock is ``filelock.FileLock`` on ``<file>.lock`` (``flock``: the kernel releases it when its
holder dies, so a killed process never blocks the others). Set ``WEIGHTHUB_SOFT_LOCK=1`` on file
systems where ``flock`` silently succeeds for everyone (some NFS/Lustre set-ups): a ``SoftFileLock``
is used instead. Its lock file records the holder's pid, host and process start time, and filelock
takes over a lock whose holder on this host is dead atomically (an exchange of names, checked
against the marker it judged stale), so several waiters can never break a live process's lock. The
holder also writes its pid and host into ``<file>.lockinfo`` so waiters can say whom they wait for.

The lock file is opened ``O_NOFOLLOW`` (filelock); a link planted at its name (or at the lockinfo's)
is removed first, and a directory or FIFO there refused by name (:mod:`._sidefiles`). The holder
removes the lock file before releasing it, so none outlives its download: a waiter that then gets
the lock of the removed file sees it has no name any more and takes a new one (filelock checks).
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .._errors import LockTimeoutError
from .._settings import env_flag
from ._config import env_number
from ._disk import cache_write_error
from ._layout import CachePaths, partial_owner
from ._sidefiles import clear_side_file, odd_entry_error, read_small, replace_file

__all__ = ["cache_lock", "clean_stale_partials", "pid_alive"]

logger = logging.getLogger("weighthub")

_DEFAULT_TIMEOUT = 30 * 60.0
_STALE_PARTIAL_AGE = 24 * 3600.0


def pid_alive(pid: int) -> bool:
    """Return whether process ``pid`` exists on this host."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _read_holder(info: Path) -> dict[str, Any]:
    try:
        data = json.loads(read_small(info) or "")
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _describe_holder(holder: dict[str, Any]) -> str:
    if not holder:
        return "another process"
    return f"process {holder.get('pid')} on host {holder.get('host')}"


def _is_disk_error(exc: OSError) -> bool:
    return exc.errno in (errno.EROFS, errno.ENOSPC, errno.EACCES, errno.EPERM, errno.EIO) or (
        exc.errno == getattr(errno, "EDQUOT", None)
    )


def _make_lock(lock_file: Path, *, soft: bool) -> Any:
    import filelock

    if soft:
        return filelock.SoftFileLock(str(lock_file))
    return filelock.FileLock(str(lock_file))


@contextlib.contextmanager
def cache_lock(
    target: Path, *, timeout: float | None = None, lock_file: Path | None = None
) -> Iterator[None]:
    """Hold the cross-process lock of ``target`` (a file in the cache folder).

    Args:
        target: The cached file the lock protects; the lock is ``<target>.lock``.
        timeout: Seconds to wait for another process; ``WEIGHTHUB_LOCK_TIMEOUT`` (default 30 min)
            when None.
        lock_file: Another lock file to take instead (huggingface_hub's, for a Hub blob).

    Raises:
        LockTimeoutError: Another process held the lock for longer than ``timeout``.
    """
    import filelock

    if timeout is None:
        timeout = env_number("WEIGHTHUB_LOCK_TIMEOUT", _DEFAULT_TIMEOUT)
    paths = CachePaths(target)
    # huggingface_hub keeps its lock files; only weighthub's own are removed after use.
    own_lock_file = lock_file is None
    lock_file, info = lock_file or paths.lock, paths.lockinfo
    for side_file in (lock_file, info):
        clear_side_file(side_file)  # a planted link is removed; a directory or FIFO refused
    soft = env_flag("WEIGHTHUB_SOFT_LOCK")
    lock = _make_lock(lock_file, soft=soft)
    deadline = time.monotonic() + timeout
    poll = 10.0
    announced = False
    while True:
        remaining = deadline - time.monotonic()
        # The first attempt does not wait, so that a waiting process says at once whom it waits for.
        wait = max(0.0, min(poll, remaining)) if announced else 0.0
        try:
            lock.acquire(timeout=wait, poll_interval=0.05)
            break
        except NotImplementedError:
            # flock is not supported on this file system.
            logger.debug("flock is not supported for %s; using a SoftFileLock.", lock_file)
            soft = True
            lock = _make_lock(lock_file, soft=True)
        except filelock.Timeout:
            holder = _describe_holder(_read_holder(info))
            if announced and time.monotonic() >= deadline:
                msg = (
                    f"Waited {timeout:.0f} s for {holder} to finish downloading {target.name} "
                    f"(lock {lock_file}). Raise WEIGHTHUB_LOCK_TIMEOUT, or delete the lock file if "
                    "no such process is running."
                )
                raise LockTimeoutError(msg, path=lock_file, timeout=timeout) from None
            log = logger.info if announced else logger.warning
            log(
                "Waiting for %s, which is downloading %s (lock %s).", holder, target.name, lock_file
            )
            announced = True
        except OSError as exc:
            error = _lock_error(exc, lock_file, target)
            if error is exc:
                raise
            raise error from exc
    try:
        _write_holder(info)
        yield
    finally:
        with contextlib.suppress(OSError):
            info.unlink()
        if own_lock_file and not soft:
            # Removed while held: a waiter that then gets this (unlinked) file's lock sees it has no
            # name any more and takes a new one, so no empty lock file outlives its download.
            with contextlib.suppress(OSError):
                lock_file.unlink()
        lock.release()


def _write_holder(info: Path) -> None:
    """Write who holds the lock into ``<file>.lockinfo`` (a new file renamed over it)."""
    payload = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}
    try:
        replace_file(info, json.dumps(payload).encode())
    except OSError as exc:  # only waiters' messages need it
        logger.debug(
            "Could not write %s (%s); waiters will not know who holds the lock.", info, exc
        )


def _lock_error(exc: OSError, lock_file: Path, target: Path) -> OSError:
    """What failing to open or lock ``lock_file`` means for the user."""
    if exc.errno == errno.ELOOP:
        return odd_entry_error(lock_file, "a symbolic link (planted while the lock was taken)")
    if exc.errno == errno.EISDIR:
        return odd_entry_error(lock_file, "a directory")
    try:
        owner = os.lstat(lock_file).st_uid
    except OSError:
        owner = os.geteuid()
    if exc.errno in (errno.EACCES, errno.EPERM) and owner != os.geteuid():
        what = f"a lock file of uid {owner} (left by a killed download?) that this user may not use"
        return odd_entry_error(lock_file, what)
    if not _is_disk_error(exc):
        return exc
    return cache_write_error(exc, target, None)


def clean_stale_partials(target: Path) -> list[Path]:
    """Delete the leftover ``.partial`` files of ``target`` (call with its lock held).

    A partial file is stale when the process named in it is dead, or when it was not written to for
    a day (a process on another host, or a reused pid).

    Returns:
        The deleted files.
    """
    removed: list[Path] = []
    paths = CachePaths(target)
    now = time.time()
    for path in paths.partials():
        if path == paths.pieces_partial:
            continue  # a parallel download's partial: its piece journal decides whether to resume
        pid = partial_owner(path.name)
        try:
            age = now - path.stat().st_mtime
        except OSError:
            continue
        if pid == os.getpid():
            continue
        if pid is None or not pid_alive(pid) or age > _STALE_PARTIAL_AGE:
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
                logger.debug("Removed the stale partial download %s.", path)
    return removed
