"""Benchmark: the cost of ``WEIGHTHUB_VERIFY=always`` when loading a cached checkpoint.

Usage::

    .venv/bin/python benchmarks/bench_verify.py [--size-mb 346] [--repeat 5]

A checkpoint of about ``--size-mb`` MB (one float32 tensor, the size of vit_b_16's) is downloaded
once from ``benchmarks/_bench_server.py`` (its own process) into a fresh cache; then
``load_state_dict_from_url`` (memory-mapped, sha256 declared) is timed with the default
verification (one ``stat`` against the record) and with ``WEIGHTHUB_VERIFY=always`` (a full
re-hash on every load), the file being in the page cache both times. Also printed: a plain
``hashlib.sha256`` of the same file, the floor of the re-hash.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=346)
    parser.add_argument("--repeat", type=int, default=5)
    opts = parser.parse_args()

    import torch

    from weighthub import load_state_dict_from_url

    root = Path(tempfile.mkdtemp(prefix="whverify-"))
    served = root / "srv"
    served.mkdir()
    file = served / "model.pth"
    torch.save({"w": torch.randn(opts.size_mb * 10**6 // 4)}, file)
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    size = file.stat().st_size
    server_script = Path(__file__).with_name("_bench_server.py")
    server = subprocess.Popen(
        [sys.executable, str(server_script), str(served)], stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None
    url = f"http://127.0.0.1:{int(server.stdout.readline())}/model.pth"
    os.environ["NO_PROXY"] = "127.0.0.1"
    cache = root / "cache"

    def load() -> float:
        t0 = time.perf_counter()
        sd = load_state_dict_from_url(url, str(cache), sha256=digest, progress=False)
        seconds = time.perf_counter() - t0
        del sd
        return seconds

    def plain_hash() -> float:
        t0 = time.perf_counter()
        hasher = hashlib.sha256()
        with file.open("rb") as f:
            while chunk := f.read(1 << 20):
                hasher.update(chunk)
        return time.perf_counter() - t0

    try:
        load()  # the download
        rows: dict[str, list[float]] = {"record": [], "always": [], "hashlib": []}
        for _ in range(opts.repeat):
            os.environ.pop("WEIGHTHUB_VERIFY", None)
            rows["record"].append(load())
            os.environ["WEIGHTHUB_VERIFY"] = "always"
            rows["always"].append(load())
            rows["hashlib"].append(plain_hash())
    finally:
        os.environ.pop("WEIGHTHUB_VERIFY", None)
        server.terminate()
        server.wait()
        shutil.rmtree(root, ignore_errors=True)

    print(f"cached checkpoint: {size / 1e6:.0f} MB, median of {opts.repeat}, page cache warm\n")
    labels = {
        "record": "load, WEIGHTHUB_VERIFY=record (default)",
        "always": "load, WEIGHTHUB_VERIFY=always",
        "hashlib": "hashlib.sha256 of the file alone",
    }
    base = statistics.median(rows["record"])
    for key, label in labels.items():
        seconds = statistics.median(rows[key])
        print(f"{label:<42} {seconds * 1000:>8.1f} ms  (+{(seconds - base) * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
