"""A Hugging Face Hub on loopback for ``bench_hub.py``, run in its own process (its own GIL).

Usage::

    python benchmarks/_bench_hub_server.py FILE [--throttle-mb 40]

Serves FILE as ``bench/model`` ``model.safetensors`` (LFS: a 302 to the CDN, which sends it with
``sendfile``, or in 256 KiB pieces at ``--throttle-mb`` MB/s per connection). Prints
``{"endpoint": ..., "commit": ...}`` on its first line; then, for each line read on stdin, the
CDN's GETs of the file so far as a JSON list of ``[range, status]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from weighthub.testing import Fault, HubServer

REPO, NAME = "bench/model", "model.safetensors"
_PIECE = 256 * 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--throttle-mb", type=float, default=0.0)
    args = parser.parse_args()
    hub = HubServer().start()
    commit = hub.add_file(REPO, NAME, args.file)
    if args.throttle_mb:
        delay = _PIECE / (args.throttle_mb * 1e6)
        hub.fault(Fault("slow", delay=delay, chunk=_PIECE, times=-1), REPO, NAME, at="cdn")
    print(json.dumps({"endpoint": hub.endpoint, "commit": commit}), flush=True)
    path = hub.cdn_path(REPO, NAME)
    for _ in sys.stdin:
        gets = [
            [r.range, r.status] for r in hub.cdn.requests if r.path == path and r.method == "GET"
        ]
        print(json.dumps(gets), flush=True)
    hub.stop()


if __name__ == "__main__":
    main()
