"""Where a checkpoint URL points: a local file, a file inside a Python package, HTTP, or fsspec.

``resolve_source`` classifies a URL. Local files (plain paths, ``file://``) and ``pkg://`` files
that exist on disk are used in place; HTTP(S) and fsspec URLs (and package resources that live in a
zip) are streamed into the cache by :mod:`._download` through the ``open_stream`` of their source.
"""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import importlib.resources
import os
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from .._errors import InvalidFileNameError, InvalidURLError, WeightsDownloadError
from ._config import env_number
from ._fsspec import open_fsspec
from ._layout import MAX_NAME_BYTES
from ._stream import RetryableError, Stream

__all__ = [
    "USER_AGENT",
    "Source",
    "cache_file_name",
    "check_http_url",
    "content_range_start",
    "content_range_total",
    "http_error_message",
    "network_failure",
    "retry_after_seconds",
    "resolve_source",
    "url_file_name",
]

USER_AGENT = "weighthub/0.1 (python-urllib)"
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


def http_error_message(url: str, code: int, reason: str) -> str:
    return f"Downloading {url} failed with HTTP {code} {reason}."


def retry_after_seconds(header: str | None, *, now: float | None = None) -> float | None:
    """Parse a ``Retry-After`` header: delay seconds or an HTTP date; None when absent or bad."""
    if not header:
        return None
    text = header.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _host_of(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts.netloc or url


def network_failure(url: str, exc: BaseException) -> Exception:
    """Classify a failure to open ``url``: permanent (raise at once) or retryable."""
    reason: BaseException = exc
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        reason = exc.reason
    host = urllib.parse.urlsplit(url).hostname or url
    if isinstance(reason, socket.gaierror):
        msg = (
            f"Downloading {url} failed: could not resolve {host} ({reason.strerror or reason}). "
            "Check the host name and the DNS set-up (or the proxy)."
        )
        return WeightsDownloadError(msg, url=url)
    if isinstance(reason, ssl.SSLCertVerificationError):
        msg = (
            f"Downloading {url} failed: the TLS certificate of {host} could not be verified "
            f"({reason.verify_message or reason}). Install the CA certificate (SSL_CERT_FILE) or "
            "use a mirror you trust."
        )
        return WeightsDownloadError(msg, url=url)
    if isinstance(reason, (http.client.InvalidURL, ValueError)) and not isinstance(reason, OSError):
        return InvalidURLError(f"Invalid URL {url!r}: {reason}", url=url)
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return RetryableError(f"{_host_of(url)} did not answer in time ({reason})")
    if isinstance(reason, ConnectionRefusedError):
        return RetryableError(f"could not connect to {_host_of(url)} (connection refused)")
    if isinstance(reason, ssl.SSLError):
        return RetryableError(f"the TLS connection to {_host_of(url)} failed ({reason})")
    return RetryableError(f"could not connect to {_host_of(url)} ({reason})")


@contextlib.contextmanager
def _open_http(url: str, offset: int) -> Iterator[Stream]:
    timeout = env_number("WEIGHTHUB_HTTP_TIMEOUT", 60.0)
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    request = urllib.request.Request(url, headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        exc.close()
        if offset and exc.code == 416:
            # Nothing at or after ``offset``: the file ends there (a Content-Length that was too
            # large), unless the server names another complete length (the file changed).
            complete = content_range_total(exc.headers.get("Content-Range"))
            if complete is None or complete == offset:
                yield Stream(body=_EMPTY_BODY, total=offset, start=offset)
                return
            with _open_http(url, 0) as stream:
                yield stream
            return
        message = http_error_message(url, exc.code, str(exc.reason))
        if exc.code >= 500 or exc.code in (408, 429):
            wait = None
            if exc.code in (429, 503):
                wait = retry_after_seconds(exc.headers.get("Retry-After"))
            raise RetryableError(message, retry_after=wait) from exc
        raise WeightsDownloadError(message, url=url, status=exc.code) from exc
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
        failure = network_failure(url, exc)
        raise failure from exc
    with response:
        length = response.headers.get("Content-Length")
        size = int(length) if length is not None and length.isdigit() else None
        if offset and response.status == 206:
            content_range = response.headers.get("Content-Range")
            start = content_range_start(content_range)
            if start == offset:
                total = content_range_total(content_range)
                if total is None and size is not None:
                    total = offset + size
                yield Stream(body=response, total=total, start=offset, **_validators(response))
                return
            msg = f"{url} answered a range request with a different range."
            raise RetryableError(msg)
        yield Stream(body=response, total=size, start=0, **_validators(response))


def _validators(response: Any) -> dict[str, Any]:
    ranges = response.headers.get("Accept-Ranges") or ""
    return {
        "etag": response.headers.get("ETag"),
        "last_modified": response.headers.get("Last-Modified"),
        "ranges": "bytes" in ranges.lower(),
    }


class _EmptyBody:
    def read(self, size: int = -1) -> bytes:
        return b""

    def readinto(self, buffer: Any) -> int:
        return 0


_EMPTY_BODY: Any = _EmptyBody()


def content_range_start(header: str | None) -> int | None:
    # "bytes 100-199/200"
    if not header or not header.startswith("bytes "):
        return None
    first = header[6:].split("-", 1)[0].strip()
    return int(first) if first.isdigit() else None


def content_range_total(header: str | None) -> int | None:
    # "bytes 100-199/200" or "bytes */200"
    if not header or "/" not in header:
        return None
    total = header.rsplit("/", 1)[1].strip()
    return int(total) if total.isdigit() else None


@contextlib.contextmanager
def _open_fsspec(url: str, offset: int) -> Iterator[Stream]:
    with open_fsspec(url, offset) as stream:
        yield stream
