"""weighthub vs huggingface_hub's ``hf_hub_download`` on one Hub file from a loopback Hub.

Usage::

    .venv/bin/python benchmarks/bench_hub.py --size-mb 300 [--throttle-mb 40] [--repeat 3]

The Hub (``_bench_hub_server.py``) runs in its own process and serves one random file as
``bench/model`` ``model.safetensors``; every client is a fresh child process with its own empty
``HF_HUB_CACHE`` (weighthub stores Hub files there too). For each client:

- **cold**: the time of the call that downloads the file (``weighthub.fetch(url)`` /
  ``hf_hub_download``), and the child's peak RSS;
- **killed at 50 %**: a download killed (``SIGKILL``) once half the file is on disk, then the same
  call in a new child; the bytes the CDN was asked for again (ranges of 206s, whole bodies of
  200s), and that call's time;
- **cached**: the call on a full cache, by branch (``main``: one ``HEAD``) and by commit (no
  request), median of ``--repeat`` children.

Each child imports its client (``from weighthub import fetch``, ``from huggingface_hub import
hf_hub_download``) before the clock starts.

weighthub runs with its defaults (one stream that goes over to 8 connections when it runs below
200 MB/s); ``--throttle-mb`` holds each CDN connection to that rate, as a distant CDN holds each
TCP stream.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
URL = "https://huggingface.co/bench/model/resolve/{revision}/model.safetensors"

_CHILD = f"""
import json, resource, sys, time
kind, revision = sys.argv[1], sys.argv[2]
if kind == "weighthub":
    from weighthub import fetch
    call = lambda: fetch({URL!r}.format(revision=revision), progress=False)
else:
    from huggingface_hub import hf_hub_download
    call = lambda: hf_hub_download("bench/model", "model.safetensors", revision=revision)
start = time.perf_counter()
path = call()
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"seconds": seconds, "rss": rss, "path": str(path)}}))
"""


class Hub:
    """The server process: its endpoint, commit and the CDN's log."""

    def __init__(self, file: Path, throttle: float) -> None:
        command = [sys.executable, str(HERE / "_bench_hub_server.py"), str(file)]
        if throttle:
            command += ["--throttle-mb", str(throttle)]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        first = json.loads(self.process.stdout.readline())
        self.endpoint, self.commit = first["endpoint"], first["commit"]

    def gets(self) -> list[tuple[str | None, int]]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("log\n")
        self.process.stdin.flush()
        return [tuple(g) for g in json.loads(self.process.stdout.readline())]  # type: ignore[misc]

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def _env(hub: Hub, cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "WEIGHTHUB_"))}
    env.update(
        HF_ENDPOINT=hub.endpoint,
        HF_HOME=str(cache / "hf-home"),
        HF_HUB_CACHE=str(cache / "hub"),
        HF_HUB_DISABLE_TELEMETRY="1",
        TORCH_HOME=str(cache / "torch"),
        NO_PROXY="127.0.0.1,localhost",
    )
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env.pop(name, None)
    return env


def _start(kind: str, revision: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD, kind, revision],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _result(child: subprocess.Popen[str]) -> dict[str, float]:
    out, err = child.communicate(timeout=1800)
    if child.returncode != 0:
        raise SystemExit(f"a client failed:\n{err}")
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _on_disk(cache: Path) -> int:
    """Bytes of the file's partial downloads (weighthub's pieces journal, or the partial files)."""
    blobs = cache / "hub" / "models--bench--model" / "blobs"
    journal = next(blobs.glob("*.pieces.json"), None) if blobs.is_dir() else None
    if journal is not None:
        try:
            return sum(b - a for a, b in json.loads(journal.read_text())["done"])
        except (OSError, ValueError, KeyError):
            return 0
    partials = [*blobs.glob("*.partial"), *blobs.glob("*.incomplete")] if blobs.is_dir() else []
    return max((p.stat().st_size for p in partials if p.exists()), default=0)


def _asked_bytes(gets: list[tuple[str | None, int]], size: int) -> int:
    total = 0
    for asked, status in gets:
        if status == 200:
            total += size
        elif status == 206 and asked:
            first, _, last = asked.removeprefix("bytes=").partition("-")
            total += (int(last) if last else size - 1) - int(first) + 1
    return total


def _killed_and_resumed(kind: str, hub: Hub, root: Path, size: int) -> tuple[int, float]:
    cache = Path(tempfile.mkdtemp(dir=root))
    env = _env(hub, cache)
    child = _start(kind, "main", env)
    while _on_disk(cache) < size // 2:
        if child.poll() is not None:
            raise SystemExit(f"{kind} finished before half the file was on disk")
        time.sleep(0.01)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    time.sleep(1.0)  # the killed client's requests leave the server
    mark = len(hub.gets())
    resumed = _result(_start(kind, "main", env))
    return _asked_bytes(hub.gets()[mark:], size), resumed["seconds"]


def _mb(n: float) -> str:
    return f"{n / 1e6:.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=300)
    parser.add_argument("--throttle-mb", type=float, default=0.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None, help="scratch folder (default: /tmp)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-hub-", dir=args.dir))
    file = root / "model.safetensors"
    size = args.size_mb * 1_000_000
    with file.open("wb") as f:
        for _ in range(0, size, 1 << 24):
            f.write(os.urandom(min(1 << 24, size - f.tell())))
    hub = Hub(file, args.throttle_mb)
    rows = []
    try:
        for kind in ("weighthub", "huggingface_hub"):
            cache = Path(tempfile.mkdtemp(dir=root))
            cold = _result(_start(kind, "main", _env(hub, cache)))
            cached = {
                revision: statistics.median(
                    _result(_start(kind, revision, _env(hub, cache)))["seconds"]
                    for _ in range(args.repeat)
                )
                for revision in ("main", hub.commit)
            }
            resent, resume_time = _killed_and_resumed(kind, hub, root, size)
            rows.append((kind, cold, resent, resume_time, cached))
    finally:
        hub.stop()
    link = (
        f"CDN held to {args.throttle_mb:g} MB/s per connection"
        if args.throttle_mb
        else "unthrottled"
    )
    print(f"\n{_mb(size)} file, loopback Hub in its own process, {link}\n")
    header = (
        f"{'client':<16} {'cold':>8} {'peak RSS':>9} {'re-sent after kill@50%':>23} "
        f"{'resume':>8} {'cached (main)':>14} {'cached (commit)':>16}"
    )
    print(header)
    for kind, cold, resent, resume_time, cached in rows:
        print(
            f"{kind:<16} {cold['seconds']:>7.2f}s {_mb(cold['rss']):>9} "
            f"{_mb(resent):>14} ({resent / size:>4.0%}) {resume_time:>7.2f}s "
            f"{cached['main'] * 1000:>11.1f} ms {cached[hub.commit] * 1000:>13.1f} ms"
        )
    (_, ours_cold, _, _, ours_cached), (_, theirs_cold, _, _, theirs_cached) = rows
    ratios = [
        ("cold", theirs_cold["seconds"] / ours_cold["seconds"]),
        ("cached by branch", theirs_cached["main"] / ours_cached["main"]),
        ("cached by commit", theirs_cached[hub.commit] / ours_cached[hub.commit]),
    ]
    print("\nhuggingface_hub / weighthub: " + ", ".join(f"{k} {v:.2f}x" for k, v in ratios))


if __name__ == "__main__":
    main()
