"""Make a folder really read-only for a test: a read-only bind mount when this process may mount.

``chmod -w`` does not stop root, and CI runs as root, so a permission bit proves nothing. A bind
mount of the folder onto itself, remounted ``ro``, makes every write fail with ``EROFS`` for any
user. Where mounting is not allowed, the tests fall back to comparing the folder's listing and
modification times before and after; the test id says which check ran.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _try_mount() -> bool:
    if shutil.which("mount") is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    folder = tempfile.mkdtemp(prefix="wh-ro-probe-")
    try:
        if _bind_read_only(Path(folder)):
            subprocess.run(["umount", folder], check=False, capture_output=True)
            return True
        return False
    finally:
        with contextlib.suppress(OSError):
            os.rmdir(folder)


def _bind_read_only(folder: Path) -> bool:
    for cmd in (
        ["mount", "--bind", str(folder), str(folder)],
        ["mount", "-o", "remount,bind,ro", str(folder)],
    ):
        if subprocess.run(cmd, check=False, capture_output=True).returncode != 0:
            subprocess.run(["umount", str(folder)], check=False, capture_output=True)
            return False
    return True


CAN_MOUNT = _try_mount()
MODE = "read-only-bind-mount" if CAN_MOUNT else "listing-and-mtimes"


def snapshot(folder: Path) -> dict[str, int]:
    """Every path under ``folder`` with its modification time."""
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in [folder, *folder.rglob("*")]}


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[dict[str, int]]:
    """Make ``folder`` read-only (a bind mount when possible); check that nothing changed in it."""
    before = snapshot(folder)
    mounted = CAN_MOUNT and _bind_read_only(folder)
    try:
        yield before
    finally:
        if mounted:
            _unmount(folder)
    assert snapshot(folder) == before, f"something was written under the layer {folder}"


def _unmount(folder: Path) -> None:
    """Unmount ``folder``; when tensors still map a file there (a failing test's traceback holds
    them), collect them first, and detach the mount at worst rather than leave it behind."""
    if subprocess.run(["umount", str(folder)], check=False, capture_output=True).returncode == 0:
        return
    gc.collect()
    if subprocess.run(["umount", str(folder)], check=False, capture_output=True).returncode == 0:
        return
    subprocess.run(["umount", "--lazy", str(folder)], check=True, capture_output=True)
