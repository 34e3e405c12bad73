"""Benchmark: building a torchvision model with weights, torchvision's way vs construct_model.

Usage::

    .venv/bin/python benchmarks/bench_construct.py /tmp/weighthub-bench [--models resnet50 vit_b_16]
        [--repeat 3]

For each model a random-weight checkpoint is saved once into the folder. Every measurement runs in
a fresh child process; the time is measured inside the child from the call to the first output of a
forward pass on a 1x3x224x224 input (the interpreter and ``import torch`` are excluded), and the
peak RSS is the child's ``VmHWM`` (not ``ru_maxrss``, which Linux keeps across exec) minus that of
a child that only imports the libraries.

(a) torchvision: ``torchvision.models.X()`` + ``load_state_dict(torch.load(f, weights_only=True))``
(b) weighthub: ``construct_model(lambda: torchvision.models.X(), <Weights with a file:// URL>)``
(c) loading from a warm, verified cache: ``load_state_dict_from_url`` vs bare
    ``torch.load(f, mmap=True, weights_only=True)`` of the same file (medians of alternated runs
    within one child; each followed by touching every tensor).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _peak import HERE

MODELS = ["resnet50", "vit_b_16", "vit_l_16"]

_CHILD = r"""
import json, resource, sys, time, os
import torch, torchvision
import weighthub._fetch as wf
from weighthub import construct_model
from weighthub._weights import Weights, WeightsEnum

mode, name, ckpt, cache = sys.argv[1:5]
torch.set_num_threads(2)
from _peak import peak_mib

result = {}
if mode == "baseline":
    pass
elif mode in ("tv", "wh"):
    torch.manual_seed(0)
    x = torch.randn(1, 3, 224, 224)
    builder = getattr(torchvision.models, name)
    t0 = time.perf_counter()
    if mode == "tv":
        model = builder()
        model.load_state_dict(torch.load(ckpt, weights_only=True))
    else:
        class Bench_Weights(WeightsEnum):
            V1 = Weights(url="file://" + ckpt, transforms=lambda: None, meta={})
        model = construct_model(lambda: builder(), Bench_Weights.V1, progress=False)
    result["ready"] = time.perf_counter() - t0
    model.eval()
    with torch.inference_mode():
        out = model(x)
    result["time"] = time.perf_counter() - t0
    result["out"] = float(out.float().sum())
elif mode == "load":
    url = sys.argv[5]
    def touch(sd):
        return sum(float(t.float().sum()) for t in sd.values())
    bare, ours = [], []
    for _ in range(7):
        t0 = time.perf_counter()
        sd = torch.load(os.path.join(cache, os.path.basename(url)), mmap=True, weights_only=True)
        touch(sd)
        bare.append(time.perf_counter() - t0)
        del sd
        t0 = time.perf_counter()
        sd = wf.load_state_dict_from_url(url, cache, progress=False)
        touch(sd)
        ours.append(time.perf_counter() - t0)
        del sd
    result["bare"] = sorted(bare)[len(bare) // 2]
    result["ours"] = sorted(ours)[len(ours) // 2]
result["rss"] = peak_mib()
print(json.dumps(result))
"""


def _run(args: list[str]) -> dict[str, float]:
    env = {**os.environ, "WEIGHTHUB_OFFLINE": "1", "PYTHONPATH": HERE}  # (c): no network
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, *args], check=True, capture_output=True, text=True, env=env
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _prepare(folder: Path, name: str) -> Path:
    path = folder / f"{name}.pth"
    if not path.exists():
        import torch
        import torchvision

        torch.manual_seed(0)
        model = getattr(torchvision.models, name)()
        torch.save(model.state_dict(), path)
        del model
    return path


def _warm_cache(folder: Path, ckpt: Path) -> tuple[Path, str]:
    """Hard-link the checkpoint into a cache under a torch.hub-style name and record it."""
    from weighthub._fetch import fetch

    digest = hashlib.sha256(ckpt.read_bytes()).hexdigest()
    cache = folder / "cache"
    cache.mkdir(exist_ok=True)
    name = f"{ckpt.stem}-{digest[:10]}.pth"
    target = cache / name
    if not target.exists():
        os.link(ckpt, target)
    url = f"http://127.0.0.1:9/models/{name}"  # unreachable: a warm cache needs no network
    os.environ["WEIGHTHUB_OFFLINE"] = "1"
    fetch(url, model_dir=cache, sha256=digest)  # hashes once and writes the record
    return cache, url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", default=str(Path(tempfile.gettempdir()) / "whbench"))
    parser.add_argument("--models", nargs="+", default=MODELS)
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    folder = Path(opts.folder)
    folder.mkdir(parents=True, exist_ok=True)

    base = statistics.median(_run(["baseline", "-", "-", "-"])["rss"] for _ in range(2))
    print(f"baseline peak RSS after imports: {base:.0f} MiB\n")
    header = (
        f"{'model':<10} {'ckpt MB':>8} | {'tv s':>6} {'wh s':>6} {'speedup':>7} | "
        f"{'tv MiB':>7} {'wh MiB':>7} {'tv/ckpt':>7} {'wh/ckpt':>7} | "
        f"{'torch.load ms':>13} {'ours ms':>8} {'ours/bare':>9}"
    )
    print(header)
    print("-" * len(header))
    for name in opts.models:
        ckpt = _prepare(folder, name)
        size_mib = ckpt.stat().st_size / 2**20
        runs: dict[str, list[dict[str, float]]] = {"tv": [], "wh": []}
        for _ in range(opts.repeat):
            for mode in ("tv", "wh"):
                runs[mode].append(_run([mode, name, str(ckpt), "-"]))
        assert runs["tv"][0]["out"] == runs["wh"][0]["out"], "outputs differ"
        t = {m: statistics.median(r["time"] for r in runs[m]) for m in runs}
        ready = {m: statistics.median(r["ready"] for r in runs[m]) for m in runs}
        rss = {m: statistics.median(r["rss"] for r in runs[m]) - base for m in runs}
        cache, url = _warm_cache(folder, ckpt)
        load = _run(["load", name, str(ckpt), str(cache), url])
        print(
            f"{name:<10} {ckpt.stat().st_size / 1e6:>8.0f} | {t['tv']:>6.2f} {t['wh']:>6.2f} "
            f"{t['tv'] / t['wh']:>6.2f}x | {rss['tv']:>7.0f} {rss['wh']:>7.0f} "
            f"{rss['tv'] / size_mib:>7.2f} {rss['wh'] / size_mib:>7.2f} | "
            f"{load['bare'] * 1e3:>13.1f} {load['ours'] * 1e3:>8.1f} "
            f"{load['ours'] / load['bare']:>9.3f}",
            flush=True,
        )
        print(
            f"{'':<10} model ready (before the forward pass): torchvision {ready['tv']:.2f} s, "
            f"weighthub {ready['wh']:.2f} s, {ready['tv'] / ready['wh']:.1f}x",
            flush=True,
        )


if __name__ == "__main__":
    main()
