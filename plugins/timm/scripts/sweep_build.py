"""Check every timm architecture with pretrained weights: ``build_model`` against timm, bit for bit.

Usage::

    .venv/bin/python plugins/timm/scripts/sweep_build.py RESULTS.jsonl [--archs GLOB ...]
        [--max-gb 4] [--timeout 1800] [--threads 1] [--batches 1 2] [--workdir DIR]
        [--retry skipped error different] [--shard I/N] [--summary]

For each architecture (its default tag, as ``timm.create_model(arch)`` picks it) a checkpoint of
random weights is generated and written with its tensors off the 64-byte boundaries; then
``weighthub_timm.build_model(arch, file)`` and ``timm.create_model(arch, pretrained=True,
pretrained_cfg_overlay=dict(file=file, custom_load=False))`` are compared: every tensor of the
state, then the outputs for a random batch of each size in ``--batches``, bit for bit (NaN where
NaN). Each architecture runs in a worker process with a time limit; a worker that crashes or
times out is replaced.

Resumable: RESULTS.jsonl gets one line per architecture as it finishes, and architectures already
in it are skipped, unless ``--retry`` names their status (the newest line of an architecture
counts). Checkpoints larger than ``--max-gb`` are skipped and listed. ``--shard 1/2`` and
``--shard 2/2``, each with its own results file and workdir, split the architectures between two
sweeps that run side by side. Results files after the first are only read: an architecture
another sweep has checked is not checked again, and ``--summary`` reports them all (a comparison
counts over an error or a skip in another file). The summary line is ``identical N / M``,
followed by every architecture that is not identical, with the reason, and by how many were
built without the fast path.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

RESTART_EVERY = 20  # architectures per worker, to bound memory growth
_RANK = {"skipped": 0, "error": 1, "different": 2, "identical": 2}


def _check(arch: str, opts: argparse.Namespace) -> dict:
    """Build ``arch`` both ways from one generated checkpoint and compare them."""
    import logging

    import timm
    import torch
    from timm.models import get_model_input_config

    from weighthub.testing import (
        random_state_dict,
        same_bits,
        tensors_of,
        write_unaligned_safetensors,
    )
    from weighthub_timm import build_model, empty_model

    record: dict = {"arch": arch}
    empty = empty_model(arch)
    tensors = empty.state_dict(keep_vars=True).values()
    size = sum(t.numel() * t.element_size() for t in tensors)
    record["file_mb"] = round(size / 2**20, 1)
    if size > opts.max_gb * 2**30:
        return {**record, "status": "skipped", "reason": f"checkpoint of {size / 2**30:.1f} GB"}
    state = random_state_dict(empty, seed=arch)
    del empty
    path = write_unaligned_safetensors(Path(opts.workdir) / f"{arch}.safetensors", state)
    del state
    messages: list[str] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = lambda r: messages.append(r.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("weighthub.timm")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        started = time.perf_counter()
        ours = build_model(arch, path).eval()
        record["ours_s"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        # custom_load=False: timm's JAX-loader tags are served converted, as safetensors.
        overlay = {"file": str(path), "custom_load": False}
        theirs = timm.create_model(arch, pretrained=True, pretrained_cfg_overlay=overlay).eval()
        record["timm_s"] = round(time.perf_counter() - started, 2)
    finally:
        logger.removeHandler(handler)
        path.unlink()
    record["path"] = "timm's own" if any(m.startswith("Building ") for m in messages) else "fast"
    if any("aligning every weight" in m for m in messages):
        record["path"] = "fast, every weight aligned (no meta forward pass)"
    mine, reference = ours.state_dict(), theirs.state_dict()
    if mine.keys() != reference.keys():
        extra, missing = set(mine) - set(reference), set(reference) - set(mine)
        return {**record, "status": "different", "reason": f"keys: +{extra} -{missing}"}
    differing = [k for k in reference if not same_bits(mine[k], reference[k])]
    if differing:
        return {**record, "status": "different", "reason": f"state: {differing[:5]}"}
    shape = get_model_input_config(theirs)["input_size"]
    generator = torch.Generator().manual_seed(0)
    with torch.inference_mode():
        for batch in opts.batches:
            x = torch.randn(batch, *shape, generator=generator)
            a, b = tensors_of(ours(x)), tensors_of(theirs(x))
            same = len(a) == len(b) > 0 and all(map(same_bits, a, b))
            if not same:
                return {**record, "status": "different", "reason": f"outputs at batch {batch}"}
    return {**record, "status": "identical"}


def _worker(opts: argparse.Namespace) -> None:
    import warnings

    import torch

    warnings.filterwarnings("ignore")
    torch.set_num_threads(opts.threads)
    for line in sys.stdin:
        arch = line.strip()
        started = time.perf_counter()
        try:
            record = _check(arch, opts)
        except Exception as exc:  # every failure is a result to report, not the end of the sweep
            last = traceback.extract_tb(exc.__traceback__)[-1]
            where = f"{Path(last.filename).name}:{last.lineno}"
            reason = f"{type(exc).__name__} at {where}: {str(exc).strip()[:300]}"
            record = {"arch": arch, "status": "error", "reason": reason}
        record["seconds"] = round(time.perf_counter() - started, 1)
        print(json.dumps(record), flush=True)


class _Worker:
    def __init__(self, opts: argparse.Namespace) -> None:
        argv = [sys.executable, __file__, "--worker", "--workdir", opts.workdir]
        argv += ["--max-gb", str(opts.max_gb), "--threads", str(opts.threads), "--batches"]
        argv += [str(b) for b in opts.batches]
        self.process = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        self.done = 0

    def check(self, arch: str, timeout: float) -> dict:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(arch + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else ""
        self.done += 1
        if line:
            return json.loads(line)  # type: ignore[no-any-return]
        if not ready:
            self.stop()
            return {"arch": arch, "status": "error", "reason": f"timed out after {timeout:.0f} s"}
        code = self.process.wait()
        return {"arch": arch, "status": "error", "reason": f"the worker died (exit code {code})"}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def _summary(results: dict[str, dict], archs: list[str]) -> None:
    rows = [results[a] for a in archs if a in results]
    checked = [r for r in rows if r["status"] != "skipped"]
    identical = [r for r in checked if r["status"] == "identical"]
    print(f"identical {len(identical)} / {len(checked)}", end="")
    skipped = [r for r in rows if r["status"] == "skipped"]
    print(f" ({len(skipped)} skipped, {len(archs) - len(rows)} not run yet)")
    for r in checked:
        if r["status"] != "identical":
            print(f"  {r['arch']}: {r['status']}: {r.get('reason', '')}")
    paths: dict[str, int] = {}
    for r in identical:
        paths[r.get("path", "fast")] = paths.get(r.get("path", "fast"), 0) + 1
    for path, count in sorted(paths.items()):
        print(f"  built by path {path!r}: {count}")
    for r in skipped:
        print(f"  skipped {r['arch']}: {r['reason']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "results",
        nargs="*",
        help="the JSON-lines file to append to, then others only read (what another shard did)",
    )
    parser.add_argument("--archs", nargs="+", default=["*"], help="glob patterns (default: all)")
    parser.add_argument("--max-gb", type=float, default=4.0, help="skip larger checkpoints")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per architecture")
    parser.add_argument("--threads", type=int, default=1, help="torch threads in the worker")
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--workdir", default=tempfile.gettempdir(), help="for the checkpoints")
    parser.add_argument("--summary", action="store_true", help="only print the summary")
    parser.add_argument("--shard", default="1/1", help="I/N: check every N-th architecture from I")
    parser.add_argument(
        "--retry",
        nargs="+",
        default=[],
        choices=["skipped", "error", "different"],
        help="check architectures again whose result had this status",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.worker:
        _worker(opts)
        return
    if not opts.results:
        parser.error("the results file is required")
    try:
        shard, shards = (int(part) for part in opts.shard.split("/"))
        if not 1 <= shard <= shards:
            raise ValueError
    except ValueError:
        parser.error(f"--shard {opts.shard!r}: expected I/N with 1 <= I <= N, e.g. 1/2")
    # A terminated sweep stops its worker too (SIGTERM otherwise skips the finally below).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    import timm

    every = list(dict.fromkeys(tag.split(".")[0] for tag in timm.list_pretrained()))
    archs = [a for a in every if any(fnmatch.fnmatch(a, g) for g in opts.archs)]
    Path(opts.workdir).mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    for name in opts.results:
        newest: dict[str, dict] = {}  # within a file, the newest line of an architecture counts
        if Path(name).exists():
            for line in Path(name).read_text().splitlines():
                if line.strip():
                    record = json.loads(line)
                    newest[record["arch"]] = record
        # Across files, a comparison beats an error, which beats a skip; otherwise the later file.
        for arch, record in newest.items():
            if arch not in results or _RANK[record["status"]] >= _RANK[results[arch]["status"]]:
                results[arch] = record
    results = {a: r for a, r in results.items() if r["status"] not in opts.retry}
    if opts.summary:
        _summary(results, archs)
        return
    results_file = Path(opts.results[0])
    todo = [a for a in archs[shard - 1 :: shards] if a not in results]
    print(f"{len(archs)} architectures, {len(todo)} to check (timm {timm.__version__})", flush=True)
    worker: _Worker | None = None
    try:
        with results_file.open("a") as out:
            for number, arch in enumerate(todo, 1):
                if worker is None or worker.process.poll() is not None:
                    worker = _Worker(opts)
                record = worker.check(arch, opts.timeout)
                out.write(json.dumps(record) + "\n")
                out.flush()
                results[arch] = record
                print(
                    f"[{number}/{len(todo)}] {arch}: {record['status']} "
                    f"{record.get('reason', '')[:120]}",
                    flush=True,
                )
                if record["status"] == "error" or worker.done >= RESTART_EVERY:
                    worker.stop()
                    worker = None
    finally:
        if worker is not None:
            worker.stop()
    _summary(results, archs)


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # generated checkpoints only: never download
    main()
