"""What a checkpoint's bytes are expected to be, hashing, records, and whether a file can be used.

A *record* is a small JSON sidecar ``<file>.weighthub.json`` written when a file is downloaded or
first verified. It holds the size, the sha256, the modification time and the URL, so a later load
detects a truncated or altered file with one ``stat`` instead of re-hashing gigabytes
(:func:`check_cached`, which the cache, the read-only layers and torchrun's ranks all ask).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from .._errors import IntegrityError
from ._config import verify_always
from ._layout import LOCAL_RECORDS, CachePaths
from ._sidefiles import read_small, replace_file

__all__ = [
    "CHUNK_SIZE",
    "CacheCheck",
    "Expected",
    "Record",
    "check_cached",
    "hash_file",
    "hash_prefix_of",
    "read_record",
    "record_path",
    "remove_record",
    "rehash_problem",
    "write_record",
]

logger = logging.getLogger("weighthub")

CHUNK_SIZE = 1 << 20
# torch.hub's rule: the characters after the first "-" and before the next "." of the file name.
_HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
_MIN_PREFIX = 8


def hash_prefix_of(file_name: str) -> str | None:
    """Return the sha256 prefix a torch.hub-style file name carries (8+ hex digits), or None."""
    match = _HASH_REGEX.search(file_name)
    if match is None or len(match.group(1)) < _MIN_PREFIX:
        return None
    return match.group(1)


@dataclass(frozen=True)
class Expected:
    """What a file must be: a full sha256 or a sha256 prefix (or neither), and maybe a size.

    Attributes:
        sha256: The full declared sha256, lower-case.
        prefix: The sha256 prefix from the file name when no full sha256 is declared.
        size: The declared size in bytes.
        origin: Where a hash and size that the weights do not declare come from (e.g. ``"the
            lockfile /srv/weights.lock"``), named in messages.
    """

    sha256: str | None = None
    prefix: str | None = None
    size: int | None = None
    origin: str | None = None

    @classmethod
    def build(
        cls, file_name: str, sha256: str | None, file_size: int | None, *, check_hash: bool
    ) -> Expected:
        """Combine the declared facts with torch.hub's file-name rule.

        Args:
            file_name: The cache file name (for the hash-prefix rule).
            sha256: A declared full sha256.
            file_size: A declared size in bytes.
            check_hash: False turns hash verification off (the size is still checked).
        """
        if not check_hash:
            return cls(size=file_size)
        if sha256 is not None:
            return cls(sha256=sha256.lower(), size=file_size)
        return cls(prefix=hash_prefix_of(file_name), size=file_size)

    @property
    def has_hash(self) -> bool:
        """Whether there is a hash to check against."""
        return self.sha256 is not None or self.prefix is not None

    def describe(self) -> str:
        """Return the expected hash as text, for messages."""
        if self.sha256 is not None:
            return f"sha256 {self.sha256}{self._from()}"
        if self.prefix is not None:
            return f"a sha256 starting with {self.prefix} (from the file name)"
        return "no hash"

    def _from(self) -> str:
        return f" (from {self.origin})" if self.origin is not None else ""

    def error(
        self,
        message: str,
        *,
        url: str,
        path: Path | None = None,
        digest: str | None = None,
        size: int | None = None,
    ) -> IntegrityError:
        """Return the :class:`IntegrityError` of bytes (``digest``, ``size``) that break this."""
        return IntegrityError(
            message,
            url=url,
            path=path,
            expected_sha256=self.sha256,
            actual_sha256=digest,
            expected_size=self.size,
            actual_size=size,
        )

    def mismatch(self, digest: str | None, size: int | None) -> str | None:
        """Return why ``digest``/``size`` break the expectation, or None when they satisfy it."""
        if self.size is not None and size is not None and size != self.size:
            return f"its size is {size} bytes but {self.size} bytes are expected{self._from()}"
        if digest is None:
            return None
        if self.sha256 is not None and digest != self.sha256:
            return f"its sha256 is {digest} but {self.describe()} is expected"
        if self.prefix is not None and not digest.startswith(self.prefix):
            return f"its sha256 is {digest} but {self.describe()} is expected"
        return None


def hash_file(path: Path) -> str:
    """Return the sha256 of a file, read in 1 MiB chunks."""
    hasher = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK_SIZE):
            hasher.update(chunk)
    return hasher.hexdigest()


@dataclass(frozen=True)
class Record:
    """What weighthub knows about a cached file.

    Attributes:
        size: Size in bytes when recorded.
        sha256: The file's actual sha256.
        mtime_ns: The file's modification time when recorded.
        url: Where it was downloaded from, if known.
        verified: Whether the sha256 was checked against a declared hash or prefix.
        corrupt: Set by ``verify_cache`` when the file no longer matches; the next load re-fetches.
        recorded_at: When the record was written (seconds since the epoch).
    """

    size: int
    sha256: str
    mtime_ns: int
    url: str | None = None
    verified: bool = False
    corrupt: bool = False
    recorded_at: float = 0.0


def record_path(path: Path) -> Path:
    """Return where the record of ``path`` lives: ``<path>.weighthub.json``."""
    return CachePaths(path).record


def read_record(path: Path, record_file: Path | None = None) -> Record | None:
    """Return the record of ``path`` (or the one in ``record_file``); None if missing or bad."""
    target = record_file if record_file is not None else record_path(path)
    text = read_small(target)  # never through a link
    if text is None:
        return None
    try:
        data = json.loads(text)
        return Record(
            size=int(data["size"]),
            sha256=str(data["sha256"]),
            mtime_ns=int(data["mtime_ns"]),
            url=data.get("url"),
            verified=bool(data.get("verified", False)),
            corrupt=bool(data.get("corrupt", False)),
            recorded_at=float(data.get("recorded_at", 0.0)),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_record(
    path: Path,
    sha256: str,
    *,
    url: str | None,
    verified: bool,
    corrupt: bool = False,
    record_file: Path | None = None,
) -> Record | None:
    """Record the current size and mtime of ``path`` with its sha256 (atomically).

    Args:
        path: The checkpoint file.
        sha256: Its actual sha256.
        url: Where it came from.
        verified: Whether ``sha256`` was checked against a declared hash.
        corrupt: Flag the file as corrupt.
        record_file: Where to write the record; ``<path>.weighthub.json`` by default.

    Returns:
        The record, or None when it could not be written (a read-only folder).
    """
    target = record_file if record_file is not None else record_path(path)
    try:
        st = path.stat()
        record = Record(
            size=st.st_size,
            sha256=sha256,
            mtime_ns=st.st_mtime_ns,
            url=url,
            verified=verified,
            corrupt=corrupt,
            recorded_at=time.time(),
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.parent.name == LOCAL_RECORDS and target.parent.is_symlink():
            return None  # a planted .local-records link: records stay out of where it points
        replace_file(target, json.dumps(asdict(record), indent=1).encode())
    except OSError:
        return None
    return record


def remove_record(path: Path) -> Path | None:
    """Delete the record of ``path``; return its path when there was one."""
    target = record_path(path)
    try:
        target.unlink()
    except FileNotFoundError:
        return None
    return target


def rehash_problem(path: Path, expected: Expected, record_file: Path | None = None) -> str | None:
    """Re-hash ``path`` and say why it is damaged, or None when nothing shows it is.

    The sha256 is compared with the file's record (its bytes when it was verified) and with the
    declared hash. A file with neither cannot be judged and gives None. A damaged file's record is
    flagged ``corrupt`` so that the next fetch downloads it again.
    """
    digest = hash_file(path)
    record = read_record(path, record_file)
    problem = None
    if record is not None and record.sha256 != digest:
        problem = f"its sha256 is now {digest}, not the {record.sha256} recorded when it was stored"
    if problem is None:
        problem = expected.mismatch(digest, None)
    if problem is not None:
        known = record.sha256 if record is not None else digest
        write_record(
            path,
            known,
            url=record.url if record is not None else None,
            verified=record.verified if record is not None else False,
            corrupt=True,
            record_file=record_file,
        )
    return problem


@dataclass(frozen=True)
class CacheCheck:
    """The outcome of looking at a cached file.

    Attributes:
        state: ``"ok"``, ``"missing"`` or ``"bad"``.
        reason: Why a file is bad.
    """

    state: str
    reason: str = ""


def check_cached(
    path: Path, expected: Expected, *, url: str | None, record_file: Path | None = None
) -> CacheCheck:
    """Decide whether the file at ``path`` can be used, cheaply when it has a record.

    Args:
        path: The file.
        expected: The declared size and hash.
        url: Its URL, stored in a new record.
        record_file: Where its record lives (``<path>.weighthub.json`` by default).
    """
    rehash = verify_always()
    try:
        st = path.stat()
    except FileNotFoundError:
        return CacheCheck("missing")
    if expected.size is not None and st.st_size != expected.size:
        return CacheCheck("bad", f"its size is {st.st_size} bytes, not {expected.size}")
    rec_file = record_file if record_file is not None else record_path(path)
    record = read_record(path, rec_file)
    if record is not None:
        if record.corrupt:
            return CacheCheck("bad", "its bytes changed (a verify or load saw it)")
        if record.size != st.st_size:
            return CacheCheck(
                "bad", f"it was {record.size} bytes when downloaded and is now {st.st_size} bytes"
            )
        digest = record.sha256
        if rehash or record.mtime_ns != st.st_mtime_ns:
            digest = hash_file(path)
            if digest != record.sha256:
                return CacheCheck("bad", "its content changed since it was downloaded")
            if record.mtime_ns != st.st_mtime_ns:
                write_record(
                    path, digest, url=record.url, verified=record.verified, record_file=rec_file
                )
        problem = expected.mismatch(digest, None)
        if problem is not None and not record.verified:
            problem += (
                "; it was stored with hash checks off (WEIGHTHUB_CHECK_HASH=0 or "
                "check_hash=False), so these are other bytes than the declared file's"
            )
        if problem is not None:
            return CacheCheck("bad", problem)
        if expected.has_hash and not record.verified:
            write_record(path, digest, url=record.url, verified=True, record_file=rec_file)
        return CacheCheck("ok")
    if expected.has_hash or rehash:
        logger.info("Verifying %s once (no record of it yet).", path)
        digest = hash_file(path)
        problem = expected.mismatch(digest, None)
        if problem is not None:
            return CacheCheck("bad", problem)
        write_record(path, digest, url=url, verified=expected.has_hash, record_file=rec_file)
    return CacheCheck("ok")
