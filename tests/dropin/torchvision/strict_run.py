"""Run torchvision 0.29's model tests with only their import lines pointed at weighthub.

``upstream/`` holds torchvision's ``test/test_extended_models.py``, ``test/test_models.py``,
``test/common_extended_utils.py``, ``test/conftest.py`` and ``test/_utils_internal.py`` verbatim
(see NOTICE). :func:`rewrite` changes only their import lines (``from torchvision import models``
-> ``from weighthub import models``, ``from torchvision.models[.X] import`` -> ``from
weighthub.models[.X] import``) and checks that exactly those 7 lines in 3 files changed.

Usage::

    python tests/dropin/torchvision/strict_run.py [--torchvision] [--out DIR] [-- PYTEST ARGS]

runs pytest on the two test files in a fresh folder (``--out``, or a temporary one) with
``HOME``, ``TORCH_HOME`` and ``WEIGHTHUB_HOME`` inside it, so nothing reaches the user's caches,
and only the first-party plugins enabled (``WEIGHTHUB_PLUGINS``, unless set).
``--torchvision`` runs the unchanged files, for the comparison. Set ``PYTORCH_TEST_WITH_EXTENDED=1``
for the extended tests and ``DROPIN_STUB_PRETRAINED=1`` to run ``test_pretrained_deprecation``
under torchvision's ``disable_weight_loading`` (harness/dropin_harness.py).

torchvision's expected outputs (``test/expect/*.pkl``) are binary files, not vendored: a
``--torchvision`` run with ``EXPECTTEST_ACCEPT=1`` writes them from torchvision's models, and
``--expect-from DIR/expect`` compares weighthub's models against them.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
UPSTREAM = HERE / "upstream"
HARNESS = HERE / "harness"
# torchvision's models are the first-party plugins' (the venv may hold example plugins too).
FIRST_PARTY = (
    "weighthub-classification,weighthub-quantized,weighthub-detection,weighthub-segmentation,"
    "weighthub-video,weighthub-optical-flow"
)
UNDER_TEST = ("test_extended_models.py", "test_models.py", "common_extended_utils.py")
CHANGED_LINES = 7


def _rewrite_line(line: str) -> str:
    if line == "from torchvision import models":
        return "from weighthub import models"
    if line == "from torchvision import models, transforms":
        # torchvision.transforms stays torchvision's; the line stays one line.
        return "from torchvision import transforms; from weighthub import models"
    if line.startswith("from torchvision.models import ") or line.startswith(
        "from torchvision.models."
    ):
        return "from weighthub.models" + line[len("from torchvision.models") :]
    return line


def rewrite(source: str) -> tuple[str, list[tuple[str, str]]]:
    """Return ``source`` with its torchvision.models imports pointed at weighthub, and the
    (old, new) pairs of the lines changed."""
    old_lines = source.split("\n")
    new_lines = [_rewrite_line(line) for line in old_lines]
    changed = [(o, n) for o, n in zip(old_lines, new_lines, strict=True) if o != n]
    return "\n".join(new_lines), changed


def prepare(out: Path, *, weighthub: bool) -> list[tuple[str, str, str]]:
    """Copy the files into ``out``, rewritten when ``weighthub``; return (file, old, new) per
    changed line.

    Raises:
        RuntimeError: The rewrite did not change exactly the 7 import lines, all imports.
    """
    out.mkdir(parents=True, exist_ok=True)
    changes: list[tuple[str, str, str]] = []
    for path in [*UPSTREAM.glob("*.py"), *HARNESS.glob("*.py")]:
        text = path.read_text()
        if weighthub and path.parent == UPSTREAM and path.name in UNDER_TEST:
            text, changed = rewrite(text)
            changes += [(path.name, old, new) for old, new in changed]
            diff = list(difflib.unified_diff(path.read_text().split("\n"), text.split("\n"), n=0))
            if sum(
                1 for line in diff if line.startswith("-") and not line.startswith("---")
            ) != len(changed):
                raise RuntimeError(f"{path.name}: the rewrite changed more than its import lines")
        (out / path.name).write_text(text)
    (out / "pytest.ini").write_text("[pytest]\n")
    (out / "expect").mkdir(exist_ok=True)  # where EXPECTTEST_ACCEPT=1 writes expected outputs
    if weighthub:
        if len(changes) != CHANGED_LINES or not all(
            old.startswith("from torchvision") and "import" in new for _, old, new in changes
        ):
            raise RuntimeError(f"expected {CHANGED_LINES} import lines changed, got {changes}")
        if {name for name, _, _ in changes} != set(UNDER_TEST):
            raise RuntimeError(f"expected changes in {UNDER_TEST}, got {changes}")
    return changes


def environment(out: Path) -> dict[str, str]:
    """The environment of the run: caches inside ``out``, ``out`` on the path."""
    home = out / "home"
    home.mkdir(exist_ok=True)
    env = dict(os.environ)
    env.setdefault("WEIGHTHUB_PLUGINS", FIRST_PARTY)
    env.update(
        HOME=str(home),
        TORCH_HOME=str(home / "torch"),
        WEIGHTHUB_HOME=str(home / "weighthub"),
        XDG_CACHE_HOME=str(home / "cache"),
        PYTHONPATH=os.pathsep.join([str(out), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    )
    return env


def command(out: Path, pytest_args: list[str]) -> list[str]:
    """The pytest command line: the two test files in ``out``, or the files and test ids among
    ``pytest_args``."""
    selected = [arg for arg in pytest_args if arg.startswith("test_")]
    return [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "dropin_harness",
        "-p",
        "no:cacheprovider",
        f"--rootdir={out}",
        *([] if selected else ["test_extended_models.py", "test_models.py"]),
        *pytest_args,
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--torchvision", action="store_true", help="run the unchanged files")
    parser.add_argument("--out", type=Path, help="the folder to run in (default: a temporary one)")
    parser.add_argument(
        "--expect-from",
        type=Path,
        help="a folder of expected outputs (ModelTester.*_expect.pkl) to compare against, e.g. "
        "the expect/ folder a --torchvision run with EXPECTTEST_ACCEPT=1 wrote",
    )
    parser.add_argument("pytest_args", nargs="*", help="arguments for pytest (after --)")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="dropin-"))
    if out.exists() and args.out is not None:
        shutil.rmtree(out)
    for name, old, new in prepare(out, weighthub=not args.torchvision):
        print(f"{name}: {old!r} -> {new!r}")
    if args.expect_from is not None:
        shutil.copytree(args.expect_from, out / "expect", dirs_exist_ok=True)
    print(f"running in {out}", flush=True)
    return subprocess.call(command(out, args.pytest_args), cwd=out, env=environment(out))


if __name__ == "__main__":
    sys.exit(main())
