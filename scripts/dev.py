#!/usr/bin/env python3
"""Set up a development environment and run weighthub's main jobs, with nothing but python3.

    python3 scripts/dev.py demo   # install everything into .venv, classify a real photo offline
    python3 scripts/dev.py test   # install what the tests need into .venv, run the whole suite
    python3 scripts/dev.py check  # lint, type-check, check the import layers, build the docs
                                  # (checked in headless Chromium), check a standalone install

Only the standard library is used here, so it runs before any dependency is installed.
"""

from __future__ import annotations

import sys

if sys.version_info < (3, 10):  # noqa: UP036  (checked first: pip would say ResolutionImpossible)
    sys.exit(
        f"scripts/dev.py needs Python 3.10+ (torch 2.14 has no wheels for older ones); this is "
        f"Python {sys.version.split()[0]} at {sys.executable}. Run it with python3.10 or newer."
    )

import argparse
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
TORCH_PINS = ["torch==2.14.1", "torchvision==0.29.1"]
# What the tests use for interop, at the versions the timm plugin's manifest was generated from.
TEST_PINS = ["timm==1.0.31", "huggingface_hub==2.4.0"]
PLUGINS = [
    "classification",
    "quantized",
    "detection",
    "segmentation",
    "video",
    "optical-flow",
    "timm",
]
EXAMPLES = [
    ROOT / "examples" / "plugin-efficientnet-lite",
    ROOT / "examples" / "plugin-weights-pets",
    ROOT / "examples" / "plugin-torchgeo-weights",
]
PHOTO_CODE = (
    "import matplotlib.cbook as c; print(c.get_sample_data('grace_hopper.jpg', asfileobj=False))"
)


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    """Run a command from the repository root, echoing it, and stop on failure."""
    print("+", " ".join(str(a) for a in args), flush=True)
    completed = subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=False)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def venv_bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def make_venv(venv: Path) -> Path:
    """Create ``venv`` if needed and return its python."""
    python = venv_bin(venv, "python")
    if not python.exists():
        run(sys.executable, "-m", "venv", venv)
        run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    return python


def install(python: Path, *, dev: bool) -> None:
    """Install torch, the core, every first-party plugin and the example plugins (editable)."""
    examples = [str(example.relative_to(ROOT)) for example in EXAMPLES]
    packages = ["core", *(f"plugins/{p}" for p in PLUGINS), *examples]
    pip = [python, "-m", "pip", "install"]
    # Not --quiet: torch is a download of several hundred MB, and pip's progress shows it moving.
    run(*pip, *TORCH_PINS, "hatchling>=1.24", "editables>=0.5", "matplotlib>=3.7")
    if dev:
        run(*pip, "-r", "requirements-dev.txt", *TEST_PINS)
    editable = [arg for package in packages for arg in ("-e", package)]
    run(*pip, "--no-build-isolation", *editable)


def demo() -> None:
    python = make_venv(VENV)
    install(python, dev=False)
    photo = subprocess.run(
        [str(python), "-c", PHOTO_CODE], check=True, capture_output=True, text=True
    ).stdout.strip()
    env = {**os.environ, "WEIGHTHUB_OFFLINE": "1"}
    run(venv_bin(VENV, "weighthub"), "predict", photo, "--model", "efficientnet_lite0", env=env)


def test(pytest_args: list[str]) -> None:
    python = make_venv(VENV)
    install(python, dev=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEIGHTHUB_")}
    run(python, "-m", "pytest", *pytest_args, env=env)


def lint() -> None:
    python = venv_bin(VENV, "python")
    run(python, "-m", "ruff", "check", ".")
    run(python, "-m", "ruff", "format", "--check", ".")
    run(python, "-m", "mypy")
    # The core's floors and "the fetch layer knows no models" (pyproject.toml, [tool.importlinter]).
    run(venv_bin(VENV, "lint-imports"), "--no-cache")


def docs() -> None:
    build = ROOT / "docs" / "_build" / "html"
    python = venv_bin(VENV, "python")
    run(python, "-m", "sphinx", "-E", "-W", "--keep-going", "-b", "html", "docs", build)
    # Every column of the model tables visible at 1280 and 1920 px, in a real headless Chromium
    # (screenshots in docs/_build/screenshots).
    check = ROOT / "scripts" / "check_docs_in_browser.py"
    run(python, check, build, "--width", "1280", "--width", "1920")


def standalone_quantized() -> None:
    """``pip install ./core ./plugins/quantized`` alone, from wheels, in a second venv."""
    with tempfile.TemporaryDirectory(prefix="weighthub-standalone-") as folder:
        venv = Path(folder) / "venv"
        python = make_venv(venv)
        run(python, "-m", "pip", "install", "--quiet", *TORCH_PINS, "pytest>=8", "matplotlib>=3.7")
        run(python, "-m", "pip", "install", "--quiet", "./core", "./plugins/quantized")
        env = {k: v for k, v in os.environ.items() if not k.startswith("WEIGHTHUB_")}
        run(python, "-m", "pytest", "-p", "no:cacheprovider", "plugins/quantized/tests", env=env)
        shutil.rmtree(venv, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("job", choices=["demo", "test", "check"])
    parser.add_argument("pytest_args", nargs="*", help="extra arguments for pytest (test only)")
    args = parser.parse_args()
    if args.job == "demo":
        demo()
    elif args.job == "test":
        test(args.pytest_args)
    else:
        make_venv(VENV)
        install(venv_bin(VENV, "python"), dev=True)
        lint()
        docs()
        standalone_quantized()


if __name__ == "__main__":
    main()
