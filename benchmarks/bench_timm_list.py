"""Listing timm's catalogue: weighthub (with the timm plugin) vs ``timm.list_pretrained()``.

Every case runs in fresh processes, N times each, interleaved so that machine noise hits all
alike. A child measures its own listing call with ``time.process_time()`` (after its imports:
``import weighthub`` is not counted, ``import timm`` is, since timm cannot list without it); the
parent takes the child's whole CPU time (user + system) and peak RSS from ``os.wait4``.

Cases:

* ``weighthub.list_models()`` with every installed plugin (first-party + timm), and with the
  first-party plugins alone (``WEIGHTHUB_DISABLE_PLUGINS=timm``);
* ``weighthub.list_weights()`` with every installed plugin (imports every enum module);
* ``weighthub.list_models()`` with a generated plugin of ``--synthetic`` timm-like architectures
  (the timm plugin's manifest repeated under new names, registered as the timm plugin registers
  its own, in a plugin namespace) in place of the timm plugin: the growth to 10,000 models;
* ``import timm; timm.list_pretrained()`` and ``timm.list_models()``.

It also times parsing the manifest alone, and the synthetic one, in this process.

Usage: ``python benchmarks/bench_timm_list.py [-n RUNS] [--synthetic 10000]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from importlib.resources import files
from pathlib import Path

from weighthub_timm import Manifest
from weighthub_timm.generate import dumps

PYTHON = sys.executable

WEIGHTHUB = """
import time, weighthub
start = time.process_time()
found = len(weighthub.{call}())
print(found, time.process_time() - start)
"""
TIMM = """
import time
start = time.process_time()
import timm
found = len(timm.{call}())
print(found, time.process_time() - start)
"""

SYNTHETIC_PLUGIN = '''
"""A synthetic timm-like plugin: the timm plugin's registration over a bigger manifest."""
from pathlib import Path

import weighthub
import weighthub_timm


@weighthub.hookimpl
def register_models(registry):
    registry.claim_namespace("synthetic")  # names as timm's plugin has them: "synthetic/<arch>"
    text = (Path(__file__).parent / "manifest.json").read_text(encoding="utf-8")
    weighthub_timm.register_catalogue(registry, catalogue=weighthub_timm.Manifest.from_json(text))
'''


def _synthetic_plugin(folder: Path, models: int) -> None:
    """Write an installed distribution whose plugin registers ``models`` timm-like models."""
    data = json.loads((files("weighthub_timm") / "_data" / "manifest.json").read_text("utf-8"))
    real = list(data["architectures"].items())
    architectures = {}
    for index in range(models):
        arch, tags = real[index % len(real)]
        architectures[f"synthetic{index:05d}_{arch}"] = tags
    data["architectures"] = architectures
    data["torchvision_names"] = []
    package = folder / "whsynthetic"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "_plugin.py").write_text(SYNTHETIC_PLUGIN, encoding="utf-8")
    (package / "manifest.json").write_text(dumps(data), encoding="utf-8")
    info = folder / "weighthub_synthetic-0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: weighthub-synthetic\nVersion: 0.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[weighthub.plugins]\nsynthetic = whsynthetic._plugin\n", encoding="utf-8"
    )


def _run(code: str, env: dict[str, str]) -> tuple[int, float, float, float]:
    """Run a child once: (items listed, listing CPU s, whole CPU s, peak RSS MiB)."""
    proc = subprocess.Popen(
        [PYTHON, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{code!r} failed")
    found, listing = out.split()
    whole = usage.ru_utime + usage.ru_stime
    return int(found), float(listing), whole, usage.ru_maxrss / 1024


def _parse_time(text: str, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        Manifest.from_json(text)
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=7, help="runs per case (7)")
    parser.add_argument("--synthetic", type=int, default=10_000, help="synthetic models (10000)")
    args = parser.parse_args()
    base = {k: v for k, v in os.environ.items() if not k.startswith("WEIGHTHUB_")}
    with tempfile.TemporaryDirectory(prefix="bench-timm-list-") as tmp:
        _synthetic_plugin(Path(tmp), args.synthetic)
        synthetic = {
            **base,
            "WEIGHTHUB_DISABLE_PLUGINS": "timm",
            "PYTHONPATH": os.pathsep.join(filter(None, [tmp, base.get("PYTHONPATH")])),
        }
        cases = {
            "weighthub list_models (all)": (WEIGHTHUB.format(call="list_models"), base),
            "weighthub list_models (1st party)": (
                WEIGHTHUB.format(call="list_models"),
                {**base, "WEIGHTHUB_DISABLE_PLUGINS": "timm"},
            ),
            "weighthub list_weights (all)": (WEIGHTHUB.format(call="list_weights"), base),
            f"weighthub list_models (+{args.synthetic} synth)": (
                WEIGHTHUB.format(call="list_models"),
                synthetic,
            ),
            "import timm; list_pretrained()": (TIMM.format(call="list_pretrained"), base),
            "import timm; list_models()": (TIMM.format(call="list_models"), base),
        }
        for code, env in cases.values():  # warm the OS file cache and the .pyc files
            _run(code, env)
        samples: dict[str, list[tuple[int, float, float, float]]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, (code, env) in cases.items():
                samples[name].append(_run(code, env))
        synthetic_text = (Path(tmp) / "whsynthetic" / "manifest.json").read_text("utf-8")
    text = (files("weighthub_timm") / "_data" / "manifest.json").read_text("utf-8")
    timm_cpu = statistics.median(s[2] for s in samples["import timm; list_pretrained()"])
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.runs} runs each")
    print(
        f"{'case':<40}{'items':>7}{'list CPU':>10}{'process CPU':>13}{'vs timm':>9}{'peak RSS':>10}"
    )
    for name, runs in samples.items():
        listing = statistics.median(s[1] for s in runs)
        whole = statistics.median(s[2] for s in runs)
        rss = statistics.median(s[3] for s in runs)
        print(
            f"{name:<40}{runs[0][0]:>7}{listing:>9.3f}s{whole:>12.3f}s{whole / timm_cpu:>8.2f}x"
            f"{rss:>7.0f} MiB"
        )
    print(
        textwrap.dedent(
            f"""
            manifest: {len(text.encode()) / 1e3:.0f} kB, parsed in {_parse_time(text) * 1e3:.1f} ms
            synthetic manifest: {len(synthetic_text.encode()) / 1e3:.0f} kB, parsed in \
{_parse_time(synthetic_text) * 1e3:.1f} ms
            """
        ).strip()
    )


if __name__ == "__main__":
    main()
