"""What every source hands the downloader: an open byte stream, or a failure worth retrying.

The HTTP client (:mod:`._http`), fsspec (:mod:`._fsspec`) and package resources all answer with a
:class:`Stream`; a transient failure of any of them is a :class:`RetryableError`, which the
downloader retries with back-off (:mod:`._retries`). Everything else they raise is permanent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = ["Body", "RetryableError", "Stream"]


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
