"""weighthub's one HTTP client: every request of a download is opened by :func:`open_http`.

The single stream and its resumes (:mod:`._sources`), the range probe and the pieces of a
multi-connection download (:mod:`._parallel`) all go through here, so what they share is decided
once:

- the request: ``GET`` with ``User-Agent: weighthub/<version>`` (the installed distribution's
  version), ``Accept-Encoding: identity`` (the bytes on the wire are the file's), an optional byte
  range and the caller's own headers, with the timeout ``WEIGHTHUB_HTTP_TIMEOUT``;
- the answer, an :class:`HttpResponse`: its status, headers and final URL (after redirects), and a
  body that never reads past the bytes the caller allows and whose read failures are retryable;
- what a failure means (:func:`status_failure`, :func:`network_failure`): 408, 429, 5xx and lost,
  refused or timed-out connections are a :class:`~._stream.RetryableError`; other 4xx answers, an
  unknown host, an untrusted certificate and a malformed URL are permanent;
- how long a server asks to wait (:func:`wait_hint`), read on 429 and 503 (the answers that mean
  "come back later"): ``Retry-After`` (seconds or an HTTP date), else the IETF ``RateLimit`` field
  of an exhausted quota (``RateLimit: "default";r=0;t=87`` means 87 s), else ``RateLimit-Reset``.

The stdlib's ``urllib`` makes the connections (proxies from the environment, TLS, redirects); the
opener is built per request by :func:`_opener`, with the redirect policy: redirects are followed,
and ``Authorization`` is decided for each hop by the Hub's rule (the token of ``HF_TOKEN`` goes to
the ``HF_ENDPOINT`` origin only, never to the CDN a file redirects to).
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import http.client
import math
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from email.message import Message
from typing import Any

from .._errors import InvalidURLError, WeightsDownloadError
from ._config import env_number
from ._hub_env import hub_authorization
from ._stream import RetryableError, Version

__all__ = [
    "ContentRange",
    "HttpResponse",
    "network_failure",
    "open_http",
    "parse_content_range",
    "retry_after_seconds",
    "status_failure",
    "user_agent",
    "wait_hint",
]

_DEFAULT_TIMEOUT = 60.0
# The answers that mean "come back later": a server's wait is honoured on these.
_WAIT_STATUSES = frozenset({429, 503})


@functools.cache
def user_agent() -> str:
    """Return ``weighthub/<version>``, the version of the installed ``weighthub`` distribution."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"weighthub/{version('weighthub')}"
    except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
        return "weighthub/unknown"


# -- headers -----------------------------------------------------------------------------------


def _natural(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() else None


@dataclass(frozen=True)
class ContentRange:
    """A ``Content-Range: bytes <start>-<end>/<total>`` header; a ``*`` part is None."""

    start: int | None
    end: int | None
    total: int | None


def parse_content_range(header: str | None) -> ContentRange | None:
    """Parse ``bytes 100-199/200`` or ``bytes */200``; None when absent or malformed."""
    unit, _, rest = (header or "").strip().partition(" ")
    if unit.lower() != "bytes" or "/" not in rest:
        return None
    span, _, total_text = rest.partition("/")
    total = _natural(total_text)
    if span.strip() == "*":
        return ContentRange(None, None, total)
    first, _, last = span.partition("-")
    start, end = _natural(first), _natural(last)
    if start is None or end is None or end < start:
        return None
    return ContentRange(start, end, total)


def retry_after_seconds(header: str | None, *, now: float | None = None) -> float | None:
    """Parse a ``Retry-After`` header: delay seconds or an HTTP date; None when absent or bad."""
    text = (header or "").strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _seconds(text: str | None) -> float | None:
    """A non-negative, finite number of seconds, or None."""
    try:
        value = float((text or "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _parameters(member: str) -> dict[str, str]:
    params = {}
    for part in _split_outside_quotes(member, ";"):
        key, sep, value = part.partition("=")
        if sep:
            params[key.strip().lower()] = value.strip()
    return params


def _ratelimit_seconds(fields: list[str]) -> float | None:
    """The reset of an exhausted quota in ``RateLimit`` fields, or None when none is exhausted.

    The IETF form lists policies, ``"default";r=0;t=87`` (``r`` remaining, ``t`` seconds to the
    reset); its earlier drafts wrote ``limit=100, remaining=0, reset=87``. Several exhausted
    policies: the longest wait.
    """
    waits = []
    for field in fields:
        legacy: dict[str, str] = {}
        for member in _split_outside_quotes(field, ","):
            params = _parameters(member)
            if "r" in params or "t" in params:
                reset = _seconds(params.get("t"))
                if _seconds(params.get("r")) == 0 and reset is not None:
                    waits.append(reset)
            else:
                legacy.update(params)
        reset = _seconds(legacy.get("reset"))
        if _seconds(legacy.get("remaining")) == 0 and reset is not None:
            waits.append(reset)
    return max(waits) if waits else None


def wait_hint(headers: Message | None, *, now: float | None = None) -> float | None:
    """Return the seconds a server asks a client to wait before trying again, or None.

    ``Retry-After`` wins; else the reset of an exhausted ``RateLimit`` quota; else
    ``RateLimit-Reset`` (delta seconds) unless ``RateLimit-Remaining`` says requests are left.
    """
    if headers is None:
        return None
    asked = retry_after_seconds(headers.get("Retry-After"), now=now)
    if asked is not None:
        return asked
    asked = _ratelimit_seconds([str(value) for value in headers.get_all("RateLimit") or []])
    if asked is not None:
        return asked
    remaining = _seconds(headers.get("RateLimit-Remaining"))
    return _seconds(headers.get("RateLimit-Reset")) if remaining in (None, 0) else None


# -- failures ----------------------------------------------------------------------------------


def _host_of(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc or url


def status_failure(url: str, status: int, reason: str, headers: Message | None) -> Exception:
    """Return what an error status means: a :class:`RetryableError` (408, 429, 5xx) or permanent.

    On 429 and 503 the server's wait (:func:`wait_hint`) becomes the error's ``retry_after``.
    """
    message = f"Downloading {url} failed with HTTP {status} {reason}."
    if status >= 500 or status in (408, 429):
        wait = wait_hint(headers) if status in _WAIT_STATUSES else None
        return RetryableError(message, retry_after=wait)
    return WeightsDownloadError(message, url=url, status=status)


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


# -- requests ----------------------------------------------------------------------------------

# What reading a body raises when the connection is lost (a reset, a timeout, a short body).
_READ_FAILURES = (OSError, EOFError, http.client.HTTPException)


class HttpResponse:
    """An HTTP answer with a bounded body.

    Attributes:
        status: The status code.
        headers: The response headers (case-insensitive ``get``).
        url: The final URL, after redirects.
        limit: The most bytes the body yields (None: until the server ends it).
        received: The bytes the body has yielded so far.
    """

    def __init__(self, raw: Any, *, limit: int | None) -> None:
        self._raw = raw
        self.status: int = raw.status
        self.headers: Message = raw.headers
        self.url: str = raw.url
        self.limit = limit
        self.received = 0

    @property
    def content_range(self) -> ContentRange | None:
        """The parsed ``Content-Range`` header, if any."""
        return parse_content_range(self.headers.get("Content-Range"))

    @property
    def length(self) -> int | None:
        """The ``Content-Length`` of the body, if announced."""
        return _natural(self.headers.get("Content-Length"))

    @property
    def etag(self) -> str | None:
        """The ``ETag`` validator, if any."""
        return self.headers.get("ETag")

    @property
    def last_modified(self) -> str | None:
        """The ``Last-Modified`` validator, if any."""
        return self.headers.get("Last-Modified")

    @property
    def version(self) -> Version:
        """The file version this answer is of (its ``ETag`` and ``Last-Modified``)."""
        return Version(self.etag, self.last_modified)

    @property
    def accepts_ranges(self) -> bool:
        """Whether the server advertised byte ranges (``Accept-Ranges: bytes``)."""
        return "bytes" in (self.headers.get("Accept-Ranges") or "").lower()

    def _room(self, wanted: int) -> int:
        if self.limit is None:
            return wanted
        room = max(0, self.limit - self.received)
        return room if wanted < 0 else min(wanted, room)

    def _read_failure(self, exc: BaseException) -> RetryableError:
        return RetryableError(str(exc) or type(exc).__name__)

    def readinto(self, buffer: Any) -> int:
        """Read into ``buffer`` (never past ``limit``); return the count, 0 at the end.

        Raises:
            RetryableError: The connection was lost or timed out.
        """
        view = memoryview(buffer).cast("B")
        room = self._room(len(view))
        if room == 0:
            return 0
        try:
            count: int = self._raw.readinto(view[:room])
        except _READ_FAILURES as exc:
            raise self._read_failure(exc) from exc
        self.received += count
        return count

    def read(self, size: int = -1) -> bytes:
        """Read up to ``size`` bytes (all that is left with -1, never past ``limit``).

        Raises:
            RetryableError: The connection was lost or timed out.
        """
        size = self._room(size)
        if size == 0:
            return b""
        try:
            data: bytes = self._raw.read(size) if size > 0 else self._raw.read()
        except _READ_FAILURES as exc:
            raise self._read_failure(exc) from exc
        self.received += len(data)
        return data

    def close(self) -> None:
        """Close the connection."""
        self._raw.close()


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects (or none), deciding ``Authorization`` afresh for every hop.

    urllib copies a request's headers to the redirected request; this handler drops the
    ``Authorization`` header and adds back only what :func:`~._hub_env.hub_authorization` gives for
    the new URL, so a Hub token reaches the Hub's own origin (its same-origin redirects included)
    and never the CDN or any other host a redirect points to.
    """

    def __init__(self, *, follow: bool) -> None:
        self.follow = follow

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not self.follow:
            return None  # urllib then raises the 3xx as an HTTPError: the caller's answer
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.remove_header("Authorization")
            for name, value in hub_authorization(new.full_url).items():
                new.add_header(name, value)
        return new


def _opener(*, follow_redirects: bool = True) -> urllib.request.OpenerDirector:
    """The urllib opener of one request: proxies from the environment, TLS, redirects."""
    return urllib.request.build_opener(_Redirects(follow=follow_redirects))


@contextlib.contextmanager
def open_http(
    url: str,
    *,
    byte_range: tuple[int, int | None] | None = None,
    headers: Mapping[str, str] | None = None,
    limit: int | None = None,
    accept: Collection[int] = (),
    method: str = "GET",
    follow_redirects: bool = True,
    timeout: float | None = None,
) -> Iterator[HttpResponse]:
    """GET ``url``; yield the answer, closed when the block ends.

    Redirects are followed; a request to the Hub's origin (``HF_ENDPOINT``) carries the Hub token,
    and no other request does, redirected ones included (:class:`_Redirects`).

    Args:
        url: An ``http(s)`` URL, already checked (:func:`~._sources.check_http_url`).
        byte_range: The first and last byte to ask for (``Range``); last None: to the end.
        headers: More request headers (e.g. ``If-Range``); they win over weighthub's own.
        limit: The most bytes the body may yield; None for no bound.
        accept: Error statuses to yield as an answer instead of raising (416 for a resume; a
            3xx when redirects are not followed).
        method: ``"GET"``, or ``"HEAD"`` for the headers alone.
        follow_redirects: False answers a redirect itself (give its status in ``accept``).
        timeout: Seconds to wait for the server; ``WEIGHTHUB_HTTP_TIMEOUT`` (60) when None.

    Raises:
        RetryableError: A transient failure: 408, 429, 5xx, a lost, refused or timed-out
            connection (``retry_after`` holds the server's wait on 429 and 503).
        WeightsDownloadError: A permanent failure: another 4xx, an unknown host, TLS.
        InvalidURLError: The URL cannot be requested.
    """
    fields = {"User-Agent": user_agent(), "Accept-Encoding": "identity"}
    if byte_range is not None:
        first, last = byte_range
        fields["Range"] = f"bytes={first}-{'' if last is None else last}"
    fields.update(hub_authorization(url))
    fields.update(headers or {})
    if timeout is None:
        timeout = env_number("WEIGHTHUB_HTTP_TIMEOUT", _DEFAULT_TIMEOUT)
    request = urllib.request.Request(url, headers=fields, method=method)
    try:
        raw = _opener(follow_redirects=follow_redirects).open(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code not in accept:
            exc.close()
            raise status_failure(url, exc.code, str(exc.reason), exc.headers) from exc
        raw = exc
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
        raise network_failure(url, exc) from exc
    response = HttpResponse(raw, limit=limit)
    try:
        yield response
    finally:
        response.close()
