"""Where a checkpoint URL points: a local file, a file inside a Python package, HTTP, or fsspec.

``resolve_source`` classifies a URL. Local files (plain paths, ``file://``) and ``pkg://`` files
that exist on disk are used in place; HTTP(S) and fsspec URLs (and package resources that live in a
zip) are streamed into the cache by :mod:`._download` through the ``open_stream`` of their source.
"""

from __future__ import annotations

import contextlib
import importlib.resources
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any, Literal

from .._errors import WeightsDownloadError
from ._config import env_number

__all__ = ["RetryableError", "Source", "Stream", "resolve_source", "url_file_name"]

_USER_AGENT = "weighthub/0.1 (python-urllib)"


class RetryableError(Exception):
    """A transient failure (connection error, 5xx): the download may be retried."""


@dataclass
class Stream:
    """An open byte stream of a remote file.

    Attributes:
        body: The readable binary stream.
        total: The full size of the file when known.
        start: The offset the stream starts at (0 unless a resume was honoured).
    """

    body: IO[bytes]
    total: int | None
    start: int


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
    def open_stream(self, offset: int) -> Iterator[Stream]:
        """Open the remote file, starting at ``offset`` when the server allows it.

        Raises:
            RetryableError: A transient failure.
            WeightsDownloadError: A permanent failure (4xx, missing object).
        """
        if self.kind == "http":
            with _open_http(self.url, offset) as stream:
                yield stream
        elif self.kind == "fsspec":
            with _open_fsspec(self.url, offset) as stream:
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
        return Source(kind="http", url=url)
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


def _http_error_message(url: str, code: int, reason: str) -> str:
    return f"Downloading {url} failed with HTTP {code} {reason}."


@contextlib.contextmanager
def _open_http(url: str, offset: int) -> Iterator[Stream]:
    timeout = env_number("WEIGHTHUB_HTTP_TIMEOUT", 60.0)
    headers = {"User-Agent": _USER_AGENT, "Accept-Encoding": "identity"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    request = urllib.request.Request(url, headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        exc.close()
        if offset and exc.code == 416:
            # The range is unsatisfiable (the file changed?): start again from zero.
            with _open_http(url, 0) as stream:
                yield stream
            return
        message = _http_error_message(url, exc.code, str(exc.reason))
        if exc.code >= 500 or exc.code in (408, 429):
            raise RetryableError(message) from exc
        raise WeightsDownloadError(message) from exc
    except (urllib.error.URLError, OSError) as exc:
        msg = f"Cannot reach {url}: {exc}"
        raise RetryableError(msg) from exc
    with response:
        length = response.headers.get("Content-Length")
        size = int(length) if length is not None and length.isdigit() else None
        if offset and response.status == 206:
            start = _content_range_start(response.headers.get("Content-Range"))
            if start == offset:
                total = offset + size if size is not None else None
                yield Stream(body=response, total=total, start=offset)
                return
            msg = f"{url} answered a range request with a different range."
            raise RetryableError(msg)
        yield Stream(body=response, total=size, start=0)


def _content_range_start(header: str | None) -> int | None:
    # "bytes 100-199/200"
    if not header or not header.startswith("bytes "):
        return None
    first = header[6:].split("-", 1)[0].strip()
    return int(first) if first.isdigit() else None


@contextlib.contextmanager
def _open_fsspec(url: str, offset: int) -> Iterator[Stream]:
    from ._fsspec import open_fsspec

    with open_fsspec(url, offset) as stream:
        yield stream
