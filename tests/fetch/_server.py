"""The fetch tests' loopback server (now public in :mod:`weighthub.testing`) and test data."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import time
from pathlib import Path

from weighthub.testing import Fault, LoopbackServer, running_server

__all__ = [
    "Fault",
    "LoopbackServer",
    "kill_once_journaled",
    "make_checkpoint",
    "requests_settled",
    "running_server",
    "sha",
]


def make_checkpoint(seed: int = 0, n: int = 4096) -> bytes:
    """Return the bytes of a small random state dict saved with torch.save."""
    import torch

    gen = torch.Generator().manual_seed(seed)
    sd = {"w": torch.randn(n, generator=gen), "b": torch.randn(7, generator=gen)}
    buf = io.BytesIO()
    torch.save(sd, buf)
    return buf.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def kill_once_journaled(child: subprocess.Popen[bytes], journal: Path) -> list[list[int]]:
    """``kill -9`` a downloading ``child`` once its piece journal lists a completed range.

    Returns the journal's completed ranges after the kill (the child may have added one more).
    """
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        try:
            if json.loads(journal.read_text())["done"]:
                break
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.01)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    done: list[list[int]] = json.loads(journal.read_text())["done"]
    return done


def requests_settled(server: LoopbackServer, path: str, quiet: float = 0.5) -> int:
    """Wait until no new GET of ``path`` has arrived for ``quiet`` seconds; return their count.

    A killed client's last requests may still be in the server's queue when it dies: counting the
    next client's requests from here keeps them out.
    """
    seen, since = len(server.ranges_of(path)), time.monotonic()
    while time.monotonic() - since < quiet:
        time.sleep(0.05)
        if (now := len(server.ranges_of(path))) != seen:
            seen, since = now, time.monotonic()
    return seen
