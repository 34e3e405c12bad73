"""A TCP proxy on loopback that can cut a response after N bytes: a real interrupted transfer.

It forwards every connection to ``upstream`` and records each request's first line and ``Range``
header. ``cut(path_part, after, times)`` makes the next ``times`` responses to a GET whose request
line contains ``path_part`` stop after ``after`` bytes with a TCP reset, as a dying link does.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Cut:
    path_part: str
    after: int
    times: int
    skip: int
    then: Callable[[], object] | None = None


@dataclass
class TcpProxy:
    upstream: tuple[str, int]
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    cuts: list[_Cut] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cut(
        self,
        path_part: str,
        after: int,
        times: int = 1,
        skip: int = 0,
        then: Callable[[], object] | None = None,
    ) -> None:
        """Cut the GETs of ``path_part`` after ``after`` bytes, ``times`` times, after ``skip``.

        ``then`` runs when a cut is decided, before its request goes upstream (e.g. to change the
        object between two requests of one download).
        """
        with self._lock:
            self.cuts.append(_Cut(path_part, after, times, skip, then))

    def gets(self, path_part: str) -> list[str | None]:
        """The Range headers of the GETs whose request line contains ``path_part``."""
        with self._lock:
            return [
                rng for line, rng in self.requests if line.startswith("GET ") and path_part in line
            ]

    def close(self) -> None:
        self._stop = True
        with contextlib.suppress(OSError):
            self._listener.close()

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(self.upstream)
        except OSError:
            client.close()
            return
        # "sent": response bytes so far on this connection; "cut_at": where to cut, if anywhere.
        state: dict[str, int | None] = {"sent": 0, "cut_at": None}
        threading.Thread(target=self._requests, args=(client, server, state), daemon=True).start()
        try:
            while data := server.recv(65536):
                sent, cut_at = int(state["sent"] or 0), state["cut_at"]
                if cut_at is not None and sent + len(data) >= cut_at:
                    client.sendall(data[: max(0, cut_at - sent)])
                    _reset(client)
                    _reset(server)
                    return
                client.sendall(data)
                state["sent"] = sent + len(data)
        except OSError:
            pass
        finally:
            for sock in (client, server):
                with contextlib.suppress(OSError):
                    sock.close()

    def _requests(
        self, client: socket.socket, server: socket.socket, state: dict[str, int | None]
    ) -> None:
        try:
            while data := client.recv(65536):
                head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1", errors="replace")
                first, *headers = head.split("\r\n")
                if first.split(" ", 1)[0] in ("GET", "PUT", "HEAD", "POST", "DELETE"):
                    rng = next(
                        (
                            h.split(":", 1)[1].strip()
                            for h in headers
                            if h.lower().startswith("range:")
                        ),
                        None,
                    )
                    with self._lock:
                        self.requests.append((first, rng))
                        for cut in self.cuts:
                            if cut.times and first.startswith("GET ") and cut.path_part in first:
                                if cut.skip:
                                    cut.skip -= 1
                                    break
                                cut.times -= 1
                                state["cut_at"] = int(state["sent"] or 0) + cut.after
                                if cut.then is not None:
                                    cut.then()
                                break
                server.sendall(data)
        except OSError:
            pass


def _reset(sock: socket.socket) -> None:
    # shutdown() acts at once even while the other pump thread is blocked in recv() on this socket
    # (close() alone would wait for that call to return).
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
