"""Run torchvision 0.29.1's model tests with only their import lines pointed at weighthub.

torchvision's test files are not part of this repository: give the ``test`` folder of a checkout
of pytorch/vision at the v0.29.1 tag::

    git clone --depth 1 -b v0.29.1 https://github.com/pytorch/vision /tmp/vision-0.29.1
    python tests/dropin/torchvision/strict_run.py --torchvision-tests /tmp/vision-0.29.1/test \\
        [--torchvision] [--out DIR] [-- PYTEST ARGS]

(``WEIGHTHUB_TORCHVISION_TESTS=DIR`` stands for ``--torchvision-tests DIR``.) The run checks that
``test_extended_models.py``, ``test_models.py``, ``common_extended_utils.py``, ``conftest.py`` and
``_utils_internal.py`` are torchvision 0.29.1's (sha256), copies them and ``common_utils.py`` into
a fresh folder (``--out``, or a temporary one), and :func:`rewrite` changes only their import lines
(``from torchvision import models`` -> ``from weighthub import models``, ``from
torchvision.models[.X] import`` -> ``from weighthub.models[.X] import``), refusing to run unless
exactly those 7 lines in 3 files changed. pytest runs there with ``HOME``, ``TORCH_HOME`` and
``WEIGHTHUB_HOME`` inside the folder, so nothing reaches the user's caches, and only the
first-party plugins enabled (``WEIGHTHUB_PLUGINS``, unless set).

``--torchvision`` runs the unchanged files, for the comparison. Set ``PYTORCH_TEST_WITH_EXTENDED=1``
for the extended tests and ``DROPIN_STUB_PRETRAINED=1`` to run ``test_pretrained_deprecation``
under torchvision's ``disable_weight_loading`` (harness/dropin_harness.py).

torchvision's expected outputs (``test/expect/*.pkl``) are not copied: a ``--torchvision`` run
with ``EXPECTTEST_ACCEPT=1`` writes them from torchvision's models, and ``--expect-from
DIR/expect`` compares weighthub's models against them.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
HARNESS = HERE / "harness"
TESTS_SETTING = "WEIGHTHUB_TORCHVISION_TESTS"
CLONE = "git clone --depth 1 -b v0.29.1 https://github.com/pytorch/vision"
# torchvision's models are the first-party plugins' (the venv may hold example plugins too).
FIRST_PARTY = (
    "weighthub-classification,weighthub-quantized,weighthub-detection,weighthub-segmentation,"
    "weighthub-video,weighthub-optical-flow"
)
# The files of torchvision 0.29.1's test/ folder the run uses, as the tag holds them.
SHA256 = {
    "_utils_internal.py": "086e1cfe44d9e636c54e216cfd0b8d5d94c858b9b5e3273b1abcc51612bd953a",
    "common_extended_utils.py": "adc333d4c1f43f6ea03b9f4bb351b9f28a8a195d237ead3928a1c5b931852f4b",
    "conftest.py": "b77060e4f4fb1aa0f1d2f3b4fc74dfaef53be077bb1d3181e1cc9e45f773bf8b",
    "test_extended_models.py": "0f9f80844d83ccf0bdf2abcabb4eca575efd0d74cfb1cf61b219e6759b2be837",
    "test_models.py": "e1feb880f4af4eb880dd450d5ad545772f16568c325aa467f4e9c8daf4b01dca",
}
COPIED = (*SHA256, "common_utils.py")
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


def check_originals(tests: Path) -> None:
    """Check that ``tests`` holds torchvision 0.29.1's test files the run needs.

    Raises:
        FileNotFoundError: A file is missing (names it, and how to get the right checkout).
        RuntimeError: A file's sha256 is not the v0.29.1 one.
    """
    for name in COPIED:
        if not (tests / name).is_file():
            raise FileNotFoundError(
                f"{tests / name} does not exist: --torchvision-tests (or {TESTS_SETTING}) must "
                f"name the test/ folder of a checkout of pytorch/vision v0.29.1 ({CLONE})"
            )
    wrong = [
        f"{tests / name} is not torchvision 0.29.1's (sha256 {found}, expected {digest})"
        for name, digest in SHA256.items()
        if (found := hashlib.sha256((tests / name).read_bytes()).hexdigest()) != digest
    ]
    if wrong:
        raise RuntimeError("; ".join(wrong) + f": check out the v0.29.1 tag ({CLONE})")


def prepare(tests: Path, out: Path, *, weighthub: bool) -> list[tuple[str, str, str]]:
    """Copy the files of ``tests`` and the harness into ``out``, rewritten when ``weighthub``;
    return (file, old, new) per changed line. Call :func:`check_originals` first.

    Raises:
        RuntimeError: The rewrite did not change exactly the 7 import lines, all imports.
    """
    out.mkdir(parents=True, exist_ok=True)
    changes: list[tuple[str, str, str]] = []
    for path in [*(tests / name for name in COPIED), *HARNESS.glob("*.py")]:
        original = path.read_text()
        text = original
        if weighthub and path.name in UNDER_TEST:
            text, changed = rewrite(original)
            changes += [(path.name, old, new) for old, new in changed]
            diff = difflib.unified_diff(original.split("\n"), text.split("\n"), n=0)
            removed = sum(1 for line in diff if line.startswith("-") and not line.startswith("---"))
            if removed != len(changed):
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
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog=f"Get torchvision's tests with: {CLONE}"
    )
    parser.add_argument(
        "--torchvision-tests",
        type=Path,
        default=os.environ.get(TESTS_SETTING) or None,
        help=f"the test/ folder of a pytorch/vision v0.29.1 checkout (default: ${TESTS_SETTING})",
    )
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
    if args.torchvision_tests is None:
        parser.error(f"--torchvision-tests DIR (or {TESTS_SETTING}) is required; {CLONE}")
    try:
        check_originals(args.torchvision_tests)
    except (FileNotFoundError, RuntimeError) as error:
        parser.error(str(error))
    out = args.out or Path(tempfile.mkdtemp(prefix="dropin-"))
    if out.exists() and args.out is not None:
        shutil.rmtree(out)
    for name, old, new in prepare(args.torchvision_tests, out, weighthub=not args.torchvision):
        print(f"{name}: {old!r} -> {new!r}")
    if args.expect_from is not None:
        shutil.copytree(args.expect_from, out / "expect", dirs_exist_ok=True)
    print(f"running in {out}", flush=True)
    return subprocess.call(command(out, args.pytest_args), cwd=out, env=environment(out))


if __name__ == "__main__":
    sys.exit(main())
