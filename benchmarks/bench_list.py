"""Whole-process cost of listing models: weighthub vs torchvision.

Runs, as separate processes, N times each, interleaved (so that machine noise hits all alike):

* ``python -c "import weighthub; weighthub.list_models()"``
* ``python -c "import torchvision.models as m; m.list_models()"``
* ``weighthub list`` (the console script next to this Python)

and prints the median and best wall time, the ratio to torchvision, and the median peak RSS of
each child (``os.wait4`` rusage, ``ru_maxrss``). Every installed plugin is discovered, so the
figures depend on what is installed; the script prints how many models each lists.

Usage: ``python benchmarks/bench_list.py [-n RUNS]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

PYTHON = sys.executable


def _commands() -> dict[str, list[str]]:
    script = Path(PYTHON).with_name("weighthub")
    if not script.exists():
        found = shutil.which("weighthub")
        if found is None:
            raise SystemExit("the weighthub console script is not installed")
        script = Path(found)
    return {
        "weighthub.list_models()": [PYTHON, "-c", "import weighthub; weighthub.list_models()"],
        "torchvision list_models()": [
            PYTHON,
            "-c",
            "import torchvision.models as m; m.list_models()",
        ],
        "weighthub list (CLI)": [str(script), "list"],
    }


def _run(command: list[str]) -> tuple[float, float]:
    """Run once; return (wall seconds, peak RSS in MiB) of the child."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{command} failed with exit code {proc.returncode}")
    return wall, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def _count(command: list[str]) -> int:
    counting = {
        "weighthub": "import weighthub; print(len(weighthub.list_models()))",
        "torchvision": "import torchvision.models as m; print(len(m.list_models()))",
    }
    key = "torchvision" if "torchvision" in " ".join(command) else "weighthub"
    out = subprocess.run([PYTHON, "-c", counting[key]], capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=7, help="runs per command (7)")
    args = parser.parse_args()
    commands = _commands()
    for command in commands.values():  # warm the OS file cache and the .pyc files
        _run(command)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            samples[name].append(_run(command))
    baseline = statistics.median(w for w, _ in samples["torchvision list_models()"])
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.runs} runs each")
    print(f"{'command':<28}{'models':>7}{'median':>10}{'best':>9}{'vs tv':>8}{'peak RSS':>11}")
    for name, command in commands.items():
        walls = [w for w, _ in samples[name]]
        rss = statistics.median(r for _, r in samples[name])
        median = statistics.median(walls)
        print(
            f"{name:<28}{_count(command):>7}{median:>9.3f}s{min(walls):>8.3f}s"
            f"{median / baseline:>7.2f}x{rss:>8.0f} MiB"
        )


if __name__ == "__main__":
    main()
