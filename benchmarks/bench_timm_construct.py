"""Benchmark: a timm model ready from a cached checkpoint, timm's way vs weighthub-timm's build.

Usage::

    .venv/bin/python benchmarks/bench_timm_construct.py [FOLDER]
        [--models resnet50 vit_base_patch16_224 vit_large_patch16_224] [--repeat 3]

For each model a checkpoint of random weights is saved once into FOLDER as ``safetensors`` (the
format timm's Hub repositories use, written by ``safetensors.torch.save_file``) and read once so
that the page cache is warm. Every measurement runs in a fresh child process that has already
imported torch, timm and weighthub-timm; the child measures, from the call on:

- **ready**: the model is returned;
- **read**: every tensor of its state has been read once (a memory-mapped model reads its
  weights from the page cache only now, so this is the fair figure for "loaded");
- **first output**: a forward pass on one 224x224 image has returned;

and its peak RSS (``VmHWM``) once every tensor was read (before the forward pass, whose activations
are not the model's), minus that of a child that only imports the libraries, as a multiple of the
checkpoint's size. The memory-mapped file's pages count: reading a mapped file costs 1.0x.
The cases:

- **timm**: ``timm.create_model(arch, pretrained=True, pretrained_cfg_overlay=dict(file=f,
  custom_load=False))`` (vit_base and vit_large tags keep timm's JAX loader in their config);
- **wh**: ``build_model(arch, f)``, which finds the tensors to align with a forward pass on the
  meta device;
- **wh+names**: ``build_model(arch, f, align=names)`` with those names computed beforehand (as a
  manifest generated once per timm release can carry them).

The outputs of all three are asserted bit-identical. Medians of ``--repeat`` runs, the cases
alternating.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

MODELS = ["resnet50", "vit_base_patch16_224", "vit_large_patch16_224"]

_CHILD = r"""
import hashlib, json, resource, sys, time, warnings
warnings.filterwarnings("ignore")
import torch, timm
from weighthub_timm import build_model

mode, arch, path, names = sys.argv[1:5]

def peak_mib():
    # Not ru_maxrss: Linux keeps it across exec, so a child of a parent that held a checkpoint
    # would report the parent's peak. VmHWM belongs to this process image alone.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
torch.set_num_threads(2)
x = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(0))
result = {}
if mode != "baseline":
    started = time.perf_counter()
    if mode == "timm":
        overlay = {"file": path, "custom_load": False}  # the JAX-loader tags, as safetensors
        model = timm.create_model(arch, pretrained=True, pretrained_cfg_overlay=overlay)
    elif mode == "wh":
        model = build_model(arch, path)
    else:
        model = build_model(arch, path, align=json.loads(open(names).read()))
    result["ready"] = time.perf_counter() - started
    with torch.inference_mode():
        for tensor in model.state_dict().values():
            tensor.sum()
    result["read"] = time.perf_counter() - started
    result["rss_read"] = peak_mib()
    model.eval()
    with torch.inference_mode():
        out = model(x)
    result["output"] = time.perf_counter() - started
    result["hash"] = hashlib.sha256(out.numpy().tobytes()).hexdigest()
result["rss"] = peak_mib()
print(json.dumps(result))
"""


def _run(*args: str) -> dict:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, *args], check=True, capture_output=True, text=True, env=env
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _prepare(folder: Path, arch: str) -> tuple[Path, Path]:
    """The checkpoint (random weights) and the names to align, made once."""
    path, names = folder / f"{arch}.safetensors", folder / f"{arch}.align.json"
    if not path.exists() or not names.exists():
        from safetensors.torch import save_file
        from timm.models import get_model_input_config

        from weighthub.building import matvec_operands
        from weighthub.testing import random_state_dict
        from weighthub_timm import empty_model

        model = empty_model(arch)
        save_file(random_state_dict(model, seed=arch), str(path))
        shape = (1, *get_model_input_config(model)["input_size"])
        names.write_text(json.dumps(sorted(matvec_operands(model, shape))))
    with path.open("rb") as f:  # warm the page cache
        while f.read(1 << 24):
            pass
    return path, names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", default=str(Path(tempfile.gettempdir()) / "whtimm"))
    parser.add_argument("--models", nargs="+", default=MODELS)
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    folder = Path(opts.folder)
    folder.mkdir(parents=True, exist_ok=True)

    base = statistics.median(_run("baseline", "-", "-", "-")["rss"] for _ in range(2))
    print(f"baseline peak RSS after imports: {base:.0f} MiB\n")
    modes = ("timm", "wh", "wh+names")
    header = (
        f"{'model':<22} {'MB':>5} | {'ready s: timm':>13} {'wh':>5} {'wh+names':>8} {'ratio':>6} | "
        f"{'read s: timm':>12} {'wh+names':>8} {'ratio':>6} | {'output s: timm':>14} "
        f"{'wh+names':>8} {'ratio':>6} | {'peak/file: timm':>15} {'wh+names':>8}"
    )
    print(header)
    print("-" * len(header))
    for arch in opts.models:
        path, names = _prepare(folder, arch)
        size_mib = path.stat().st_size / 2**20
        runs: dict[str, list[dict]] = {m: [] for m in modes}
        for _ in range(opts.repeat):
            for mode in modes:
                runs[mode].append(_run(mode, arch, str(path), str(names)))
        hashes = {r["hash"] for m in modes for r in runs[m]}
        assert len(hashes) == 1, f"{arch}: outputs differ between the cases"

        def median(key: str, mode: str, runs: dict[str, list[dict]] = runs) -> float:
            return statistics.median(r[key] for r in runs[mode])

        t = {(k, m): median(k, m) for k in ("ready", "read", "output") for m in modes}
        peak = {m: (median("rss_read", m) - base) / size_mib for m in modes}
        cells = [f"{arch:<22} {path.stat().st_size / 1e6:>5.0f}"]
        cells.append(
            f"{t['ready', 'timm']:>13.2f} {t['ready', 'wh']:>5.2f} {t['ready', 'wh+names']:>8.2f} "
            f"{t['ready', 'timm'] / t['ready', 'wh+names']:>5.1f}x"
        )
        for key, width in (("read", 12), ("output", 14)):
            cells.append(
                f"{t[key, 'timm']:>{width}.2f} {t[key, 'wh+names']:>8.2f} "
                f"{t[key, 'timm'] / t[key, 'wh+names']:>5.1f}x"
            )
        cells.append(f"{peak['timm']:>15.2f} {peak['wh+names']:>8.2f}")
        print(" | ".join(cells), flush=True)
    print(
        "\nratio: timm's time over wh+names's. peak: extra peak RSS once every tensor was read, "
        "over the checkpoint's size."
    )


if __name__ == "__main__":
    main()
