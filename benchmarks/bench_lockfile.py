"""What an active lockfile costs a cached fetch: ``weighthub.fetch`` with and without ``use_lock``.

Run by hand: ``.venv/bin/python benchmarks/bench_lockfile.py [--entries 1 500 5000]``. A 1 MiB file
is put in a temporary cache and recorded; each lockfile (written in the documented TOML format)
holds its entry plus filler entries. Prints the per-call time of a cached fetch unlocked and locked,
their ratio, and the time of the first parse (``use_lock`` reads the file at once).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
import time
import timeit
from pathlib import Path

import weighthub


def _lockfile(path: Path, url: str, name: str, size: int, digest: str, entries: int) -> Path:
    blocks = [f'[[file]]\nurl = "{url}"\nname = "{name}"\nsize = {size}\nsha256 = "{digest}"\n']
    blocks += [
        f'[[file]]\nurl = "https://h.invalid/x{i}.pth"\nname = "x{i}.pth"\nsize = 1\n'
        f'sha256 = "{"0" * 64}"\n'
        for i in range(entries - 1)
    ]
    path.write_text("version = 1\n\n" + "\n".join(blocks), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, nargs="+", default=[1, 500, 5000])
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    os.environ.pop("WEIGHTHUB_LOCK", None)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = os.urandom(1 << 20)
        digest = hashlib.sha256(data).hexdigest()
        name = f"model-{digest[:8]}.pth"
        (folder / name).write_bytes(data)
        url = f"https://h.invalid/{name}"
        weighthub.fetch(url, model_dir=folder)  # verify and record it once

        def fetch() -> None:
            weighthub.fetch(url, model_dir=folder)

        print(f"{'entries':>8} {'unlocked':>10} {'locked':>10} {'ratio':>6} {'first parse':>12}")
        for count in args.entries:
            lock = _lockfile(folder / f"{count}.lock", url, name, len(data), digest, count)
            weighthub.use_lock(None)
            plain = min(timeit.repeat(fetch, number=args.calls, repeat=5)) / args.calls
            start = time.perf_counter()
            weighthub.use_lock(lock)
            parse = time.perf_counter() - start
            locked = min(timeit.repeat(fetch, number=args.calls, repeat=5)) / args.calls
            print(
                f"{count:>8} {plain * 1e6:>8.1f}us {locked * 1e6:>8.1f}us {locked / plain:>6.2f}"
                f" {parse * 1e3:>10.2f}ms"
            )
        weighthub.use_lock(None)


if __name__ == "__main__":
    main()
