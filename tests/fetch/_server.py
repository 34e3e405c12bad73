"""The fetch tests' loopback server (now public in :mod:`weighthub.testing`) and test data."""

from __future__ import annotations

import hashlib
import io

from weighthub.testing import Fault, LoopbackServer, running_server

__all__ = ["Fault", "LoopbackServer", "make_checkpoint", "running_server", "sha"]


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
