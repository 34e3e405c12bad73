"""Where a checkpoint URL points: a local file, a file inside a Python package, HTTP, or fsspec.

``resolve_source`` classifies a URL. Local files (plain paths, ``file://``) and ``pkg://`` files
that exist on disk are used in place; HTTP(S) and fsspec URLs (and package resources that live in a
zip) are streamed into the cache by :mod:`._download` through the ``open_stream`` of their source.
"""

from __future__ import annotations

import contextlib
import importlib.resources
import os
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from .._errors import InvalidFileNameError, InvalidURLError
from ._fsspec import open_fsspec
from ._http import HttpResponse, open_http
from ._layout import MAX_NAME_BYTES
from ._stream import RetryableError, Stream, Version

__all__ = [
    "Source",
    "cache_file_name",
    "check_http_url",
    "resolve_source",
    "url_file_name",
]

# Characters a URL may carry as they are; anything else (a space, non-ASCII) is percent-encoded.
_URL_SAFE = "/%:@!$&'()*+,;=-._~?#[]"


@dataclass(frozen=True)
class Source:
    """A classified checkpoint URL.

    Attributes:
        kind: ``"local"`` (use ``path`` in place), ``"http"``, ``"fsspec"`` or ``"resource"``.
        url: The URL to read from (after mirror rewriting).
        path: The local file for ``"local"`` sources.
        resource: The importlib Traversable of a package resource that is not a plain file.
    """

    kind: Literal["local", "http", "fsspec", "resource"]
    url: str
    path: Path | None = None
    resource: Any = None

    @contextlib.contextmanager
    def open_stream(self, offset: int, version: Version | None = None) -> Iterator[Stream]:
        """Open the remote file, starting at ``offset`` when the server allows it.

        Args:
            offset: Where to start (a resume).
            version: The version of the bytes before ``offset``: a resume asks for the rest of
                that version only (HTTP ``If-Range``; a pinned S3 object), else the whole file
                comes from byte 0.

        Raises:
            RetryableError: A transient failure.
            WeightsDownloadError: A permanent failure (4xx, missing object).
        """
        if self.kind == "http":
            with _open_http(self.url, offset, version) as stream:
                yield stream
        elif self.kind == "fsspec":
            with open_fsspec(self.url, offset, version) as stream:
                yield stream
        elif self.kind == "resource":
            with self.resource.open("rb") as body:
                yield Stream(body=body, total=None, start=0)
        else:  # pragma: no cover - local files are never streamed
            msg = f"{self.url} is a local file."
            raise ValueError(msg)


def url_file_name(url: str) -> str:
    """Return the cache file name of ``url``: ``basename(urlparse(url).path)`` (as torch.hub)."""
    return os.path.basename(urllib.parse.urlparse(url).path)  # noqa: PTH119 - torch.hub's rule


def cache_file_name(url: str, file_name: str | None) -> str:
    """Return the validated cache file name of ``url`` (``file_name`` when given).

    The name is torch.hub's (the URL path's last segment, kept as spelled, percent escapes
    included) so that both share their downloads. It must be one plain file name: no ``/`` or
    ``\\`` (also once percent-decoded), not ``.`` or ``..``, no control characters, and at most
    224 bytes in UTF-8 so the cache's side files fit in a file system's 255. Non-ASCII is allowed.

    Raises:
        InvalidFileNameError: The name is empty, unsafe or too long.
    """
    name = file_name if file_name is not None else url_file_name(url)
    origin = "file_name=" if file_name is not None else f"the URL {url!r}"
    fix = "Pass file_name='<name>.pth' to choose a safe cache file name."
    if not name:
        msg = f"Cannot derive a cache file name from {origin}. {fix}"
        raise InvalidFileNameError(msg, name=name)
    decoded = urllib.parse.unquote(name)
    problem = ""
    if any(sep in text for text in (name, decoded) for sep in ("/", "\\")):
        problem = "it contains a path separator"
    elif name in (".", "..") or decoded in (".", ".."):
        problem = "it names a folder, not a file"
    elif any(ord(ch) < 32 or ord(ch) == 127 for ch in decoded):
        problem = "it contains control characters"
    elif len(name.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES:
        problem = (
            f"it is {len(name.encode('utf-8', 'surrogateescape'))} bytes long; at most "
            f"{MAX_NAME_BYTES} bytes fit with the cache's side files"
        )
    if problem:
        msg = f"Unsafe cache file name {name!r} (from {origin}): {problem}. {fix}"
        raise InvalidFileNameError(msg, name=name)
    return name


def check_http_url(url: str) -> str:
    """Return ``url`` ready for a request: spaces and non-ASCII percent-encoded; or raise.

    Raises:
        InvalidURLError: No host, a bad port, or control characters.
    """
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        msg = f"Invalid URL {url!r}: it contains control characters (a stray newline or tab?)."
        raise InvalidURLError(msg, url=url)
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        msg = f"Invalid URL {url!r}: the port is not a number between 0 and 65535."
        raise InvalidURLError(msg, url=url) from None
    if not parts.hostname:
        msg = f"Invalid URL {url!r}: it names no host; expected e.g. 'https://host/path/file.pth'."
        raise InvalidURLError(msg, url=url)
    del port
    return urllib.parse.quote(url, safe=_URL_SAFE)


def _is_windows_drive(scheme: str) -> bool:
    return len(scheme) == 1 and scheme.isalpha()


def resolve_source(url: str) -> Source:
    """Classify ``url`` (already rewritten by the mirrors).

    Raises:
        FileNotFoundError: A local or ``pkg://`` file does not exist.
        ValueError: No fsspec implementation is known for the URL's protocol.
        ImportError: The protocol's fsspec implementation (or fsspec) is not installed.
    """
    parsed = urllib.parse.urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme in ("", "file") or _is_windows_drive(scheme):
        if scheme == "file":
            path = Path(urllib.request.url2pathname(parsed.path))
            if parsed.netloc and parsed.netloc != "localhost":
                path = Path(f"//{parsed.netloc}") / path
        else:
            path = Path(url)
        path = path.expanduser()
        if not path.is_file():
            msg = f"The checkpoint file {path} does not exist (from {url!r})."
            raise FileNotFoundError(msg)
        return Source(kind="local", url=url, path=path)
    if scheme in ("http", "https"):
        return Source(kind="http", url=check_http_url(url))
    if scheme == "pkg":
        return _resolve_package(url, parsed)
    _check_fsspec_protocol(url, scheme)
    return Source(kind="fsspec", url=url)


def _resolve_package(url: str, parsed: urllib.parse.ParseResult) -> Source:
    package = parsed.netloc
    inner = PurePosixPath(urllib.parse.unquote(parsed.path).lstrip("/"))
    if not package or not inner.parts:
        msg = f"Invalid package URL {url!r}: expected 'pkg://<import package>/<path inside it>'."
        raise ValueError(msg)
    try:
        resource = importlib.resources.files(package).joinpath(*inner.parts)
    except ModuleNotFoundError as exc:
        msg = f"Cannot read {url!r}: the package {package!r} is not installed."
        raise FileNotFoundError(msg) from exc
    if not resource.is_file():
        msg = f"The package {package!r} has no file {str(inner)!r} (from {url!r})."
        raise FileNotFoundError(msg)
    if isinstance(resource, Path):
        return Source(kind="local", url=url, path=resource)
    return Source(kind="resource", url=url, resource=resource)


def _check_fsspec_protocol(url: str, protocol: str) -> None:
    try:
        import fsspec
    except ImportError as exc:  # pragma: no cover - fsspec is a dependency
        msg = f"Fetching {url!r} needs fsspec for the {protocol!r} protocol: pip install fsspec"
        raise ImportError(msg) from exc
    try:
        fsspec.get_filesystem_class(protocol)
    except ValueError:
        msg = (
            f"Unsupported URL {url!r}: no implementation is known for the {protocol!r} protocol. "
            "weighthub reads http(s)://, file://, pkg://<package>/<path>, local paths, and the "
            "protocols of fsspec and its plugins (s3://, gs://, hf://, memory:// ...)."
        )
        raise ValueError(msg) from None
    except ImportError as exc:
        from fsspec.registry import known_implementations

        spec = known_implementations.get(protocol, {})
        dist = str(spec.get("class", "")).split(".")[0] or f"the fsspec plugin for {protocol}"
        if dist == "s3fs":
            dist = "'weighthub[s3]' (s3fs)"
        msg = f"Fetching {url!r} needs the {protocol!r} fsspec implementation: pip install {dist}"
        msg = f"{msg} ({exc})"
        raise ImportError(msg) from exc


@contextlib.contextmanager
def _open_http(url: str, offset: int, version: Version | None) -> Iterator[Stream]:
    """Open ``url`` at ``offset`` (``Range``, and ``If-Range`` of ``version``) through the client.

    A server that ignores the range, or whose file is no longer ``version``, answers the whole file
    (``start`` 0); ``416`` means nothing is left at ``offset`` (the file ends there), unless it
    names another length (the file changed: start again).
    """
    if offset:
        condition = version.if_range if version is not None else None
        with open_http(
            url, byte_range=(offset, None), headers=condition, accept=(416,)
        ) as response:
            if response.status != 416:
                yield _stream_of(url, offset, response)
                return
            found, answered = response.content_range, response.version
        complete = found.total if found is not None else None
        if complete is None or complete == offset:
            yield Stream(
                _EMPTY_BODY, offset, offset, etag=answered.etag, last_modified=answered.modified
            )
            return
    with open_http(url) as response:
        yield _stream_of(url, 0, response)


def _stream_of(url: str, offset: int, response: HttpResponse) -> Stream:
    start, total = 0, response.length
    if offset and response.status == 206:
        found = response.content_range
        if found is None or found.start != offset:
            msg = f"{url} answered a range request with a different range."
            raise RetryableError(msg)
        start, total = offset, found.total
        if total is None and response.length is not None:
            total = offset + response.length
    return Stream(
        body=response,
        total=total,
        start=start,
        etag=response.etag,
        last_modified=response.last_modified,
        ranges=response.accepts_ranges,
    )


class _EmptyBody:
    def read(self, size: int = -1) -> bytes:
        return b""

    def readinto(self, buffer: Any) -> int:
        return 0


_EMPTY_BODY: Any = _EmptyBody()
