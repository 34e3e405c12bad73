"""A real HTTP server on 127.0.0.1 serving bytes from memory, with Range support and faults.

It binds an ephemeral port and serves in a daemon thread. Tests inject faults per path (error
statuses, dropped connections, corrupted bytes, slow bodies, ignored ``Range`` headers) and count
the requests it received.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["Fault", "LoopbackServer", "running_server"]


@dataclass
class Fault:
    """What to do to the next request(s) of a path.

    kind: "status" (answer ``status``), "drop" (close the connection after ``after`` bytes),
    "corrupt" (flip the first byte of the answer), "slow" (``delay`` seconds between
    ``chunk``-byte writes),
    "ignore_range" (always answer 200 with the whole file), "length" (announce ``length`` as the
    Content-Length, or none when None, send the body (only ``after`` bytes of it when set), then
    ``extra`` more bytes, -1 for an endless stream, and close the connection).
    headers: extra response headers (e.g. Retry-After with "status"); with another kind they
    replace the usual ones (e.g. ``{"Accept-Ranges": "none"}``).
    times: how many requests it applies to; -1 for all of them.
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


class _Handler(BaseHTTPRequestHandler):
    server: LoopbackServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, *, head: bool) -> None:
        srv = self.server
        path = urllib.parse.unquote(self.path.split("?", 1)[0])
        fault = srv.record(self.command, path, dict(self.headers))
        data = srv.files.get(path)
        if fault is not None and fault.kind == "status":
            self._plain(fault.status, f"fault {fault.status}".encode(), fault.headers)
            return
        if data is None:
            self._plain(404, b"not found")
            return
        start, end = 0, len(data) - 1
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes=") and not (fault and fault.kind == "ignore_range"):
            first, _, last = rng[6:].partition("-")
            start = int(first)
            end = min(int(last), len(data) - 1) if last else len(data) - 1
            if start >= len(data):
                unsatisfiable = {"Content-Range": f"bytes */{len(data)}"}
                self._plain(416, b"range not satisfiable", unsatisfiable)
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("ETag", f'"{srv.etags.get(path, "v1")}"')
        body = data[start : end + 1]
        if fault is not None and fault.kind == "corrupt" and body:
            body = bytes([body[0] ^ 0xFF]) + body[1:]  # the first byte this answer sends
        if fault is not None and fault.kind == "length":
            self._serve_lying_length(body, fault, head=head)
            return
        headers = {
            "Content-Length": str(len(body)),
            "Content-Type": "application/octet-stream",
            "Accept-Ranges": "bytes",
        }
        headers.update(fault.headers if fault is not None else {})
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if head:
            return
        try:
            if fault is not None and fault.kind == "drop":
                self.wfile.write(body[: fault.after])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if fault is not None and fault.kind == "slow":
                for i in range(0, len(body), fault.chunk):
                    self.wfile.write(body[i : i + fault.chunk])
                    self.wfile.flush()
                    time.sleep(fault.delay)
                return
            self.wfile.write(body)
        except OSError:
            self.close_connection = True

    def _serve_lying_length(self, body: bytes, fault: Fault, *, head: bool) -> None:
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


class LoopbackServer(ThreadingHTTPServer):
    """Serves ``files`` (path -> bytes) on 127.0.0.1, counting requests and applying faults."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.files: dict[str, bytes] = {}
        self.etags: dict[str, str] = {}
        self.faults: dict[str, list[Fault]] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
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
        return f"http://127.0.0.1:{port}"

    def add(self, path: str, data: bytes) -> str:
        """Serve ``data`` at ``path``; return its URL."""
        self.files[path] = data
        return self.base + path

    def fault(self, path: str, fault: Fault) -> None:
        """Queue a fault for the next request(s) of ``path``."""
        with self._lock:
            self.faults.setdefault(path, []).append(fault)

    def record(self, method: str, path: str, headers: dict[str, str]) -> Fault | None:
        """Log a request; return the fault to apply to it, if one is queued."""
        with self._lock:
            self.requests.append((method, path, headers))
            queue = self.faults.get(path)
            if not queue:
                return None
            fault = queue[0]
            if fault.times > 0:
                fault.times -= 1
                if fault.times == 0:
                    queue.pop(0)
            return fault

    def count(self, path: str | None = None, method: str = "GET") -> int:
        """How many ``method`` requests the server received (for ``path``, or for every path)."""
        with self._lock:
            return sum(1 for m, p, _ in self.requests if m == method and path in (None, p))

    def ranges_of(self, path: str) -> list[str | None]:
        """The Range header of every GET of ``path``, in order (None for a whole-file GET)."""
        return [h.get("Range") for h in self.headers_of(path)]

    def headers_of(self, path: str) -> list[dict[str, str]]:
        """The headers of every GET request of ``path``, oldest first."""
        with self._lock:
            return [h for m, p, h in self.requests if p == path and m == "GET"]


@contextlib.contextmanager
def running_server() -> Iterator[LoopbackServer]:
    """Start a :class:`LoopbackServer`; stop it when the block ends."""
    server = LoopbackServer().start()
    try:
        yield server
    finally:
        server.stop()
