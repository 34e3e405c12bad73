"""Benchmark: one file over loopback with weighthub, torch.hub and curl, in the same run.

Usage::

    .venv/bin/python benchmarks/bench_download.py [--size-mb 346] [--repeat 3]
        [--throttle-mb 8 --throttled-size-mb 48 | --no-throttle | --only-throttled]

Two tables: unthrottled, then with the server holding each connection to ``--throttle-mb`` MB/s
(as a long-distance link holds each TCP stream), where several connections pay off.

A random file is served by ``benchmarks/_bench_server.py`` in its own process (``sendfile``, Range
support). Each client runs in a fresh process, interleaved over the repeats, writing to the same
folder:

- ``weighthub fetch``: sha256 declared (computed while streaming), fstat check, fsync, rename,
  record; with one connection (``WEIGHTHUB_CONNECTIONS=1``), with the real defaults (no
  ``WEIGHTHUB_*`` variable set: one stream that hands over to 8 connections when it runs below
  ``WEIGHTHUB_PARALLEL_BELOW``, 200 MB/s, for files of at least ``WEIGHTHUB_PARALLEL_MIN``, 8 MiB),
  and tuned: 8 connections from the start (``WEIGHTHUB_PARALLEL_BELOW=inf``).
- ``torch.hub.download_url_to_file`` with an 8-hex hash prefix (sha256 while streaming, no fsync).
- ``curl -o file`` (no hash, no fsync): the floor.
- ``sha256 alone``: hashing the same number of bytes in memory on one core, the floor of any
  client that checks a full sha256 (on a 2-core machine also running the server, it cannot
  overlap the transfer for free).

Python clients time the download inside the process (after imports); curl is timed as a process.
Before each run (untimed) the previous outputs are deleted and ``os.sync()`` writes back what the
previous client left dirty, so every client starts on a clean disk.
Printed: median MB/s, the time ratio to curl and to one weighthub connection, and each Python
client's peak RSS (``VmHWM``; the torch row includes ``import torch``) and how much the download
added to it (curl's own peak is not measurable this way).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_WEIGHTHUB = """
import json, sys, time, warnings
from weighthub import fetch
def hwm():
    text = open("/proc/self/status").read()
    return int(text.split("VmHWM:")[1].split()[0])
url, folder, digest = sys.argv[1:4]
before = hwm()
t0 = time.perf_counter()
fetch(url, model_dir=folder, sha256=digest, progress=False)
seconds = time.perf_counter() - t0
peak = hwm()
print(json.dumps({"seconds": seconds, "before_kib": before, "peak_kib": peak}))
"""

# The floor of any client that checks a full sha256: hashing the bytes alone, in memory, one core.
_SHA256_ALONE = """
import hashlib, json, os, sys, time
size, block = int(sys.argv[1]), bytearray(os.urandom(1 << 20))
sha, left = hashlib.sha256(), size
t0 = time.perf_counter()
while left > 0:
    sha.update(memoryview(block)[: min(left, len(block))])
    left -= len(block)
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "before_kib": 0, "peak_kib": 0}))
"""

_TORCH_HUB = """
import json, sys, time
import torch.hub
def hwm():
    text = open("/proc/self/status").read()
    return int(text.split("VmHWM:")[1].split()[0])
url, dst, prefix = sys.argv[1:4]
before = hwm()
t0 = time.perf_counter()
torch.hub.download_url_to_file(url, dst, hash_prefix=prefix, progress=False)
seconds = time.perf_counter() - t0
peak = hwm()
print(json.dumps({"seconds": seconds, "before_kib": before, "peak_kib": peak}))
"""


def _run_python(code: str, *args: str, **settings: str) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEIGHTHUB_")}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1"
    env.update(settings)
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _run_curl(url: str, dst: Path) -> dict[str, float]:
    t0 = time.perf_counter()
    subprocess.run(["curl", "-sS", "--noproxy", "*", "-o", str(dst), url], check=True)
    # The kernel's ru_maxrss of a child includes the forked parent's pages: not curl's own.
    return {"seconds": time.perf_counter() - t0, "before_kib": 0, "peak_kib": 0}


def _start_server(root: Path, throttle_mb: float) -> tuple[subprocess.Popen[str], int]:
    server = Path(__file__).with_name("_bench_server.py")
    args = [sys.executable, str(server), str(root), "--throttle-mb", str(throttle_mb)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    return proc, int(proc.stdout.readline())


def _write_random(file: Path, size: int) -> str:
    hasher = hashlib.sha256()
    with file.open("wb") as f:  # in pieces: children must not inherit a big RSS
        for offset in range(0, size, 1 << 24):
            piece = os.urandom(min(1 << 24, size - offset))
            hasher.update(piece)
            f.write(piece)
    return hasher.hexdigest()


def _table(root: Path, size: int, repeat: int, throttle_mb: float) -> None:
    served, out = root / "srv", root / "out"
    shutil.rmtree(served, ignore_errors=True)
    served.mkdir()
    out.mkdir(exist_ok=True)
    digest = _write_random(served / "model.pth", size)
    server, port = _start_server(served, throttle_mb)
    url = f"http://127.0.0.1:{port}/model.pth"

    def ours(**settings: str) -> dict[str, float]:
        # Every WEIGHTHUB_* variable of the environment is dropped: a row sets only its own.
        return _run_python(_WEIGHTHUB, url, str(out / "wh"), digest, **settings)

    def hub() -> dict[str, float]:
        return _run_python(_TORCH_HUB, url, str(out / "hub.pth"), digest[:8])

    def curl() -> dict[str, float]:
        return _run_curl(url, out / "curl.pth")

    cases = {
        "weighthub fetch, 1 connection (sha256, fsync)": lambda: ours(WEIGHTHUB_CONNECTIONS="1"),
        "weighthub fetch, defaults (no setting)": ours,
        "tuned: 8 connections at once (BELOW=inf)": lambda: ours(
            WEIGHTHUB_PARALLEL_BELOW="inf", WEIGHTHUB_PARALLEL_MIN="1000000"
        ),
        "torch.hub.download_url_to_file (hash prefix)": hub,
        "curl -o file": curl,
        "sha256 alone (hashlib, in memory; no network)": lambda: _run_python(
            _SHA256_ALONE, str(size)
        ),
    }
    results: dict[str, list[dict[str, float]]] = {label: [] for label in cases}
    try:
        for _ in range(repeat):
            for label, run in cases.items():
                # Every client starts on a clean disk: the previous outputs are deleted and synced
                # first. Otherwise a client that syncs its own file (weighthub does, before the
                # rename) waits behind the write-back of the others' pages, and behind the discard
                # of the deleted files' blocks that ext4 (mounted -o discard) does at commit.
                shutil.rmtree(out, ignore_errors=True)
                out.mkdir()
                os.sync()
                results[label].append(run())
    finally:
        server.terminate()
        server.wait()

    curl_time = statistics.median(r["seconds"] for r in results["curl -o file"])
    one = statistics.median(r["seconds"] for r in results[next(iter(cases))])
    link = f"throttled to {throttle_mb:g} MB/s per connection" if throttle_mb else "unthrottled"
    print(f"\nfile: {size / 1e6:.0f} MB over loopback, {link}, median of {repeat}\n")
    head = f"{'client':<48} {'MB/s':>6} {'time':>7} {'÷ curl':>7} {'vs 1 conn':>9}"
    print(f"{head} {'peak RSS':>9} {'added':>7}")
    for label, runs in results.items():
        seconds = statistics.median(r["seconds"] for r in runs)
        peak = max(r["peak_kib"] for r in runs) / 1024
        added = max(r["peak_kib"] - r["before_kib"] for r in runs) / 1024
        added_text = f"{added:.0f} MiB" if runs[0]["before_kib"] else "-"
        peak_text = f"{peak:.0f} MiB" if peak else "-"
        rate, ratio, speedup = size / seconds / 1e6, seconds / curl_time, one / seconds
        print(
            f"{label:<48} {rate:>6.0f} {seconds:>6.2f}s {ratio:>6.2f}x {speedup:>8.2f}x"
            f" {peak_text:>9} {added_text:>7}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=346)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--throttle-mb", type=float, default=8.0)
    parser.add_argument("--throttled-size-mb", type=int, default=48)
    tables = parser.add_mutually_exclusive_group()
    tables.add_argument("--no-throttle", action="store_true", help="only the unthrottled table")
    tables.add_argument("--only-throttled", action="store_true", help="only the throttled table")
    opts = parser.parse_args()
    if shutil.which("curl") is None:
        sys.exit("curl is needed: apt-get install -y curl")
    root = Path(tempfile.mkdtemp(prefix="whdl-"))
    try:
        if not opts.only_throttled:
            _table(root, opts.size_mb * 10**6, opts.repeat, 0.0)
        if not opts.no_throttle:
            _table(root, opts.throttled_size_mb * 10**6, opts.repeat, opts.throttle_mb)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
