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
- **first**: ``build_model(arch, f)`` with an empty cache (``WEIGHTHUB_HOME``): the names of the
  tensors to align are found by a forward pass on the meta device, and kept;
- **default**: ``build_model(arch, f)`` as every later build runs it, with the names kept in the
  cache by an earlier build (one untimed build primes it).

The outputs of all three are asserted bit-identical. Medians of ``--repeat`` runs, the cases
alternating. Each child's cache is a temporary ``WEIGHTHUB_HOME``, removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _peak import HERE

MODELS = ["resnet50", "vit_base_patch16_224", "vit_large_patch16_224"]

_CHILD = r"""
import hashlib, json, resource, sys, time, warnings
warnings.filterwarnings("ignore")
import torch, timm
from weighthub_timm import build_model

mode, arch, path = sys.argv[1:4]
from _peak import peak_mib
torch.set_num_threads(2)
x = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(0))
result = {}
if mode != "baseline":
    started = time.perf_counter()
    if mode == "timm":
        overlay = {"file": path, "custom_load": False}  # the JAX-loader tags, as safetensors
        model = timm.create_model(arch, pretrained=True, pretrained_cfg_overlay=overlay)
    else:
        model = build_model(arch, path)
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


def _run(*args: str, home: Path) -> dict:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "WEIGHTHUB_HOME": str(home), "PYTHONPATH": HERE}
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, *args], check=True, capture_output=True, text=True, env=env
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _prepare(folder: Path, arch: str) -> Path:
    """The checkpoint (random weights), made once, in the page cache."""
    path = folder / f"{arch}.safetensors"
    if not path.exists():
        code = (
            "import sys; from safetensors.torch import save_file; "
            "from weighthub.testing import random_state_dict; "
            "from weighthub_timm import empty_model; "
            "save_file(random_state_dict(empty_model(sys.argv[1]), seed=sys.argv[1]), sys.argv[2])"
        )
        # In a child: the parent stays small, and the children it starts are measured alone.
        subprocess.run([sys.executable, "-c", code, arch, str(path)], check=True)
    with path.open("rb") as f:  # warm the page cache
        while f.read(1 << 24):
            pass
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", default=str(Path(tempfile.gettempdir()) / "whtimm"))
    parser.add_argument("--models", nargs="+", default=MODELS)
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    folder = Path(opts.folder)
    folder.mkdir(parents=True, exist_ok=True)
    homes = Path(tempfile.mkdtemp(prefix="whtimm-homes-"))
    warm = homes / "warm"  # the cache as builds leave it: the alignment names kept

    base = statistics.median(_run("baseline", "-", "-", home=warm)["rss"] for _ in range(2))
    print(f"baseline peak RSS after imports: {base:.0f} MiB\n")
    modes = ("timm", "first", "default")
    header = (
        f"{'model':<22} {'MB':>5} | {'ready s: timm':>13} {'first':>5} {'default':>7} "
        f"{'ratio':>6} | {'read s: timm':>12} {'default':>7} {'ratio':>6} | "
        f"{'output s: timm':>14} {'default':>7} {'ratio':>6} | {'peak/file: timm':>15} "
        f"{'default':>7}"
    )
    print(header)
    print("-" * len(header))
    for arch in opts.models:
        path = _prepare(folder, arch)
        size_mib = path.stat().st_size / 2**20
        _run("wh", arch, str(path), home=warm)  # a first build, untimed, keeps the names
        runs: dict[str, list[dict]] = {m: [] for m in modes}
        for repeat in range(opts.repeat):
            runs["timm"].append(_run("timm", arch, str(path), home=warm))
            first = homes / f"{arch}-{repeat}"  # an empty cache: the names are traced
            runs["first"].append(_run("wh", arch, str(path), home=first))
            runs["default"].append(_run("wh", arch, str(path), home=warm))
        hashes = {r["hash"] for m in modes for r in runs[m]}
        assert len(hashes) == 1, f"{arch}: outputs differ between the cases"

        def median(key: str, mode: str, runs: dict[str, list[dict]] = runs) -> float:
            return statistics.median(r[key] for r in runs[mode])

        t = {(k, m): median(k, m) for k in ("ready", "read", "output") for m in modes}
        peak = {m: (median("rss_read", m) - base) / size_mib for m in modes}
        cells = [f"{arch:<22} {path.stat().st_size / 1e6:>5.0f}"]
        cells.append(
            f"{t['ready', 'timm']:>13.2f} {t['ready', 'first']:>5.2f} "
            f"{t['ready', 'default']:>7.2f} {t['ready', 'timm'] / t['ready', 'default']:>5.1f}x"
        )
        for key, width in (("read", 12), ("output", 14)):
            cells.append(
                f"{t[key, 'timm']:>{width}.2f} {t[key, 'default']:>7.2f} "
                f"{t[key, 'timm'] / t[key, 'default']:>5.1f}x"
            )
        cells.append(f"{peak['timm']:>15.2f} {peak['default']:>7.2f}")
        print(" | ".join(cells), flush=True)
    shutil.rmtree(homes, ignore_errors=True)
    print(
        "\nratio: timm's time over the default's. first: weighthub's first build of the model "
        "(empty cache: the names to align are traced); default: every later build (the names "
        "kept in the cache). peak: extra peak RSS once every tensor was read, over the "
        "checkpoint's size."
    )


if __name__ == "__main__":
    main()
