"""fsspec sources (``s3://``, ``gs://``, ``hf://``, ``memory://`` ...): reading and publishing.

Reading goes through ``fs.open`` in bounded blocks (``_BLOCK`` bytes), so an interrupted transfer
costs at most one block: s3fs retries the block itself, and when its retries run out the
downloader reopens the file at the byte it had reached (a seek, i.e. a ranged GET). Credentials and
endpoints come from the protocol's own configuration (for S3: ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_PROFILE``, ``~/.aws/credentials``, ``AWS_ENDPOINT_URL``, or
fsspec's config files); weighthub never reads or prints them.

Publishing (``weighthub download --to s3://bucket/prefix``) uploads a verified file under a
temporary key, then moves it to its final key, so readers never see a partial object.
"""

from __future__ import annotations

import contextlib
import logging
import urllib.parse
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from .._errors import WeightsDownloadError
from ._layout import unique_partial_name
from ._stream import RetryableError, Stream, Version

__all__ = ["open_fsspec", "publish"]

logger = logging.getLogger("weighthub")

_BLOCK = 8 << 20


def _protocol(url: str) -> str:
    return urllib.parse.urlparse(url).scheme.lower()


def _credentials_hint(url: str) -> str:
    if _protocol(url) in ("s3", "s3a"):
        return (
            " Check the credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE or "
            "~/.aws/credentials) and the endpoint (AWS_ENDPOINT_URL)."
        )
    return f" Check the credentials of the {_protocol(url)!r} filesystem (its fsspec config)."


def _permanent(url: str, exc: BaseException) -> WeightsDownloadError | None:
    """Return the permanent error ``exc`` stands for, or None when it may be transient."""
    if isinstance(exc, FileNotFoundError):
        detail = f" ({exc})" if str(exc) else ""
        return WeightsDownloadError(f"{url} does not exist{detail}.", url=url)
    if isinstance(exc, PermissionError):
        detail = f" ({exc})" if str(exc) else ""
        return WeightsDownloadError(
            f"Access to {url} was refused{detail}.{_credentials_hint(url)}", url=url, status=403
        )
    return None


def _transient_types() -> tuple[type[BaseException], ...]:
    """The exception types of a dropped or timed-out connection, by the libraries fsspec uses."""
    types: list[type[BaseException]] = [OSError, EOFError]
    with contextlib.suppress(ImportError):
        from botocore.exceptions import HTTPClientError  # type: ignore[import-untyped]

        types.append(HTTPClientError)
    with contextlib.suppress(ImportError):
        from aiohttp import ClientError

        types.append(ClientError)
    return tuple(types)


def _classify(url: str, exc: Exception, what: str) -> Exception:
    """Return the error to raise for ``exc``: permanent, retryable, or ``exc`` itself."""
    # s3fs, its retries spent, can fail inside its own OSError handler (an IndexError whose
    # context is the OSError): the OSError is what happened.
    candidates = [exc, exc.__context__]
    for cause in candidates:
        if cause is None:
            continue
        if type(cause).__name__ == "NoCredentialsError":
            return WeightsDownloadError(
                f"No credentials found for {url}.{_credentials_hint(url)}", url=url, status=401
            )
        permanent = _permanent(url, cause)
        if permanent is not None:
            return permanent
        if isinstance(cause, _transient_types()):
            return RetryableError(f"{what}: {cause!r}")
    return exc


class _Body:
    """An fsspec file whose failures are sorted into permanent and retryable ones."""

    def __init__(self, url: str, f: IO[bytes]) -> None:
        self._url = url
        self._f = f
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        try:
            data = self._f.read(size)
        except Exception as exc:
            error = _classify(self._url, exc, f"reading {self._url} failed at byte {self.position}")
            if error is exc:
                raise
            raise error from exc
        self.position += len(data)
        return data


def _version(details: Mapping[str, Any]) -> Version:
    """The version of an object from its details: S3's ETag and version id, else a date."""
    etag = details.get("ETag") or details.get("etag")
    modified = details.get("VersionId") or details.get("LastModified") or details.get("mtime")
    return Version(
        str(etag) if etag else None,
        str(modified) if modified not in (None, "", "null") else None,
    )


@contextlib.contextmanager
def open_fsspec(url: str, offset: int, version: Version | None = None) -> Iterator[Stream]:
    """Open ``url`` at ``offset``; yield a :class:`~._stream.Stream` of one object version.

    The object's details are read afresh (never from a cached listing); s3fs then pins every
    block it reads to that ETag, and a changed object fails the read (retried by the downloader).
    A resume whose object is no longer ``version`` starts at byte 0.

    Raises:
        WeightsDownloadError: The object or bucket does not exist, or access is refused.
        RetryableError: A transient failure.
    """
    import fsspec

    try:
        fs, path = fsspec.core.url_to_fs(url)
        fs.invalidate_cache(path)
        f = fs.open(path, "rb", block_size=_BLOCK)
    except Exception as exc:
        error = _classify(url, exc, f"Cannot read {url}")
        if error is exc:
            raise
        raise error from exc
    with f:
        details = getattr(f, "details", None) or {}
        found = _version(details)
        try:
            size = details.get("size")
            total: int | None = int(size if size is not None else fs.size(path))
        except (TypeError, ValueError, NotImplementedError):
            total = None
        start = 0
        if offset and not (version is not None and version.differs(found)):
            try:
                f.seek(offset)
                start = offset
            except (OSError, ValueError):
                start = 0
        body = _Body(url, f)
        body.position = start
        yield Stream(body, total, start, etag=found.etag, last_modified=found.modified)


def publish(local: Path, dest_url: str) -> str:
    """Upload the verified file ``local`` to ``dest_url`` (a file URL); return ``dest_url``.

    The bytes go to ``<dest>.<pid>.<hex>.partial`` first and are moved to ``dest`` once complete
    (a server-side copy on S3), so a reader never sees a partial object under the final key.

    Raises:
        WeightsDownloadError: The bucket does not exist, access is refused, or the upload failed.
    """
    import fsspec

    fs, path = fsspec.core.url_to_fs(dest_url)
    temporary = unique_partial_name(path)
    try:
        fs.put_file(str(local), temporary)
        fs.mv(temporary, path)
    except Exception as exc:
        with contextlib.suppress(Exception):
            fs.rm(temporary)
        error = _classify(dest_url, exc, f"Uploading {local} to {dest_url} failed")
        if isinstance(error, WeightsDownloadError):
            raise error from exc
        msg = f"Uploading {local} to {dest_url} failed: {exc!r}"
        raise WeightsDownloadError(msg, url=dest_url) from exc
    logger.info("Published %s to %s.", local, dest_url)
    return dest_url
