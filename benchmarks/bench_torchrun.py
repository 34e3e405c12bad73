"""Benchmark: GETs and wall time of a 4-rank ``torchrun`` job fetching one checkpoint, per mode.

Usage::

    .venv/bin/python benchmarks/bench_torchrun.py [--size-mb 100] [--ranks 4]

A counting HTTP server runs in its own process on 127.0.0.1 and serves a random file. Each mode
runs ``python -m torch.distributed.run --standalone --nproc_per_node N`` (gloo) with a training
script that initialises the process group and fetches the file (sha256 declared):

- ``torch.hub, cache per rank``: ``torch.hub.load_state_dict_from_url``'s download, each rank with
  its own ``TORCH_HOME`` (nodes without a shared file system);
- ``weighthub default, cache per rank``: ``weighthub.fetch``, each rank its own ``WEIGHTHUB_HOME``;
- ``weighthub default, shared cache``: one ``WEIGHTHUB_HOME`` for all ranks (the file lock);
- ``weighthub broadcast, cache per rank``: ``WEIGHTHUB_DISTRIBUTED=broadcast``.

It prints the GETs the server saw, the body bytes it wrote, the job's wall time (interpreter and
torch start included) and the largest peak RSS of a rank (``ru_maxrss``; torch alone is a few
hundred MB).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

_SERVER = textwrap.dedent(
    """
    import sys, threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
    gets = sent = 0
    lock = threading.Lock()
    class H(SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
        def copyfile(self, source, outputfile):
            global sent
            while chunk := source.read(1 << 20):
                outputfile.write(chunk)  # a client that hangs up ends this with an OSError
                with lock:
                    sent += len(chunk)
        def do_GET(self):
            global gets
            if self.path == "/_count":
                body = f"{gets} {sent}".encode()
                self.send_response(200); self.send_header("Content-Length", str(len(body)))
                self.end_headers(); self.wfile.write(body); return
            with lock:
                gets += 1
            try:
                super().do_GET()
            except ConnectionError:
                pass
    import functools
    srv = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(H, directory=sys.argv[1]))
    print(srv.server_address[1], flush=True)
    srv.serve_forever()
    """
)

_SCRIPT = textwrap.dedent(
    """
    import os, sys
    rank = int(os.environ["LOCAL_RANK"])
    base = os.environ["BENCH_BASE"]
    if os.environ.get("BENCH_SHARED"):
        os.environ["WEIGHTHUB_HOME"] = os.path.join(base, "shared")
    else:
        os.environ["WEIGHTHUB_HOME"] = os.path.join(base, f"rank{rank}")
        os.environ["TORCH_HOME"] = os.path.join(base, f"torch{rank}")
    import torch.distributed as dist
    os.makedirs(base, exist_ok=True)
    dist.init_process_group("gloo")
    url, digest = os.environ["BENCH_URL"], os.environ["BENCH_SHA"]
    if os.environ.get("BENCH_TORCH_HUB"):
        import torch.hub
        folder = os.path.join(torch.hub.get_dir(), "checkpoints")
        os.makedirs(folder, exist_ok=True)
        torch.hub.download_url_to_file(url, os.path.join(folder, "model.pth"), progress=False)
    else:
        import weighthub
        weighthub.fetch(url, sha256=digest, progress=False)
    import resource
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with open(os.path.join(base, f"peak{dist.get_rank()}"), "w") as f:
        f.write(str(peak_mb))
    dist.barrier()
    dist.destroy_process_group()
    """
)


def _count(port: int) -> tuple[int, int]:
    """Return the GETs the server has answered and the body bytes it has written."""
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_count", timeout=10) as r:
        gets, sent = r.read().split()
    return int(gets), int(sent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=100)
    parser.add_argument("--ranks", type=int, default=4)
    opts = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="whtr-"))
    served = root / "srv"
    served.mkdir()
    data = os.urandom(opts.size_mb * 10**6)
    digest = hashlib.sha256(data).hexdigest()
    (served / "model.pth").write_bytes(data)
    del data
    script = root / "train.py"
    script.write_text(_SCRIPT)
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVER, str(served)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        url = f"http://127.0.0.1:{port}/model.pth"
        env = {k: v for k, v in os.environ.items() if not k.startswith("WEIGHTHUB_")}
        env.update(BENCH_URL=url, BENCH_SHA=digest, OMP_NUM_THREADS="1", NO_PROXY="127.0.0.1")
        modes = [
            ("torch.hub, cache per rank", {"BENCH_TORCH_HUB": "1"}),
            ("weighthub default, cache per rank", {}),
            ("weighthub default, shared cache", {"BENCH_SHARED": "1"}),
            ("weighthub broadcast, cache per rank", {"WEIGHTHUB_DISTRIBUTED": "broadcast"}),
        ]
        print(f"{opts.ranks} ranks (gloo), {opts.size_mb} MB checkpoint, loopback HTTP server")
        print(f"{'mode':<38} {'GETs':>5} {'MB served':>10} {'wall s':>7} {'peak RSS MB':>12}")
        for name, extra in modes:
            base = root / "homes"
            shutil.rmtree(base, ignore_errors=True)
            before = _count(port)
            start = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "torch.distributed.run",
                    "--standalone",
                    "--nproc_per_node",
                    str(opts.ranks),
                    str(script),
                ],
                env={**env, "BENCH_BASE": str(base), **extra},
                check=True,
                capture_output=True,
            )
            wall = time.perf_counter() - start
            gets, sent = (now - then for now, then in zip(_count(port), before, strict=True))
            peak = max(float(p.read_text()) for p in base.glob("peak*"))
            print(f"{name:<38} {gets:>5} {sent / 1e6:>10.0f} {wall:>7.1f} {peak:>12.0f}")
    finally:
        server.kill()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
