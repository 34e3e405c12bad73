"""sha256 on a worker thread, fed in order from a fixed pool of preallocated buffers."""

from __future__ import annotations

import hashlib
import queue
import threading
from typing import Any

__all__ = ["BUFFER_SIZE", "HashWorker"]

BUFFER_SIZE = 1 << 20
_BUFFERS = 8
_RESTART = object()


class HashWorker:
    """sha256 computed on a worker thread, fed in order with filled buffers from a fixed pool."""

    def __init__(self, buffers: int = _BUFFERS, size: int = BUFFER_SIZE) -> None:
        self._free: queue.SimpleQueue[bytearray] = queue.SimpleQueue()
        for _ in range(buffers):
            self._free.put(bytearray(size))
        self._todo: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._sha = hashlib.sha256()
        self._thread = threading.Thread(target=self._run, name="weighthub-sha256", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (item := self._todo.get()) is not None:
            if item is _RESTART:
                self._sha = hashlib.sha256()
                continue
            buffer, length = item
            self._sha.update(memoryview(buffer)[:length])
            self._free.put(buffer)

    def take(self) -> bytearray:
        """Return a free buffer (waits while all of them are being hashed)."""
        return self._free.get()

    def give_back(self, buffer: bytearray) -> None:
        """Return an unused buffer to the pool."""
        self._free.put(buffer)

    def feed(self, buffer: bytearray, length: int) -> None:
        """Hash the first ``length`` bytes of ``buffer``, then return it to the pool."""
        self._todo.put((buffer, length))

    def restart(self) -> None:
        """Forget what was hashed (the download starts again from byte 0)."""
        self._todo.put(_RESTART)

    def close(self) -> str:
        """Wait for the queued buffers and return the hex sha256."""
        self._todo.put(None)
        self._thread.join()
        return self._sha.hexdigest()
