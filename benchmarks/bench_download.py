"""Benchmark: loopback download throughput of weighthub's fetch vs torch.hub.download_url_to_file.

Usage::

    .venv/bin/python benchmarks/bench_download.py [--size-mb 346] [--repeat 3]

A random file is served by ``http.server`` on 127.0.0.1. weighthub hashes (sha256) while it
streams and fsyncs before renaming; torch.hub is measured without a hash and with a hash prefix.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import os
import shutil
import statistics
import tempfile
import threading
import time
import warnings
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=346)
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()

    import torch.hub

    from weighthub._fetch import fetch

    root = Path(tempfile.mkdtemp(prefix="whdl-"))
    served = root / "srv"
    served.mkdir()
    data = os.urandom(opts.size_mb * 10**6)
    digest = hashlib.sha256(data).hexdigest()
    (served / "model.pth").write_bytes(data)
    del data
    handler = functools.partial(_Quiet, directory=str(served))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/model.pth"
    size = opts.size_mb * 10**6

    def ours() -> None:
        out = root / "ours"
        shutil.rmtree(out, ignore_errors=True)
        fetch(url, model_dir=out, sha256=digest, progress=False)

    def hub(prefix: str | None) -> None:
        dst = root / "hub.pth"
        dst.unlink(missing_ok=True)
        torch.hub.download_url_to_file(url, str(dst), hash_prefix=prefix, progress=False)

    cases = {
        "weighthub fetch (sha256 while streaming, fsync)": ours,
        "torch.hub.download_url_to_file, no hash": lambda: hub(None),
        "torch.hub.download_url_to_file, hash prefix": lambda: hub(digest[:8]),
    }
    print(f"file: {size / 1e6:.0f} MB, loopback\n")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for label, fn in cases.items():
                times = []
                for _ in range(opts.repeat):
                    t0 = time.perf_counter()
                    fn()
                    times.append(time.perf_counter() - t0)
                best = statistics.median(times)
                print(f"{label:<50} {size / best / 1e6:>7.0f} MB/s  ({best:.2f} s median)")
    finally:
        server.shutdown()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
