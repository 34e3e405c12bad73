"""A file server for the download benchmarks, run in its own process (never sharing a GIL).

Usage::

    python benchmarks/_bench_server.py DIR [--throttle-mb 8]

Serves the files of DIR on 127.0.0.1 (an ephemeral port, printed on the first line of stdout)
with ``Range`` support. Unthrottled bodies go out with ``socket.sendfile`` (zero copy), so the
client is what is measured; ``--throttle-mb`` holds each connection to that many MB/s, as a long
distance link holds each TCP stream.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    root: Path
    throttle: float  # bytes per second per connection; 0 = unthrottled

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, *, head: bool) -> None:
        path = self.root / self.path.lstrip("/").split("?", 1)[0]
        if not path.is_file():
            self.send_error(404)
            return
        size = path.stat().st_size
        start, end = 0, size - 1
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes="):
            first, _, last = rng[6:].partition("-")
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
            if start >= size:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        else:
            self.send_response(200)
        count = end - start + 1
        self.send_header("Content-Length", str(count))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        if head:
            return
        self.wfile.flush()
        try:
            with path.open("rb") as f:
                if not self.throttle:
                    self.connection.sendfile(f, start, count)
                    return
                self._send_throttled(f, start, count)
        except OSError:
            self.close_connection = True

    def _send_throttled(self, f: object, start: int, count: int) -> None:
        piece = 64 * 1024
        began = time.monotonic()
        sent = 0
        while sent < count:
            n = min(piece, count - sent)
            done = self.connection.sendfile(f, start + sent, n)  # type: ignore[arg-type]
            if not done:
                return
            sent += done
            ahead = sent / self.throttle - (time.monotonic() - began)
            if ahead > 0:
                time.sleep(ahead)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--throttle-mb", type=float, default=0.0, help="MB/s per connection")
    opts = parser.parse_args()
    handler = type("Handler", (_Handler,), {"root": opts.root, "throttle": opts.throttle_mb * 1e6})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        sys.stdout.flush()
        os._exit(0)


if __name__ == "__main__":
    main()
