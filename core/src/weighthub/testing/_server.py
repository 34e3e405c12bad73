"""A real HTTP server on 127.0.0.1 serving bytes from memory, with Range support and faults.

It binds an ephemeral port and serves in a daemon thread. Tests inject faults per path (error
statuses, dropped connections, corrupted bytes, slow bodies, ignored ``Range`` headers) and read
the requests it received. Routes (:meth:`LoopbackServer.route`) answer computed paths, such as
the Hub API of :class:`~weighthub.testing.HubServer`, through the same ``Range`` and fault
machinery; their bodies may be files, sent with ``sendfile`` when no fault applies.
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TypeAlias

__all__ = ["Answer", "Body", "Fault", "LoopbackServer", "Request", "Route", "running_server"]

Body: TypeAlias = "bytes | Path"
"""An answer's body: bytes, or a file read when it is sent."""

_ORDER = itertools.count()  # orders the requests of several servers (one test's Hub and CDN)
_CHUNK = 64 * 1024


@dataclass
class Fault:
    """What to do to the next request(s) of a path.

    Attributes:
        kind: ``"status"`` (answer ``status``), ``"drop"`` (close the connection after ``after``
            bytes), ``"corrupt"`` (flip the first byte of the answer), ``"slow"`` (``delay``
            seconds between ``chunk``-byte writes), ``"ignore_range"`` (always answer 200 with the
            whole file), ``"ignore_if_range"`` (answer the range even when ``If-Range`` names
            another version, as a broken cache does), ``"length"`` (announce ``length`` as the
            Content-Length, or none when None, send the body (only ``after`` bytes of it when
            set), then ``extra`` more bytes, -1 for an endless stream, and close the connection),
            ``"pass"`` (answer normally: only ``then`` runs).
        headers: Extra response headers (e.g. Retry-After with ``"status"``); with another kind
            they replace the usual ones (e.g. ``{"Accept-Ranges": "none"}``).
        times: How many requests it applies to; -1 for all of them.
        method: Only requests with this method (``"HEAD"``, ``"GET"`` ...); None for any.
        then: Called once the answer's bytes are chosen, before they are sent (e.g.
            ``lambda: server.replace(path, new)``: this answer is of the old file, every later one
            of the new, as a file changed on a server between two requests of one download).
    """

    kind: str
    status: int = 500
    after: int = 0
    delay: float = 0.0
    chunk: int = 64 * 1024
    times: int = 1
    length: int | None = None
    extra: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    method: str | None = None
    then: Callable[[], object] | None = None


@dataclass
class Request:
    """One request a :class:`LoopbackServer` received.

    Attributes:
        method: ``GET``, ``HEAD`` or ``POST``.
        path: The path, percent-decoded, without the query.
        query: The raw query string (``""`` when there is none).
        headers: The request headers as sent (use :meth:`header` to ignore their case).
        origin: ``http://host:port`` of the server that received it.
        body: The request body (a ``POST``'s form).
        status: The status the server answered, once it has answered.
        order: Increases across every server of the process, to merge their logs.
    """

    method: str
    path: str
    query: str
    headers: dict[str, str]
    origin: str
    body: bytes = b""
    status: int | None = None
    order: int = field(default_factory=lambda: next(_ORDER))

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (any case), or None."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)

    @property
    def range(self) -> str | None:
        """The ``Range`` header, or None for a request of the whole body."""
        return self.header("Range")

    @property
    def authorization(self) -> str | None:
        """The ``Authorization`` header (``"Bearer hf_..."``), or None when none was sent."""
        return self.header("Authorization")

    def __str__(self) -> str:
        shown = f"{self.method} {self.origin}{self.path}" + (f"?{self.query}" if self.query else "")
        extras = [f"Range: {self.range}"] * bool(self.range)
        extras += ["Authorization"] * bool(self.authorization)
        return f"{shown} -> {self.status}" + (f" ({', '.join(extras)})" if extras else "")


@dataclass
class Answer:
    """What a route answers.

    Attributes:
        status: The status when the whole body is sent.
        headers: Response headers; ``Content-Length`` is added.
        body: The body (not sent to ``HEAD`` requests).
        ranged: The body is a file: ``Range`` (206, 416) and ``If-Range`` (against the ``ETag``
            of ``headers``) are honoured and ``Accept-Ranges: bytes`` is added.
    """

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: Body = b""
    ranged: bool = False


Route: TypeAlias = Callable[[Request], Answer]
"""Answers the requests whose path starts with the route's prefix."""


def _size(body: Body) -> int:
    return body.stat().st_size if isinstance(body, Path) else len(body)


def _pieces(body: Body, start: int, end: int, chunk: int) -> Iterator[bytes]:
    """The bytes ``start..end`` (inclusive) of ``body``, ``chunk`` bytes at a time."""
    if isinstance(body, bytes):
        for i in range(start, end + 1, chunk):
            yield body[i : min(i + chunk, end + 1)]
        return
    with body.open("rb") as f:
        f.seek(start)
        left = end + 1 - start
        while left > 0 and (piece := f.read(min(chunk, left))):
            left -= len(piece)
            yield piece


def _read(body: Body, start: int, end: int) -> bytes:
    return b"".join(_pieces(body, start, end, _CHUNK))


def _byte_range(spec: str, size: int) -> tuple[int, int] | None:
    """``(start, end)`` of a ``bytes=a-b``, ``bytes=a-`` or ``bytes=-n`` spec; None if malformed."""
    first, _, last = spec.removeprefix("bytes=").partition("-")
    try:
        if not first:
            return max(size - int(last), 0), size - 1
        return int(first), min(int(last), size - 1) if last else size - 1
    except ValueError:
        return None


class _Handler(BaseHTTPRequestHandler):
    server: LoopbackServer
    protocol_version = "HTTP/1.1"
    _request: Request | None = None

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_response(self, code: int, message: str | None = None) -> None:
        if self._request is not None:
            self._request.status = code
        super().send_response(code, message)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_POST(self) -> None:
        self._serve(head=False)

    def _serve(self, *, head: bool) -> None:
        srv = self.server
        raw_path, _, query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            self.command, urllib.parse.unquote(raw_path), query, dict(self.headers), srv.base, body
        )
        self._request = request
        fault = srv.record(request)
        if fault is not None and fault.kind == "status":
            _then(fault)
            self._plain(fault.status, f"fault {fault.status}".encode(), fault.headers)
            return
        answer = srv.answer(request)
        _then(fault)  # this answer keeps the bytes it was given; the next ones see the change
        status, headers = answer.status, dict(answer.headers)
        start, end = 0, _size(answer.body) - 1
        if answer.ranged:
            headers.setdefault("Accept-Ranges", "bytes")
            if_range = request.header("If-Range")
            honoured = if_range is None or if_range == headers.get("ETag")
            honoured = honoured or (fault is not None and fault.kind == "ignore_if_range")
            rng = request.range
            if rng and rng.startswith("bytes=") and honoured and not _ignores_range(fault):
                size = end + 1
                span = _byte_range(rng, size)
                if span is None or span[0] >= size:
                    unsatisfiable = {"Content-Range": f"bytes */{size}"}
                    self._plain(416, b"range not satisfiable", unsatisfiable)
                    return
                start, end = span
                status = 206
                headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        if fault is not None and fault.kind == "length":
            self.send_response(status)
            for key in ("Content-Range", "ETag"):
                if key in headers:
                    self.send_header(key, headers[key])
            self._serve_lying_length(_read(answer.body, start, end), fault, head)
            return
        headers["Content-Length"] = str(end + 1 - start)
        headers.update(fault.headers if fault is not None else {})
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self._send_body(answer.body, start, end, fault)

    def _send_body(self, body: Body, start: int, end: int, fault: Fault | None) -> None:
        try:
            if fault is None and isinstance(body, Path):
                self.wfile.flush()
                with body.open("rb") as f:
                    self.connection.sendfile(f, start, end + 1 - start)
                return
            if fault is not None and fault.kind == "drop":
                self.wfile.write(_read(body, start, min(end, start + fault.after - 1)))
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            slow = fault is not None and fault.kind == "slow"
            chunk = fault.chunk if fault is not None and slow else _CHUNK
            for i, piece in enumerate(_pieces(body, start, end, chunk)):
                if i == 0 and fault is not None and fault.kind == "corrupt" and piece:
                    piece = bytes([piece[0] ^ 0xFF]) + piece[1:]  # the first byte this answer sends
                self.wfile.write(piece)
                if slow and fault is not None:
                    self.wfile.flush()
                    time.sleep(fault.delay)
        except OSError:
            self.close_connection = True

    def _serve_lying_length(self, body: bytes, fault: Fault, head: bool) -> None:
        if fault.length is not None:
            self.send_header("Content-Length", str(fault.length))
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if head:
            return
        try:
            self.wfile.write(body[: fault.after] if fault.after else body)
            sent = 0
            junk = b"\0" * (64 * 1024)
            while fault.extra < 0 or sent < fault.extra:
                piece = junk if fault.extra < 0 else junk[: fault.extra - sent]
                self.wfile.write(piece)
                sent += len(piece)
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _plain(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _then(fault: Fault | None) -> None:
    if fault is not None and fault.then is not None:
        fault.then()


def _ignores_range(fault: Fault | None) -> bool:
    return fault is not None and fault.kind == "ignore_range"


class LoopbackServer(ThreadingHTTPServer):
    """Serves ``files`` (path -> bytes) on 127.0.0.1, counting requests and applying faults.

    Args:
        host: The address to bind and to name in URLs (``"localhost"`` or ``"127.0.0.2"`` give
            another origin than a server on ``127.0.0.1``).
    """

    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__((host, 0), _Handler)
        self.host = host
        self.files: dict[str, bytes] = {}
        self.etags: dict[str, str] = {}
        self.faults: dict[str, list[Fault]] = {}
        self.requests: list[Request] = []
        self.routes: dict[str, Route] = {}
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True)

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # broken pipes from killed clients are expected

    def start(self) -> LoopbackServer:
        """Serve in a daemon thread; return the server itself."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.shutdown()
        self.server_close()

    @property
    def base(self) -> str:
        """``http://127.0.0.1:<port>``, without a trailing slash."""
        port = self.server_address[1]
        return f"http://{self.host}:{port}"

    def add(self, path: str, data: bytes) -> str:
        """Serve ``data`` at ``path``; return its URL."""
        self.files[path] = data
        return self.base + path

    def replace(self, path: str, data: bytes) -> None:
        """Serve new bytes at ``path`` under a new ``ETag``, as a file changed on a server."""
        with self._lock:
            self.files[path] = data
            old = self.etags.get(path, "v1")
            self.etags[path] = f"{old}+"

    def route(self, prefix: str, route: Route) -> None:
        """Answer every request whose path starts with ``prefix`` with ``route``.

        The longest matching prefix wins; faults and the request log apply as for ``files``.
        """
        self.routes[prefix] = route

    def answer(self, request: Request) -> Answer:
        """What the server answers ``request`` (faults aside): its route's answer, or its file."""
        prefixes = [p for p in self.routes if request.path.startswith(p)]
        if prefixes:
            return self.routes[max(prefixes, key=len)](request)
        data = self.files.get(request.path)
        if data is None:
            return Answer(404, body=b"not found")
        etag = f'"{self.etags.get(request.path, "v1")}"'
        headers = {"ETag": etag, "Content-Type": "application/octet-stream"}
        return Answer(200, headers, data, ranged=True)

    def fault(self, path: str, fault: Fault) -> None:
        """Queue a fault for the next request(s) of ``path``."""
        with self._lock:
            self.faults.setdefault(path, []).append(fault)

    def record(self, request: Request) -> Fault | None:
        """Log a request; return the fault to apply to it, if one is queued."""
        with self._lock:
            self.requests.append(request)
            queue = self.faults.get(request.path, [])
            index = next(
                (i for i, f in enumerate(queue) if f.method in (None, request.method)), None
            )
            if index is None:
                return None
            fault = queue[index]
            if fault.times > 0:
                fault.times -= 1
                if fault.times == 0:
                    queue.pop(index)
            return fault

    def count(self, path: str | None = None, method: str = "GET") -> int:
        """How many ``method`` requests the server received (for ``path``, or for every path)."""
        with self._lock:
            return sum(1 for r in self.requests if r.method == method and path in (None, r.path))

    def ranges_of(self, path: str) -> list[str | None]:
        """The Range header of every GET of ``path``, in order (None for a whole-file GET)."""
        with self._lock:
            return [r.range for r in self.requests if r.path == path and r.method == "GET"]

    def headers_of(self, path: str) -> list[dict[str, str]]:
        """The headers of every GET request of ``path``, oldest first."""
        with self._lock:
            return [r.headers for r in self.requests if r.path == path and r.method == "GET"]


@contextlib.contextmanager
def running_server(host: str = "127.0.0.1") -> Iterator[LoopbackServer]:
    """Start a :class:`LoopbackServer` (on ``host``); stop it when the block ends."""
    server = LoopbackServer(host).start()
    try:
        yield server
    finally:
        server.stop()
