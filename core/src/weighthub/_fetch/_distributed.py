"""One download per torch.distributed job: rank 0 fetches, the verified bytes go to the other ranks.

With ``WEIGHTHUB_DISTRIBUTED=broadcast`` (or ``set_distributed("broadcast")``) and a default process
group initialised, a fetch that every rank makes is collective:

1. every rank looks in its own layers and cache and states what it fetches, its *declaration*:
   the URL (as the weights declare it, and after ``WEIGHTHUB_MIRROR``) and the sha256 and size
   the weights or the lockfile declare. One ``all_reduce`` of a few integers tells whether a rank
   failed already (a lockfile without the entry, a layer that cannot be searched...), whether the
   declarations differ (the smallest and largest of their digests) and whether all have the file:
   - a failed rank sends its error to every rank: it raises its own, the others a
     :class:`~weighthub.WeightsDownloadError` naming it and carrying its message;
   - when declarations differ, rank 0's goes to every rank, and the first rank that differs sends
     its own: every rank raises :class:`~weighthub.RankMismatchError` naming it and both URLs;
   - when every rank has the verified file, nothing else happens (one ``all_reduce`` per fetch);
2. global rank 0 fetches and verifies as usual, then broadcasts its outcome: the file's size and
   sha256, or the error it raised, which every rank then raises (no rank hangs);
3. a second ``all_reduce`` tells whether any rank still lacks the file (ranks that share a file
   system with rank 0 now see its file); if so, rank 0 broadcasts the bytes in chunks of
   ``WEIGHTHUB_BROADCAST_CHUNK`` bytes (64 MiB by default; CUDA tensors on ``nccl``), so memory per
   rank stays bounded whatever the file size;
4. each receiving rank writes a ``.partial`` file, fsyncs it, checks its size and sha256 against
   the declaration and rank 0's digest, renames it into its own cache under the file's lock and
   records it.

Declarations and errors travel as JSON of any length: a 4 KiB frame that starts with the length,
then one more broadcast for what does not fit. Every wait on another rank is bounded by
``WEIGHTHUB_LOCK_TIMEOUT`` (the wait for another process's download) and raises
:class:`~weighthub.LockTimeoutError` when it runs out. Without a process group the setting falls
back to an ordinary fetch with a warning (a single-process run of the same script keeps working).
Torch is only looked at when it is already imported.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import json
import logging
import os
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import _errors
from .._errors import RankMismatchError, WeightsDownloadError, close_matches_hint
from ._integrity import Expected, check_cached, hash_file, read_record
from ._layers import LayerSearch
from ._layout import local_record_path
from ._ranks import DISTRIBUTED_VARIABLE, RankGroup, chunk_size, discard, receive_file, send_file

__all__ = [
    "RankFetch",
    "broadcast_active",
    "distributed_mode",
    "fail_collectively",
    "fetch_collective",
    "set_distributed",
]

logger = logging.getLogger("weighthub")

_MODES = ("off", "broadcast")

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


@dataclass(frozen=True)
class RankFetch:
    """One rank's side of a collective fetch.

    Attributes:
        target: This rank's cache path of the file.
        expected: The declared size and hash (the lockfile's, when one is active).
        url: The URL the weights declare (before mirrors), named in records and messages.
        source_url: The URL after ``WEIGHTHUB_MIRROR``, where rank 0 downloads from.
        search_layers: Look for the verified file in this rank's read-only layers.
        fetch_here: The ordinary fetch (given rank 0's layer search), run by rank 0 only.
    """

    target: Path
    expected: Expected
    url: str
    source_url: str
    search_layers: Callable[[], LayerSearch]
    fetch_here: Callable[[LayerSearch], Path]

    def declaration(self) -> dict[str, Any]:
        """Return what this rank fetches, which every rank must share with rank 0."""
        return {
            "url": self.url,
            "source_url": self.source_url,
            "sha256": self.expected.sha256,
            "prefix": self.expected.prefix,
            "size": self.expected.size,
        }

    def cached(self) -> Path | None:
        """Return the target when this rank's cache holds the verified file."""
        state = check_cached(self.target, self.expected, url=self.url).state
        return self.target if state == "ok" else None


def _describe(declaration: dict[str, Any]) -> str:
    """Return a declaration as text: the URL, the mirror's URL, the hash and the size."""
    text = str(declaration.get("url"))
    if declaration.get("source_url") != declaration.get("url"):
        text += f" (from {declaration.get('source_url')} after WEIGHTHUB_MIRROR)"
    if declaration.get("sha256"):
        text += f" with sha256 {declaration['sha256']}"
    elif declaration.get("prefix"):
        text += f" with a sha256 starting with {declaration['prefix']}"
    else:
        text += " with no hash"
    if declaration.get("size") is not None:
        text += f" and {declaration['size']} bytes"
    return text


def _mismatch(rank: int, theirs: dict[str, Any], rank0: dict[str, Any]) -> RankMismatchError:
    msg = (
        f"With {DISTRIBUTED_VARIABLE}=broadcast rank 0 downloads once for every rank, so every "
        f"rank must fetch the same file, but rank {rank} fetches {_describe(theirs)} while rank "
        f"0 fetches {_describe(rank0)}. No rank fetches it. Make every rank fetch the same files "
        "in the same order (the same URL, after WEIGHTHUB_MIRROR too, sha256 and size), or "
        "fetch per-rank files with weighthub.set_distributed('off') around those calls."
    )
    return RankMismatchError(
        msg, rank=rank, url=str(theirs.get("url")), rank0_url=str(rank0.get("url"))
    )


def _failed_rank(rank: int, report: dict[str, Any], url: str) -> WeightsDownloadError:
    msg = (
        f"Rank {rank} failed before the ranks could fetch {url} together, so no rank fetches it. "
        f"Rank {rank}'s error: {report.get('type')}: {report.get('message')}"
    )
    return WeightsDownloadError(msg, url=url)


# Digests are below 2**62, so that a digest and its negation fit in an int64 with room for this.
_NO_DIGEST = 1 << 62


def _digest(declaration: dict[str, Any]) -> int:
    """Return 62 bits of the sha256 of a declaration, to compare declarations in one all_reduce."""
    raw = json.dumps(declaration, sort_keys=True).encode()
    return int.from_bytes(hashlib.sha256(raw).digest()[:8], "big") >> 2


def _agree(
    group: RankGroup,
    declaration: dict[str, Any] | None,
    failure: Exception | None,
    *,
    have: bool,
    url: str,
) -> bool:
    """Step 1: compare the declarations; stop every rank when one failed or declared another file.

    Args:
        group: The process group.
        declaration: What this rank fetches (None when it failed before knowing).
        failure: The error this rank raised before the collective, if any.
        have: Whether this rank has the verified file.
        url: This rank's URL, for messages.

    Returns:
        Whether every rank has the verified file.

    Raises:
        Exception: ``failure`` on a rank that failed; :class:`WeightsDownloadError` naming the
            first failed rank on the others; else :class:`RankMismatchError` on every rank when
            a rank declared another file than rank 0.
    """
    nobody = group.world
    digest = _digest(declaration) if declaration is not None else None
    # One all_reduce (MIN) settles the usual case: no rank failed, and the smallest and the
    # largest digest of the declarations (the largest as the smallest negated) are the same.
    first_failed, smallest, largest_negated, all_have = group.least(
        [
            group.rank if failure is not None else nobody,
            digest if digest is not None else _NO_DIGEST,
            -digest if digest is not None else _NO_DIGEST,
            1 if have and failure is None else 0,
        ],
        "to say whether they have the file",
    )
    if first_failed < nobody:
        report = group.broadcast_json(
            _error_payload(failure) if failure is not None else None,
            src=first_failed,
            what=f"to hear why rank {first_failed} failed",
        )
        if failure is not None:
            raise failure
        raise _failed_rank(first_failed, report, url)
    if smallest != -largest_negated:
        rank0 = group.broadcast_json(declaration, src=0, what="to hear what rank 0 fetches")
        (first_differing,) = group.least(
            [group.rank if declaration != rank0 else nobody], "to find the rank that differs"
        )
        theirs = group.broadcast_json(
            declaration, src=first_differing, what=f"to hear what rank {first_differing} fetches"
        )
        raise _mismatch(first_differing, theirs, rank0)
    return all_have == 1


def fail_collectively(error: Exception, *, url: str) -> None:
    """Join the collective fetch the other ranks make, to tell them why this rank cannot.

    For a rank that fails before it knows what to fetch (a lockfile without the entry, a malformed
    URL): every other rank then raises an error naming this rank and its message at once, instead
    of waiting ``WEIGHTHUB_LOCK_TIMEOUT`` for it. The caller raises ``error`` itself.
    """
    try:
        _agree(RankGroup(), None, error, have=False, url=url)
    except Exception as exc:
        if exc is not error:
            logger.debug("Could not tell the other ranks why %s failed: %s", url, exc)


def fetch_collective(fetch: RankFetch) -> Path:
    """Fetch ``fetch.target`` once for the whole job (every rank must call this, in order).

    Returns:
        This rank's verified file: in a layer, or in its cache.

    Raises:
        RankMismatchError: A rank declared another file than rank 0 (raised on every rank).
        LockTimeoutError: Another rank did not answer within ``WEIGHTHUB_LOCK_TIMEOUT``.
        WeightsDownloadError: Another rank failed before the fetch (naming it and its error).
        IntegrityError, WeightsDownloadError, OfflineModeError: what rank 0's fetch raised.
        CachePathError: A layer of this rank cannot be searched and nothing else holds the file.
    """
    group = RankGroup()
    search = LayerSearch(None)
    local: Path | None = None
    failure: Exception | None = None
    try:
        search = fetch.search_layers()
        local = search.path or fetch.cached()
        search.settle(found_elsewhere=local is not None)
    except Exception as exc:  # every rank hears of it, so none waits for this one
        failure = exc
    declaration = fetch.declaration() if failure is None else None
    if _agree(group, declaration, failure, have=local is not None, url=fetch.url):
        return local if local is not None else fetch.target
    header: dict[str, Any] | None = None
    source_file: Path | None = None
    error: BaseException | None = None
    if group.rank == 0:
        try:
            source_file = fetch.fetch_here(search)
            header = {
                "ok": True,
                "size": source_file.stat().st_size,
                "sha256": _sha_of(source_file, fetch.target.parent),
            }
        except Exception as exc:  # every rank raises it, so none waits forever
            error = exc
            header = _error_payload(exc)
    header = group.broadcast_json(header, src=0, what="while rank 0 fetched the file")
    if error is not None:
        raise error
    if not isinstance(header, dict) or not header.get("ok"):
        raise _rebuild_error(header if isinstance(header, dict) else {}) from None
    local = source_file if group.rank == 0 else (local or fetch.cached())
    if group.all_have(local is not None, "to say whether they need the bytes"):
        return local if local is not None else fetch.target
    chunk = chunk_size()
    size = int(header["size"])
    if group.rank == 0 and source_file is not None:
        send_file(group, source_file, size, chunk)
        return source_file
    if local is not None:
        discard(group, size, chunk)
        return local
    receive_file(group, fetch.target, fetch.expected, header, fetch.url, chunk)
    return fetch.target


def _sha_of(path: Path, scratch: Path) -> str:
    """Return the sha256 of rank 0's verified file (its record when current, else a hash)."""
    st = path.stat()
    for record in (read_record(path), read_record(path, local_record_path(path, scratch))):
        if record is not None and record.size == st.st_size and record.mtime_ns == st.st_mtime_ns:
            return record.sha256
    return hash_file(path)
