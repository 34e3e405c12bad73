"""Weights plugins at scale: ``weighthub list --weights`` and ``weighthub describe``.

1. Generates N weights plugins (default 100) x E attached enums each (default 10) as installed
   distributions (``*.dist-info`` with the entry point, next to a torch-free weights module) in a
   folder put on PYTHONPATH, attaching to first-party classification models. Then runs, as
   separate processes, interleaved, R times each: ``weighthub list`` and ``weighthub list
   --weights`` without and with them, and prints the median wall time and peak RSS of each
   (``os.wait4`` rusage). Target: ``list --weights`` with them <= 0.5 s.
2. Saves random-weight resnet50 and vit_b_16 checkpoints (once) and runs ``weighthub describe
   --json`` on each in a child process, printing the time split into hashing, loading (building
   through the builder and loading strictly) and op counting, plus the child's wall time.

Usage: ``python benchmarks/bench_weights_plugins.py [--plugins 100] [--enums 10] [-n 5]
[--folder /tmp/whbench-plugins]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PYTHON = sys.executable
SCRIPT = str(Path(PYTHON).with_name("weighthub"))
MODELS = [
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet101",
    "resnet152",
    "alexnet",
    "vgg11",
    "densenet121",
    "mobilenet_v2",
    "squeezenet1_0",
]

_WEIGHTS = """from weighthub import Weights, WeightsEnum
from weighthub.transforms import preset

_META = {
    "categories": ["a", "b", "c"],
    "num_params": 1,
    "min_size": (1, 1),
    "_ops": 0.0,
    "_file_size": 0.1,
    "recipe": "generated",
    "_metrics": {"Bench": {"acc@1": 1.0, "acc@5": 2.0}},
    "_docs": "Generated for the benchmark.",
}
"""

_ENUM = """

class {name}(WeightsEnum):
    V1 = Weights(
        url="https://example.invalid/{name}.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta=_META,
    )
    DEFAULT = V1
"""


def generate(site: Path, plugins: int, enums: int) -> None:
    """Write ``plugins`` installed distributions, each attaching ``enums`` enums."""
    marker = site / f".generated-{plugins}x{enums}"
    if marker.exists():
        return
    for index in range(plugins):
        package = f"whbench_p{index:03d}"
        (site / package).mkdir(parents=True, exist_ok=True)
        names = [f"Bench{index:03d}_E{e:02d}_Weights" for e in range(enums)]
        weights = _WEIGHTS + "".join(_ENUM.format(name=name) for name in names)
        (site / package / "_weights.py").write_text(weights, encoding="utf-8")
        calls = "".join(
            f'    registry.add_weights("{MODELS[e % len(MODELS)]}", "{package}._weights:{name}")\n'
            for e, name in enumerate(names)
        )
        plugin = (
            f"import weighthub\n\n\n@weighthub.hookimpl\ndef register_models(registry):\n{calls}"
        )
        (site / package / "__init__.py").write_text("", encoding="utf-8")
        (site / package / "_plugin.py").write_text(plugin, encoding="utf-8")
        info = site / f"{package}-0.1.dist-info"
        info.mkdir(exist_ok=True)
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {package}\nVersion: 0.1\n", encoding="utf-8"
        )
        (info / "entry_points.txt").write_text(
            f"[weighthub.plugins]\n{package} = {package}._plugin\n", encoding="utf-8"
        )
    marker.write_text("", encoding="utf-8")


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command} failed")
    return wall, usage.ru_maxrss / 1024


def bench_list(site: Path, runs: int) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith("WEIGHTHUB_")}
    with_plugins = {**base, "PYTHONPATH": str(site)}
    count = subprocess.run(
        [SCRIPT, "list", "--weights", "--json"],
        capture_output=True,
        text=True,
        env=with_plugins,
        check=True,
    ).stdout
    baseline = subprocess.run(
        [SCRIPT, "list", "--weights", "--json"],
        capture_output=True,
        text=True,
        env=base,
        check=True,
    ).stdout
    print(f"weights listed: {len(json.loads(baseline))} first-party (and installed examples), ")
    print(f"                {len(json.loads(count))} with the generated plugins")
    cases = {
        "weighthub list": ([SCRIPT, "list"], base),
        "weighthub list --weights": ([SCRIPT, "list", "--weights"], base),
        "weighthub list (+plugins)": ([SCRIPT, "list"], with_plugins),
        "weighthub list --weights (+plugins)": ([SCRIPT, "list", "--weights"], with_plugins),
    }
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, (command, env) in cases.items():
            results[name].append(_run(command, env))
    print(f"\n{'case':<38}{'median s':>10}{'best s':>10}{'peak RSS MiB':>14}")
    for name, samples in results.items():
        walls = [w for w, _ in samples]
        rss = statistics.median(r for _, r in samples)
        print(f"{name:<38}{statistics.median(walls):>10.3f}{min(walls):>10.3f}{rss:>14.1f}")


def bench_describe(folder: Path) -> None:
    import torch
    import torchvision

    env = {k: v for k, v in os.environ.items() if not k.startswith("WEIGHTHUB_")}
    print(f"\n{'describe':<12}{'MiB':>8}{'hash s':>9}{'load s':>9}{'ops s':>9}{'wall s':>9}")
    for name in ("resnet50", "vit_b_16"):
        path = folder / f"{name}.pth"
        if not path.exists():
            torch.manual_seed(0)
            torch.save(getattr(torchvision.models, name)().state_dict(), path)
        start = time.perf_counter()
        out = subprocess.run(
            [SCRIPT, "describe", str(path), "--model", name, "--json"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout
        wall = time.perf_counter() - start
        facts = json.loads(out)
        t = facts["timings"]
        print(
            f"{name:<12}{facts['_file_size']:>8.1f}{t['hashing']:>9.3f}{t['loading']:>9.3f}"
            f"{t['ops']:>9.3f}{wall:>9.2f}   (_ops {facts['_ops']}, {facts['num_params']:,} params)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--plugins", type=int, default=100)
    parser.add_argument("--enums", type=int, default=10)
    parser.add_argument("-n", "--runs", type=int, default=5)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/whbench-plugins"))
    parser.add_argument("--skip-describe", action="store_true")
    args = parser.parse_args()
    site = args.folder / "site"
    site.mkdir(parents=True, exist_ok=True)
    generate(site, args.plugins, args.enums)
    print(f"{args.plugins} generated weights plugins x {args.enums} enums in {site}")
    bench_list(site, args.runs)
    if not args.skip_describe:
        bench_describe(args.folder)


if __name__ == "__main__":
    main()
