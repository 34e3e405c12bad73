"""The default process group as broadcast fetches use it (:mod:`._distributed`).

Every wait on another rank is bounded by ``WEIGHTHUB_LOCK_TIMEOUT``; JSON messages (declarations,
outcomes, errors) of any length travel as a 4 KiB frame that starts with their length, then one
more broadcast for what does not fit; a file travels in chunks of ``WEIGHTHUB_BROADCAST_CHUNK``
bytes, CUDA tensors on ``nccl``. Torch is imported only when a group is made.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from .._errors import LockTimeoutError
from ._config import env_number
from ._integrity import Expected, check_cached, write_record
from ._layout import CachePaths
from ._lock import cache_lock
from ._sidefiles import create_new

__all__ = [
    "DISTRIBUTED_VARIABLE",
    "RankGroup",
    "chunk_size",
    "discard",
    "receive_file",
    "send_file",
]

logger = logging.getLogger("weighthub")

DISTRIBUTED_VARIABLE = "WEIGHTHUB_DISTRIBUTED"
_DEFAULT_CHUNK = 64 << 20
# A JSON message's first broadcast: its length (8 bytes) and as much of it as fits.
_FRAME_BYTES = 4096
_LENGTH_BYTES = 8
_DEFAULT_TIMEOUT = 30 * 60.0


class RankGroup:
    """The default process group, with every wait bounded by a timeout."""

    def __init__(self) -> None:
        import torch
        import torch.distributed as dist

        self.torch = torch
        self.dist = dist
        self.rank = dist.get_rank()
        self.world = dist.get_world_size()
        self.timeout = env_number("WEIGHTHUB_LOCK_TIMEOUT", _DEFAULT_TIMEOUT)
        backend = str(dist.get_backend())
        self.device = (
            torch.device("cuda", torch.cuda.current_device())
            if backend == "nccl"
            else torch.device("cpu")
        )

    def _wait(self, work: Any, what: str) -> None:
        try:
            work.wait(datetime.timedelta(seconds=self.timeout))
        except RuntimeError as exc:
            msg = (
                f"Rank {self.rank} waited more than {self.timeout:.0f} s for the other ranks "
                f"{what} ({exc}). With {DISTRIBUTED_VARIABLE}=broadcast every rank must fetch "
                "the same files in the same order; raise WEIGHTHUB_LOCK_TIMEOUT for slow downloads."
            )
            raise LockTimeoutError(msg, timeout=self.timeout) from exc

    def least(self, values: list[int], what: str) -> list[int]:
        """Return the smallest of each of ``values`` over all ranks (``all_reduce`` with MIN)."""
        flags = self.torch.tensor(values, dtype=self.torch.int64, device=self.device)
        work = self.dist.all_reduce(flags, op=self.dist.ReduceOp.MIN, async_op=True)
        self._wait(work, what)
        return [int(v) for v in flags.cpu().tolist()]

    def all_have(self, have: bool, what: str) -> bool:
        """Return whether every rank has the file."""
        return self.least([1 if have else 0], what)[0] == 1

    def _broadcast_bytes(self, data: bytes, size: int, src: int, what: str) -> bytes:
        """Broadcast ``size`` bytes from ``src`` (``data`` there, ignored elsewhere)."""
        torch = self.torch
        buffer = torch.zeros(size, dtype=torch.uint8)
        if self.rank == src and data:
            buffer[: len(data)] = torch.frombuffer(bytearray(data), dtype=torch.uint8)
        tensor = buffer.to(self.device)
        work = self.dist.broadcast(tensor, src=src, async_op=True)
        self._wait(work, what)
        return bytes(tensor.cpu().numpy().tobytes())

    def broadcast_json(self, payload: Any, *, src: int, what: str) -> Any:
        """Send ``src``'s JSON-able ``payload``, of any length, to every rank; return it."""
        raw = json.dumps(payload).encode() if self.rank == src else b""
        first = len(raw).to_bytes(_LENGTH_BYTES, "big") + raw[: _FRAME_BYTES - _LENGTH_BYTES]
        frame = self._broadcast_bytes(first, _FRAME_BYTES, src, what)
        length = int.from_bytes(frame[:_LENGTH_BYTES], "big")
        body = frame[_LENGTH_BYTES : _LENGTH_BYTES + length]
        if length > len(body):
            body += self._broadcast_bytes(raw[len(body) :], length - len(body), src, what)
        return json.loads(body.decode())

    def broadcast_chunk(self, tensor: Any) -> None:
        """Broadcast one chunk of the file from rank 0."""
        work = self.dist.broadcast(tensor, src=0, async_op=True)
        self._wait(work, "while the file was sent")


def chunk_size() -> int:
    """Return ``WEIGHTHUB_BROADCAST_CHUNK``: the bytes of one broadcast of a file (64 MiB).

    Raises:
        ValueError: It is below 1 byte, or not a number.
    """
    chunk = int(env_number("WEIGHTHUB_BROADCAST_CHUNK", _DEFAULT_CHUNK))
    if chunk < 1:
        msg = f"WEIGHTHUB_BROADCAST_CHUNK={chunk} must be at least 1 byte."
        raise ValueError(msg)
    return chunk


def send_file(group: RankGroup, path: Path, size: int, chunk: int) -> None:
    """Broadcast the ``size`` bytes of ``path`` from rank 0, ``chunk`` bytes at a time."""
    torch = group.torch
    staging = torch.empty(min(chunk, max(size, 1)), dtype=torch.uint8)
    view = memoryview(staging.numpy())
    with path.open("rb") as f:
        sent = 0
        while sent < size:
            n = min(len(view), size - sent)
            got = f.readinto(view[:n])
            if got != n:
                msg = f"{path} shrank while it was being sent to the other ranks."
                raise OSError(msg)
            group.broadcast_chunk(staging[:n].to(group.device))
            sent += n


def receive_file(
    group: RankGroup, target: Path, expected: Expected, header: dict[str, Any], url: str, chunk: int
) -> None:
    """Receive rank 0's bytes into a partial file, verify them and rename them to ``target``."""
    torch = group.torch
    size = int(header["size"])
    digest_of_rank0 = str(header["sha256"])
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = CachePaths(target).new_partial()
    buffer = torch.empty(min(chunk, max(size, 1)), dtype=torch.uint8, device=group.device)
    hasher = hashlib.sha256()
    try:
        with os.fdopen(create_new(partial), "wb") as out:  # never through a planted link
            received = 0
            while received < size:
                n = min(buffer.numel(), size - received)
                piece = buffer[:n]
                group.broadcast_chunk(piece)
                data = memoryview(piece.cpu().numpy())
                out.write(data)
                hasher.update(data)
                received += n
            out.flush()
            os.fsync(out.fileno())
        digest = hasher.hexdigest()
        written = partial.stat().st_size
        problem = expected.mismatch(digest, written)
        if problem is None and (digest != digest_of_rank0 or written != size):
            problem = f"its sha256 is {digest}, but rank 0 sent sha256 {digest_of_rank0}"
        if problem is not None:
            msg = (
                f"The file {target.name} received from rank 0 (of {url}) is not the expected "
                f"checkpoint: {problem}. It was deleted."
            )
            raise expected.error(msg, url=url, path=target, digest=digest, size=written)
        with cache_lock(target):
            # A rank sharing this file system may have placed the same file meanwhile.
            if check_cached(target, expected, url=url).state != "ok":
                partial.replace(target)
                write_record(target, digest, url=url, verified=expected.has_hash)
        logger.info("Received %s from rank 0 into %s (sha256 %s).", url, target, digest)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()


def discard(group: RankGroup, size: int, chunk: int) -> None:
    """Take part in rank 0's broadcast of ``size`` bytes without keeping them."""
    torch = group.torch
    buffer = torch.empty(min(chunk, max(size, 1)), dtype=torch.uint8, device=group.device)
    received = 0
    while received < size:
        n = min(buffer.numel(), size - received)
        group.broadcast_chunk(buffer[:n])
        received += n
