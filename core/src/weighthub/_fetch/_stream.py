"""What every source hands the downloader: an open byte stream, or a failure worth retrying.

The HTTP client (:mod:`._http`), fsspec (:mod:`._fsspec`) and package resources all answer with a
:class:`Stream`; a transient failure of any of them is a :class:`RetryableError`, which the
downloader retries with back-off (:mod:`._retries`). Everything else they raise is permanent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = ["Body", "RetryableError", "Stream", "Version"]


class Body(Protocol):
    """A readable body: ``read``, and ``readinto`` (which the downloader prefers) if it has one."""

    def read(self, size: int = -1, /) -> bytes:
        """Read up to ``size`` bytes; ``b""`` at the end."""


class RetryableError(Exception):
    """A transient failure (connection error, 5xx): the download may be retried.

    Attributes:
        retry_after: Seconds the server asked to wait (``Retry-After``, ``RateLimit``), or None.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Version:
    """What tells one version of a remote file from another: its validators.

    Every answer of one download (a resume, a piece, the hand-over's probe) must be of the first
    answer's version; ``If-Range`` asks the server for that, and :meth:`differs` checks it.

    Attributes:
        etag: The ``ETag`` (for S3, the object's ETag), if any.
        modified: The ``Last-Modified`` date (for S3, the version id when the bucket keeps
            versions), if any.
    """

    etag: str | None = None
    modified: str | None = None

    @property
    def if_range(self) -> dict[str, str]:
        """The ``If-Range`` header naming this version; empty without a strong validator."""
        if self.etag and not self.etag.startswith("W/"):
            return {"If-Range": self.etag}
        if self.modified:
            return {"If-Range": self.modified}
        return {}

    def differs(self, other: Version) -> bool:
        """Whether ``other`` is another version: a validator both carry has another value."""
        return any(
            mine is not None and theirs is not None and mine != theirs
            for mine, theirs in ((self.etag, other.etag), (self.modified, other.modified))
        )


@dataclass
class Stream:
    """An open byte stream of a remote file.

    Attributes:
        body: The readable binary stream.
        total: The full size of the file when known.
        start: The offset the stream starts at (0 unless a resume was honoured).
        etag: The ``ETag`` validator of an HTTP answer, if any.
        last_modified: The ``Last-Modified`` validator of an HTTP answer, if any.
        ranges: Whether the answer advertised byte ranges (``Accept-Ranges: bytes``).
    """

    body: Body
    total: int | None
    start: int
    etag: str | None = None
    last_modified: str | None = None
    ranges: bool = False

    @property
    def version(self) -> Version:
        """The version of the file this stream reads."""
        return Version(self.etag, self.last_modified)
