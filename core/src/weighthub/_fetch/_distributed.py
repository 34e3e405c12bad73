"""One download per torch.distributed job: rank 0 fetches, the verified bytes go to the other ranks.

With ``WEIGHTHUB_DISTRIBUTED=broadcast`` (or ``set_distributed("broadcast")``) and a default process
group initialised, a fetch that every rank makes is collective:

1. every rank looks in its own layers and cache, and one ``all_reduce`` tells whether all have the
   verified file (then nothing else happens);
2. global rank 0 fetches and verifies as usual, then broadcasts its outcome: the file's size and
   sha256, or the error it raised, which every rank then raises (no rank hangs);
3. a second ``all_reduce`` tells whether any rank still lacks the file (ranks that share a file
   system with rank 0 now see its file); if so, rank 0 broadcasts the bytes in chunks of
   ``WEIGHTHUB_BROADCAST_CHUNK`` bytes (64 MiB by default; CUDA tensors on ``nccl``), so memory per
   rank stays bounded whatever the file size;
4. each receiving rank writes a ``.partial`` file, fsyncs it, checks its size and sha256 against
   the declaration and rank 0's digest, renames it into its own cache under the file's lock and
   records it.

Every wait on another rank is bounded by ``WEIGHTHUB_LOCK_TIMEOUT`` (the wait for another process's
download) and raises :class:`~weighthub.LockTimeoutError` when it runs out. Without a process group
the setting falls back to an ordinary fetch with a warning (a single-process run of the same
script keeps working). Torch is only looked at when it is already imported.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime
import hashlib
import json
import logging
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import _errors
from .._errors import LockTimeoutError, WeightsDownloadError, close_matches_hint
from ._config import env_number
from ._integrity import Expected, check_cached, hash_file, read_record, write_record
from ._layout import CachePaths, local_record_path
from ._lock import cache_lock
from ._sidefiles import create_new

__all__ = ["broadcast_active", "distributed_mode", "fetch_collective", "set_distributed"]

logger = logging.getLogger("weighthub")

DISTRIBUTED_VARIABLE = "WEIGHTHUB_DISTRIBUTED"
_MODES = ("off", "broadcast")
_DEFAULT_CHUNK = 64 << 20
_HEADER_BYTES = 1 << 16
_DEFAULT_TIMEOUT = 30 * 60.0

# None means "not set from Python": the environment variable decides.
_mode: str | None = None
_warned_no_group = False


def _check_mode(value: str, origin: str) -> str:
    mode = value.strip().lower() or "off"
    if mode in ("0", "false", "no", "none"):
        mode = "off"
    if mode not in _MODES:
        hint = close_matches_hint(mode, _MODES)
        msg = f"{origin}={value!r} is not a distributed mode; use 'broadcast' or 'off'.{hint}"
        raise ValueError(msg)
    return mode


def set_distributed(mode: str | None) -> None:
    """Choose how fetches coordinate across torch.distributed ranks; wins over the variable.

    Args:
        mode: ``"broadcast"`` (global rank 0 downloads; the other ranks receive the verified bytes
            over the default process group), ``"off"`` (every process fetches on its own, through
            the file lock), or None to go back to ``WEIGHTHUB_DISTRIBUTED``.

    Raises:
        ValueError: ``mode`` is not one of these.
    """
    global _mode
    _mode = None if mode is None else _check_mode(mode, "set_distributed(mode)")


def distributed_mode() -> str:
    """Return the active mode: ``set_distributed``'s, else ``WEIGHTHUB_DISTRIBUTED``, else "off".

    Raises:
        ValueError: ``WEIGHTHUB_DISTRIBUTED`` holds an unknown mode.
    """
    if _mode is not None:
        return _mode
    return _check_mode(os.environ.get(DISTRIBUTED_VARIABLE, ""), DISTRIBUTED_VARIABLE)


def _initialised_dist() -> Any:
    torch = sys.modules.get("torch")
    if torch is None:
        return None
    import torch.distributed as dist

    if not (dist.is_available() and dist.is_initialized()):
        return None
    return dist


def broadcast_active() -> bool:
    """Return whether fetches are collective now (broadcast mode and a multi-rank process group).

    Broadcast mode without an initialised default process group warns once and returns False.
    """
    global _warned_no_group
    if distributed_mode() != "broadcast":
        return False
    dist = _initialised_dist()
    if dist is None:
        if not _warned_no_group:
            _warned_no_group = True
            warnings.warn(
                f"{DISTRIBUTED_VARIABLE}=broadcast, but no torch.distributed process group is "
                "initialised: each process fetches on its own. Call "
                "torch.distributed.init_process_group() before the first fetch.",
                UserWarning,
                stacklevel=3,
            )
        return False
    return bool(dist.get_world_size() > 1)


class _Group:
    """The default process group, with every wait bounded by a timeout."""

    def __init__(self) -> None:
        import torch
        import torch.distributed as dist

        self.torch = torch
        self.dist = dist
        self.rank = dist.get_rank()
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

    def least(self, value: int, what: str) -> int:
        """Return the smallest ``value`` over all ranks (``all_reduce`` with MIN)."""
        flag = self.torch.tensor([value], dtype=self.torch.int32, device=self.device)
        work = self.dist.all_reduce(flag, op=self.dist.ReduceOp.MIN, async_op=True)
        self._wait(work, what)
        return int(flag.item())

    def all_have(self, have: bool, what: str) -> bool:
        """Return whether every rank has the file."""
        return self.least(1 if have else 0, what) == 1

    def broadcast_header(self, payload: dict[str, Any] | None) -> dict[str, Any]:
        """Send rank 0's small JSON ``payload`` to every rank; return it."""
        torch = self.torch
        buffer = torch.zeros(_HEADER_BYTES, dtype=torch.uint8)
        if payload is not None:
            raw = json.dumps(payload).encode()[: _HEADER_BYTES - 1]
            buffer[: len(raw)] = torch.frombuffer(bytearray(raw), dtype=torch.uint8)
        tensor = buffer.to(self.device)
        work = self.dist.broadcast(tensor, src=0, async_op=True)
        self._wait(work, "while rank 0 fetched the file")
        raw_out = bytes(tensor.cpu().numpy().tobytes()).rstrip(b"\0")
        data = json.loads(raw_out.decode(errors="replace"))
        return data if isinstance(data, dict) else {}

    def broadcast_chunk(self, tensor: Any) -> None:
        """Broadcast one chunk of the file from rank 0."""
        work = self.dist.broadcast(tensor, src=0, async_op=True)
        self._wait(work, "while the file was sent")


def _chunk_size() -> int:
    chunk = int(env_number("WEIGHTHUB_BROADCAST_CHUNK", _DEFAULT_CHUNK))
    if chunk < 1:
        msg = f"WEIGHTHUB_BROADCAST_CHUNK={chunk} must be at least 1 byte."
        raise ValueError(msg)
    return chunk


def _error_payload(exc: BaseException) -> dict[str, Any]:
    return {"ok": False, "type": type(exc).__name__, "message": str(exc)}


def _rebuild_error(payload: dict[str, Any]) -> Exception:
    """Return rank 0's error as an exception of the same class (weighthub's or a builtin)."""
    name = str(payload.get("type", ""))
    message = str(payload.get("message", "rank 0 failed"))
    cls = getattr(_errors, name, None) or getattr(builtins, name, None)
    if isinstance(cls, type) and issubclass(cls, Exception):
        with contextlib.suppress(Exception):
            return cls(message)
    return WeightsDownloadError(f"{name}: {message}")


def _send_file(group: _Group, path: Path, size: int, chunk: int) -> None:
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


def _receive_file(
    group: _Group, target: Path, expected: Expected, header: dict[str, Any], url: str, chunk: int
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


def fetch_collective(
    target: Path,
    expected: Expected,
    *,
    url: str,
    find_in_layer: Callable[[], Path | None],
    fetch_here: Callable[[Path | None], Path],
) -> Path:
    """Fetch ``target`` once for the whole job (every rank must call this, in the same order).

    Args:
        target: This rank's cache path of the file.
        expected: The declared size and hash.
        url: The checkpoint URL (for messages and records).
        find_in_layer: Return the verified file in this rank's read-only layers, if any.
        fetch_here: The ordinary fetch (given rank 0's layer file, if any), run by rank 0 only.

    Returns:
        This rank's verified file: in a layer, or in its cache.

    Raises:
        LockTimeoutError: Another rank did not answer within ``WEIGHTHUB_LOCK_TIMEOUT``.
        IntegrityError, WeightsDownloadError, OfflineModeError: what rank 0's fetch raised.
    """
    group = _Group()
    in_layer: Path | None = None

    def have_it() -> Path | None:
        if in_layer is not None:
            return in_layer
        return target if check_cached(target, expected, url=url).state == "ok" else None

    # 0: this rank could not look (a bad WEIGHTHUB_CACHE_PATH...); 1: it needs the file; 2: has it.
    try:
        in_layer = find_in_layer()
        local = have_it()
        state = 2 if local is not None else 1
    except Exception as exc:
        local_error: Exception | None = exc
        state = 0
    else:
        local_error = None
    least = group.least(state, "to say whether they have the file")
    if least == 0:
        if local_error is not None:
            raise local_error
        msg = (
            f"Another rank failed to look for {target.name} in its cache (see its error), so "
            f"no rank fetches {url}."
        )
        raise WeightsDownloadError(msg, url=url)
    if least == 2:
        return local if local is not None else target
    header: dict[str, Any] | None = None
    source_file: Path | None = None
    error: BaseException | None = None
    if group.rank == 0:
        try:
            source_file = fetch_here(in_layer)
            header = {
                "ok": True,
                "name": target.name,
                "size": source_file.stat().st_size,
                "sha256": _sha_of(source_file, target.parent),
            }
        except Exception as exc:  # every rank raises it, so none waits forever
            error = exc
            header = _error_payload(exc)
    header = group.broadcast_header(header)
    if error is not None:
        raise error
    if not header.get("ok"):
        raise _rebuild_error(header) from None
    mismatch = group.rank != 0 and header.get("name") != target.name
    local = source_file if group.rank == 0 else (None if mismatch else have_it())
    if group.all_have(local is not None or mismatch, "to say whether they need the bytes"):
        if mismatch:
            raise _name_mismatch(target, header)
        return local if local is not None else target
    chunk = _chunk_size()
    if group.rank == 0 and source_file is not None:
        _send_file(group, source_file, int(header["size"]), chunk)
        return source_file
    if mismatch:
        _discard(group, int(header["size"]), chunk)
        raise _name_mismatch(target, header)
    if local is not None:
        _discard(group, int(header["size"]), chunk)
        return local
    _receive_file(group, target, expected, header, url, chunk)
    return target


def _discard(group: _Group, size: int, chunk: int) -> None:
    torch = group.torch
    buffer = torch.empty(min(chunk, max(size, 1)), dtype=torch.uint8, device=group.device)
    received = 0
    while received < size:
        n = min(buffer.numel(), size - received)
        group.broadcast_chunk(buffer[:n])
        received += n


def _name_mismatch(target: Path, header: dict[str, Any]) -> ValueError:
    return ValueError(
        f"Rank 0 fetched {header.get('name')!r} while this rank fetched {target.name!r}: with "
        f"{DISTRIBUTED_VARIABLE}=broadcast every rank must fetch the same files in the same order."
    )


def _sha_of(path: Path, scratch: Path) -> str:
    """Return the sha256 of rank 0's verified file (its record when current, else a hash)."""
    st = path.stat()
    for record in (read_record(path), read_record(path, local_record_path(path, scratch))):
        if record is not None and record.size == st.st_size and record.mtime_ns == st.st_mtime_ns:
            return record.sha256
    return hash_file(path)
